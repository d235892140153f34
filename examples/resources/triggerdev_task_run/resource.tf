# Run the database migration of each release before the new version rolls
# out: a new run when the release changes, and none on later applies.
resource "triggerdev_task_run" "migration" {
  task            = "migrate-database"
  payload         = jsonencode({ release = var.release })
  idempotency_key = "migration-${var.release}"
  machine         = "medium-1x"
  max_duration    = "30m"
  timeout         = "45m"
  triggers        = { release = var.release }
}

resource "terraform_data" "rollout" {
  input      = var.release
  depends_on = [triggerdev_task_run.migration]
}
