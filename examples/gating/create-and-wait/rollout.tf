# The wait and the rollout (Terraform 1.14 or later): the apply waits for the
# approver's answer before creating the rollout, and fails, so the rollout
# does not happen, unless the answer is {"approved": true}.
action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    id              = triggerdev_waitpoint_token.approval.id
    output_contains = jsonencode({ approved = true })
    timeout         = "30m"
    interval        = "1s"
  }
}

resource "terraform_data" "rollout" {
  input      = var.release
  depends_on = [terraform_data.notify]

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.triggerdev_wait_for_waitpoint_token.approval]
    }
  }
}
