# Gate a rollout on an approval token at apply time (Terraform 1.14 or later):
# the apply waits for the token only when the rollout changes, and fails, so the
# rollout does not happen, unless the approver answered {"approved": true}.
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

action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    id              = var.approval_token_id
    output_contains = jsonencode({ approved = true })
    timeout         = "30m"
    interval        = "1s"
  }
}

resource "terraform_data" "rollout" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.triggerdev_wait_for_waitpoint_token.approval]
    }
  }
}

output "rolled_out" {
  value = terraform_data.rollout.output
}
