# Terraform alone gates a rollout on a person's approval: it creates the
# approval token for the release, sends its callback URL to a notifier, waits
# for the answer (rollout.tf, Terraform 1.14 or later), and rolls out only on
# {"approved": true}. The approver answers by POSTing JSON to the URL, or from
# the Trigger.dev dashboard.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "release" {
  type        = string
  description = "The release to roll out, such as 42: one approval token each."
}

variable "notify_url" {
  type        = string
  description = "Where the approval request is POSTed as JSON, such as a chat webhook or an incoming-webhook relay."
}

# Re-applying finds the same token through its key, even after a failed
# apply: one approval per release.
resource "triggerdev_waitpoint_token" "approval" {
  idempotency_key = "approval-${var.release}"
  timeout         = "24h"
  tags            = ["approval", "release:${var.release}"]
}

# The callback URL completes the token without an API key: it is read
# ephemerally, never stored in state or plan.
ephemeral "triggerdev_waitpoint_token" "approval" {
  id = triggerdev_waitpoint_token.approval.id
}

resource "terraform_data" "notify" {
  triggers_replace = triggerdev_waitpoint_token.approval.id

  provisioner "local-exec" {
    command = "curl --fail --silent --show-error --header 'Content-Type: application/json' --data \"$REQUEST\" \"$NOTIFY_URL\""
    environment = {
      NOTIFY_URL = var.notify_url
      REQUEST = jsonencode({
        text        = "Release ${var.release} waits for your approval: POST {\"approved\": true} (or false) to approve_url."
        approve_url = ephemeral.triggerdev_waitpoint_token.approval.url
      })
    }
  }
}
