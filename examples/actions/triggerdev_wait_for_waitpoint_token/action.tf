# Wait for the release's approval token when, and only when, the rollout is
# about to be created or updated. Plans, refreshes and destroys never wait.
action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    id              = var.approval_token_id
    output_contains = jsonencode({ approved = true })
    timeout         = "30m"
    interval        = "10s"
  }
}

resource "terraform_data" "rollout" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.triggerdev_wait_for_waitpoint_token.approval]
    }
  }
}
