# Production approvals still waiting, created in the last day.
data "triggerdev_waitpoint_tokens" "pending" {
  statuses       = ["WAITING"]
  tags           = ["approval", "deploy:prod"]
  tags_match     = "all"
  created_period = "24h"
  max_items      = 100
}

output "pending_approval_ids" {
  value = data.triggerdev_waitpoint_tokens.pending.ids
}

output "more_pending_than_listed" {
  value = data.triggerdev_waitpoint_tokens.pending.has_more
}
