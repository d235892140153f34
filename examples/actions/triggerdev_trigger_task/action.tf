# Run the smoke test of the release when, and only when, the rollout is about
# to be created or updated; the rollout goes on only if the run completes
# with {"passed": true}.
action "triggerdev_trigger_task" "smoke_test" {
  config {
    task            = "smoke-test"
    payload         = jsonencode({ release = var.release })
    output_contains = jsonencode({ passed = true })
    timeout         = "15m"
  }
}

resource "terraform_data" "rollout" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.triggerdev_trigger_task.smoke_test]
    }
  }
}
