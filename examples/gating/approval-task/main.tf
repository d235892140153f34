# Terraform asks for an approval through a Trigger.dev task, and the rollout
# waits for the decision: the "release-approval" task (trigger/release-approval.ts)
# posts the release to a Slack channel with a waitpoint token's link, waits
# for the approver's answer, and returns it as its output. The task run
# resource waits up to a day for that output to say {"approved": true}; a
# refusal, or no answer in time, fails the apply with nothing stored, so the
# rollout does not happen and the next apply asks again.
terraform {
  required_providers {
    triggerdev = {
      source = "triggerdev-terraform/triggerdev"
    }
  }
}

variable "release" {
  type    = string
  default = "release-42"
}

resource "triggerdev_task_run" "approval" {
  task            = "release-approval"
  payload         = jsonencode({ release = var.release, channel = "#releases" })
  tags            = ["release:${var.release}"]
  output_contains = jsonencode({ approved = true })
  timeout         = "24h"
  interval        = "30s"
  triggers        = { release = var.release }
}

resource "terraform_data" "rollout" {
  input      = var.release
  depends_on = [triggerdev_task_run.approval]
}

output "approved_by" {
  value = jsondecode(triggerdev_task_run.approval.output_json).by
}
