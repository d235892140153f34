# The gating story: list the pending approvals, wait for the approval token of
# this release (found by its idempotency key), and only then roll out. `make demo`
# runs it against the mock API and approves the token a few seconds in, as a
# person would.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "api_url" {
  type = string
}

variable "api_key" {
  type      = string
  sensitive = true
}

variable "release" {
  type        = string
  default     = "release-0"
  description = "The release to roll out; its approval token was created with this idempotency key."
}

provider "triggerdev" {
  api_url = var.api_url
  api_key = var.api_key
}

data "triggerdev_waitpoint_tokens" "pending" {
  statuses  = ["WAITING"]
  tags      = ["approval"]
  max_items = 5
}

data "triggerdev_waitpoint_tokens" "release" {
  idempotency_key = var.release
  max_items       = 1
}

data "triggerdev_waitpoint_token" "approval" {
  id = data.triggerdev_waitpoint_tokens.release.ids[0]

  wait = {
    statuses = ["COMPLETED"]
    timeout  = "2m"
    interval = "1s"
  }
}

locals {
  decision = jsondecode(data.triggerdev_waitpoint_token.approval.output_json)
}

resource "terraform_data" "rollout" {
  input = {
    release     = var.release
    approved_by = local.decision.by
  }

  lifecycle {
    precondition {
      condition     = data.triggerdev_waitpoint_token.approval.status == "COMPLETED" && local.decision.approved
      error_message = "The release was not approved."
    }
  }
}

output "pending_approvals" {
  value = [for t in data.triggerdev_waitpoint_tokens.pending.tokens : "${t.id} ${t.status} [${join(", ", t.tags)}] created ${t.created_at}"]
}

output "approval" {
  value = local.decision
}

output "rollout" {
  value = terraform_data.rollout.output
}
