# One approval token per release: re-applying, even after a failed apply,
# finds the same token through its idempotency key.
resource "triggerdev_waitpoint_token" "approval" {
  idempotency_key     = "approval-${var.release}"
  idempotency_key_ttl = "30d"
  timeout             = "24h"
  tags                = ["approval", "release:${var.release}"]
}

# The callback URL is not in the resource's state: read it ephemerally, by id,
# to hand it to whoever approves.
ephemeral "triggerdev_waitpoint_token" "approval" {
  id = triggerdev_waitpoint_token.approval.id
}
