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

variable "attempt" {
  type        = number
  default     = 1
  description = "The approval attempt for the release. After a decline or a timeout, ask again with the next number (-var attempt=2): a new key, so a new token and a new notification."

  validation {
    condition     = var.attempt >= 1 && floor(var.attempt) == var.attempt
    error_message = "The attempt is a whole number from 1: the one after the declined or timed-out attempt asks again."
  }
}

variable "notify_url" {
  type        = string
  description = "Where the approval request is POSTed as JSON, such as a chat webhook or an incoming-webhook relay."
}

# Re-applying finds the same token through its key, even after a failed
# apply: one approval per release and attempt. The same key returns the same
# token even once it is declined or timed out (the apply warns), so asking
# again takes the next attempt, and with it a new key and a new token.
resource "triggerdev_waitpoint_token" "approval" {
  idempotency_key = "approval-${var.release}-attempt-${var.attempt}"
  timeout         = "24h"
  tags            = ["approval", "release:${var.release}"]
}

# The callback URL completes the token without an API key: it is read
# ephemerally, never stored in state or plan.
ephemeral "triggerdev_waitpoint_token" "approval" {
  id = triggerdev_waitpoint_token.approval.id
}

# Only a token still WAITING is sent to the approver: a token that has ended
# (the key of a declined one, say) would ask for an answer nobody can give. The
# apply's warning then says how to ask again (the provisioner's own output is
# hidden, as its environment holds an ephemeral value).
resource "terraform_data" "notify" {
  triggers_replace = triggerdev_waitpoint_token.approval.id

  provisioner "local-exec" {
    command = (
      triggerdev_waitpoint_token.approval.status == "WAITING"
      ? "curl --fail --silent --show-error --header 'Content-Type: application/json' --data \"$REQUEST\" \"$NOTIFY_URL\""
      : "true"
    )
    environment = {
      NOTIFY_URL = var.notify_url
      REQUEST = jsonencode({
        text        = "Release ${var.release} waits for your approval: POST {\"approved\": true} (or false) to approve_url."
        approve_url = ephemeral.triggerdev_waitpoint_token.approval.url
      })
    }
  }
}
