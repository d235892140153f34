# Complete the token a Trigger.dev task waits on (wait.forToken) once the
# tenant exists: the task resumes with the tenant's endpoint. Applying again
# leaves a completed token as it is, with a warning.
action "triggerdev_complete_waitpoint_token" "tenant_ready" {
  config {
    id   = var.task_token_id
    data = jsonencode({ tenant = var.tenant, endpoint = terraform_data.tenant.output })
  }
}

resource "terraform_data" "tenant" {
  input = "https://${var.tenant}.db.example.com"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.triggerdev_complete_waitpoint_token.tenant_ready]
    }
  }
}
