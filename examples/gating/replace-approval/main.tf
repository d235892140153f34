# Hold the replacement of a database until someone approves it (Terraform 1.16
# or later). A change of engine_version forces a new database; before the old
# one is destroyed, the apply waits for the approval token, and a decline fails
# the apply: the old database stays, in the infrastructure and in the state.
# Creating the database, and updating it in place, never wait. A full
# `terraform destroy` is never held: Terraform turns the action's failure into
# a warning and destroys anyway.
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

variable "engine_version" {
  type    = string
  default = "16"
}

action "triggerdev_wait_for_waitpoint_token" "replace_approval" {
  config {
    id              = var.approval_token_id
    output_contains = jsonencode({ approved = true })
    timeout         = "30m"
    interval        = "1s"
  }
}

# Stands for a production database: a new engine version replaces it.
resource "terraform_data" "database" {
  input            = var.engine_version
  triggers_replace = var.engine_version

  lifecycle {
    action_trigger {
      events  = [before_destroy]
      actions = [action.triggerdev_wait_for_waitpoint_token.replace_approval]
    }
  }
}

output "engine_version" {
  value = terraform_data.database.output
}
