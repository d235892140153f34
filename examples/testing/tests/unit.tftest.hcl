# Unit test of the gate: override_data stands in for the token, so no server
# and no API key are needed. Terraform 1.7 or later, OpenTofu 1.8 or later.
#   terraform test -filter=tests/unit.tftest.hcl

run "declined_release_is_stopped" {
  command = plan

  variables {
    approval_token_id = "waitpoint_declined"
  }

  override_data {
    target = data.triggerdev_waitpoint_token.approval
    values = {
      status      = "COMPLETED"
      output_json = "{\"approved\": false, \"by\": \"bob\"}"
    }
  }

  expect_failures = [terraform_data.rollout]
}

run "timed_out_release_is_stopped" {
  command = plan

  variables {
    approval_token_id = "waitpoint_timedout"
  }

  override_data {
    target = data.triggerdev_waitpoint_token.approval
    values = {
      status          = "TIMED_OUT"
      output_is_error = true
      output_json     = "{\"code\": \"TRIGGER_WAITPOINT_TIMEOUT\", \"message\": \"Waitpoint timed out\"}"
    }
  }

  expect_failures = [terraform_data.rollout]
}

run "approved_release_rolls_out" {
  variables {
    approval_token_id = "waitpoint_approved"
  }

  override_data {
    target = data.triggerdev_waitpoint_token.approval
    values = {
      status      = "COMPLETED"
      output_json = "{\"approved\": true, \"by\": \"alice\"}"
    }
  }

  assert {
    condition     = terraform_data.rollout.output == "release-42"
    error_message = "An approved release must roll out."
  }

  assert {
    condition     = output.approved && output.approved_by == "alice"
    error_message = "The outputs must record alice's approval."
  }
}
