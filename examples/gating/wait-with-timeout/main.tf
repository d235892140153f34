# Hold the run until the approval token is completed, failing after 15 minutes
# (or at once if the token times out on the Trigger.dev side), and roll out only
# if the approver said yes. The gate is a precondition: it is checked before the
# rollout is created, so a declined release never reaches the state. (A
# postcondition would run after the rollout was created: it blocks only what
# depends on the rollout, never the rollout itself.)
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

locals {
  decision = try(jsondecode(data.triggerdev_waitpoint_token.approval.output_json), null)
}

resource "terraform_data" "rollout" {
  input = "release-42"

  lifecycle {
    precondition {
      condition     = try(local.decision.approved, false) == true
      error_message = "The approver declined the release."
    }
  }
}

output "decision" {
  value = local.decision
}
