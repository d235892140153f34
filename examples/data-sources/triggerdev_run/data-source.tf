# Read a run, for instance one a deployment pipeline triggered, and wait for
# it to end: the read fails if it ends otherwise than COMPLETED.
data "triggerdev_run" "migration" {
  id = var.migration_run_id

  wait = {
    statuses = ["COMPLETED"]
    timeout  = "30m"
    interval = "15s"
  }
}

output "migration" {
  value = {
    status      = data.triggerdev_run.migration.status
    finished_at = data.triggerdev_run.migration.finished_at
    result      = jsondecode(data.triggerdev_run.migration.output_json)
  }
}
