# One rollout per approved approval token of the last week, keyed by token id.
# A token completed with {"approved": false} gets no rollout.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

data "triggerdev_waitpoint_tokens" "completed" {
  statuses       = ["COMPLETED"]
  tags           = ["approval"]
  created_period = "7d"
  max_items      = 50
  include_output = true # the approver's answer is in each token's output
}

locals {
  approved = {
    for t in data.triggerdev_waitpoint_tokens.completed.tokens : t.id => t
    if try(jsondecode(t.output_json).approved, false) == true
  }
}

resource "terraform_data" "rollout" {
  for_each = local.approved

  input = {
    approved_at = each.value.completed_at
    tags        = each.value.tags
  }
}

output "rollouts" {
  value = keys(terraform_data.rollout)
}
