# Roll a release out only after a smoke test of it passed, with the trigger
# action (Terraform 1.14 or later): it triggers the "smoke-test" task when,
# and only when, the rollout is about to be created or updated, and fails the
# apply unless the run completes with {"passed": true}. Plans, refreshes and
# destroys trigger nothing. The resource form, for every CLI, is in ../resource.
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

action "triggerdev_trigger_task" "smoke_test" {
  config {
    task            = "smoke-test"
    payload         = jsonencode({ release = var.release })
    output_contains = jsonencode({ passed = true })
    timeout         = "15m"
    interval        = "10s"
  }
}

resource "terraform_data" "rollout" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.triggerdev_trigger_task.smoke_test]
    }
  }
}
