# Roll a release out only after a smoke test of it passed, on every CLI
# (OpenTofu and Terraform before 1.14 included): the task run resource
# triggers the "smoke-test" task when the release changes and waits for its
# run, which must complete with {"passed": true}. A failed, crashed or
# declining run fails the apply and stores nothing, so the rollout does not
# happen and the next apply runs the smoke test again.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "release" {
  type    = string
  default = "release-42"
}

resource "triggerdev_task_run" "smoke_test" {
  task            = "smoke-test"
  payload         = jsonencode({ release = var.release })
  output_contains = jsonencode({ passed = true })
  timeout         = "15m"
  interval        = "10s"
  triggers        = { release = var.release }
}

resource "terraform_data" "rollout" {
  input      = var.release
  depends_on = [triggerdev_task_run.smoke_test]
}

output "smoke_test_run" {
  value = triggerdev_task_run.smoke_test.id
}
