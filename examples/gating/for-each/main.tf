# One rollout per completed approval of the last week, keyed by token id.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

data "triggerdev_waitpoint_tokens" "approved" {
  statuses       = ["COMPLETED"]
  tags           = ["approval"]
  created_period = "7d"
  max_items      = 50
}

resource "terraform_data" "rollout" {
  for_each = { for t in data.triggerdev_waitpoint_tokens.approved.tokens : t.id => t }

  input = {
    approved_at = each.value.completed_at
    tags        = each.value.tags
  }
}

output "rollouts" {
  value = keys(terraform_data.rollout)
}
