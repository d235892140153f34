# A release gated on a smoke-test task's run, with the test that proves the
# gate closes: tests/integration.tftest.hcl, against the mock and
# fixtures.json, whose tasks script what each run does.
#
# The run is waited for whatever its end, and a condition on the rollout
# decides: `terraform test` can expect a failed condition (expect_failures),
# not a provider's error. Gating on the run alone, with
# `output_contains` (../../gating/smoke-test), stores nothing on a failure;
# here a failed run is stored, and runs again when the release changes.
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

variable "smoke_test_task" {
  type        = string
  description = "The id of the smoke-test task."
  default     = "smoke-test"
}

resource "triggerdev_task_run" "smoke_test" {
  task     = var.smoke_test_task
  payload  = jsonencode({ release = var.release })
  statuses = ["COMPLETED", "FAILED", "CRASHED", "SYSTEM_FAILURE", "TIMED_OUT", "EXPIRED", "CANCELED"]
  timeout  = "15m"
  interval = "1s"
  triggers = { release = var.release }
}

locals {
  result = try(jsondecode(triggerdev_task_run.smoke_test.output_json), null)
  # Only a completed run whose output says "passed": true lets the release out.
  passed = triggerdev_task_run.smoke_test.status == "COMPLETED" && try(local.result.passed == true, false)
}

resource "terraform_data" "rollout" {
  input = var.release

  lifecycle {
    precondition {
      condition     = local.passed
      error_message = "The smoke test did not pass (run ${triggerdev_task_run.smoke_test.id}: ${triggerdev_task_run.smoke_test.status})."
    }
  }
}

output "smoke_test_run" {
  value = triggerdev_task_run.smoke_test.id
}
