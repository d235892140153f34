# Wait, at apply time, for the release's approval token, and roll out only once
# the approver said yes. The wait happens when the resource is created: again
# for a new token or a new release, never in a plan with nothing changed.
resource "triggerdev_waitpoint_token_wait" "approval" {
  id              = var.approval_token_id # or idempotency_key
  output_contains = jsonencode({ approved = true })
  timeout         = "30m"
  interval        = "10s"
  triggers        = { release = var.release }
}

resource "terraform_data" "rollout" {
  input      = var.release
  depends_on = [triggerdev_waitpoint_token_wait.approval]
}
