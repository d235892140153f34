# An advisory approval (Terraform 1.16 or later): the apply waits for the
# approval token when the rollout changes, but a decline, or no answer within
# the timeout, is only a warning: with on_failure = continue the rollout goes on.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "approval_token_id" {
  type = string
}

variable "release" {
  type    = string
  default = "release-42"
}

action "triggerdev_wait_for_waitpoint_token" "review" {
  config {
    id              = var.approval_token_id
    output_contains = jsonencode({ approved = true })
    timeout         = "10m"
    interval        = "1s"
  }
}

resource "terraform_data" "rollout" {
  input = var.release

  lifecycle {
    action_trigger {
      events     = [before_create, before_update]
      actions    = [action.triggerdev_wait_for_waitpoint_token.review]
      on_failure = continue
    }
  }
}

output "rolled_out" {
  value = terraform_data.rollout.output
}
