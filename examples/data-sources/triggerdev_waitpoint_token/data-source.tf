variable "approval_token_id" {
  type        = string
  description = "The id of the waitpoint token a person completes to approve the release."
}

# Read a token as it is now.
data "triggerdev_waitpoint_token" "approval" {
  id = var.approval_token_id
}

# Or block until someone completes it (or it times out), for at most 30 minutes.
data "triggerdev_waitpoint_token" "approval_decision" {
  id = var.approval_token_id

  wait = {
    statuses = ["COMPLETED", "TIMED_OUT"]
    timeout  = "30m"
    interval = "10s"
  }
}

output "approval_status" {
  value = data.triggerdev_waitpoint_token.approval.status
}

# The completer's payload, whatever type the service stored it as.
output "approval_decision" {
  value = jsondecode(data.triggerdev_waitpoint_token.approval_decision.output_json)
}
