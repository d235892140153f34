# A release gated on an approval token, with the tests that prove the gate
# closes: tests/unit.tftest.hcl (no server) and tests/integration.tftest.hcl
# (against the mock and fixtures.json).
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "approval_token_id" {
  type        = string
  description = "The id of the release's approval token (waitpoint_…)."
}

data "triggerdev_waitpoint_token" "approval" {
  id = var.approval_token_id
}

locals {
  status   = data.triggerdev_waitpoint_token.approval.status
  decision = try(jsondecode(data.triggerdev_waitpoint_token.approval.output_json), null)
  # Only a completed token whose output says "approved": true lets the release out.
  approved = local.status == "COMPLETED" && try(local.decision.approved == true, false)
}

resource "terraform_data" "rollout" {
  input = "release-42"

  lifecycle {
    precondition {
      condition     = local.approved
      error_message = "The release is not approved (approval token status: ${local.status})."
    }
  }
}

output "approved" {
  value = local.approved
}

output "approved_by" {
  value = try(local.decision.by, null)
}
