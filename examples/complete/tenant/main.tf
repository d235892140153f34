# A Trigger.dev task provisions a tenant: it creates a waitpoint token, starts a
# Terraform run with the token's id (TF_VAR_task_token_id), and waits with
# wait.forToken. Creating the tenant completes the token with the tenant's
# outputs, and the task resumes with them (Terraform 1.14 or later).
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "task_token_id" {
  type        = string
  description = "The id of the waitpoint token the provisioning task waits on."
}

variable "tenant" {
  type        = string
  description = "The tenant to provision."
  default     = "acme"
}

# Stands for the tenant's real infrastructure (a database, a bucket, …).
resource "terraform_data" "tenant" {
  input = {
    name     = var.tenant
    endpoint = "https://${var.tenant}.db.example.com"
  }

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.triggerdev_complete_waitpoint_token.tenant_ready]
    }
  }
}

action "triggerdev_complete_waitpoint_token" "tenant_ready" {
  config {
    id   = var.task_token_id
    data = jsonencode(terraform_data.tenant.output)
  }
}

output "tenant" {
  value = terraform_data.tenant.output
}
