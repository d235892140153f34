# Gate a rollout on an approval token at apply time, on every CLI (OpenTofu and
# Terraform before 1.14 included): the wait is a resource, created once the
# approver answered {"approved": true}, and the rollout depends on it. A
# declined, timed-out or unanswered token fails the apply and stores nothing,
# so the rollout does not happen and the next apply waits again. Once passed,
# the gate waits again only for a new token or a new release: plans, refreshes
# and destroys never wait.
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

resource "triggerdev_waitpoint_token_wait" "approval" {
  id              = var.approval_token_id
  output_contains = jsonencode({ approved = true })
  timeout         = "30m"
  interval        = "1s"
  triggers        = { release = var.release }
}

resource "terraform_data" "rollout" {
  input      = var.release
  depends_on = [triggerdev_waitpoint_token_wait.approval]
}

output "approved_at" {
  value = triggerdev_waitpoint_token_wait.approval.completed_at
}
