# Hold the run until the approval token is completed, failing after 15 minutes
# (or at once if the token times out on the Trigger.dev side).
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

data "triggerdev_waitpoint_token" "approval" {
  id = var.approval_token_id

  wait = {
    statuses = ["COMPLETED"]
    timeout  = "15m"
    interval = "5s"
  }
}

resource "terraform_data" "rollout" {
  input = jsondecode(data.triggerdev_waitpoint_token.approval.output_json)

  lifecycle {
    postcondition {
      condition     = try(self.output.approved, false)
      error_message = "The approver declined the release."
    }
  }
}

output "decision" {
  value = terraform_data.rollout.output
}
