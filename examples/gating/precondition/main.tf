# Gate a rollout on an approval token: the plan fails unless someone completed
# the token and approved.
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
}

locals {
  decision = try(jsondecode(data.triggerdev_waitpoint_token.approval.output_json), null)
}

resource "terraform_data" "rollout" {
  input = "release-42"

  lifecycle {
    precondition {
      condition     = data.triggerdev_waitpoint_token.approval.status == "COMPLETED" && try(local.decision.approved, false)
      error_message = "The release has not been approved yet (approval token status: ${data.triggerdev_waitpoint_token.approval.status})."
    }
  }
}

output "approved_by" {
  value = try(local.decision.by, null)
}
