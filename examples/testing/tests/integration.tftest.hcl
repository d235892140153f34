# Integration test of the gate: the provider reads the tokens of ../fixtures.json
# from the mock API, whose URL and key it takes from TRIGGER_API_URL and
# TRIGGER_SECRET_KEY:
#   mockapi -api-key tr_dev_test -fixtures fixtures.json &
#   export TRIGGER_API_URL=http://127.0.0.1:PORT TRIGGER_SECRET_KEY=tr_dev_test
#   terraform test -filter=tests/integration.tftest.hcl
# A refused release is only planned: its plan fails, and a run that applies
# counts a failed plan as a failed run, expected failure or not.

run "declined_release_fails_the_plan" {
  command = plan

  variables {
    approval_token_id = "waitpoint_declined"
  }

  expect_failures = [terraform_data.rollout]
}

run "timed_out_release_fails_the_plan" {
  command = plan

  variables {
    approval_token_id = "waitpoint_timedout"
  }

  expect_failures = [terraform_data.rollout]
}

run "approved_release_plans_the_rollout" {
  command = plan

  variables {
    approval_token_id = "waitpoint_approved"
  }

  assert {
    condition     = data.triggerdev_waitpoint_token.approval.status == "COMPLETED" && output.approved
    error_message = "The approved token must let the rollout into the plan."
  }
}

run "approved_release_rolls_out" {
  variables {
    approval_token_id = "waitpoint_approved"
  }

  assert {
    condition     = terraform_data.rollout.output == "release-42"
    error_message = "An approved release must roll out."
  }

  assert {
    condition     = output.approved_by == "alice"
    error_message = "The outputs must record alice's approval."
  }
}
