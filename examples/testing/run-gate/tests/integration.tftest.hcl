# Integration test of the run gate: each run triggers a task on the mock API,
# which runs it as ../fixtures.json scripts it. The provider takes the mock's
# URL and key from TRIGGER_API_URL and TRIGGER_SECRET_KEY:
#   mockapi -api-key tr_dev_test -fixtures fixtures.json &
#   export TRIGGER_API_URL=http://127.0.0.1:PORT TRIGGER_SECRET_KEY=tr_dev_test
#   terraform test
# Each run applies: the smoke test runs when the run is created.

run "failing_check_stops_the_rollout" {
  variables {
    smoke_test_task = "smoke-test-failing-check"
  }

  expect_failures = [terraform_data.rollout]
}

run "crashed_smoke_test_stops_the_rollout" {
  variables {
    release         = "release-43"
    smoke_test_task = "smoke-test-crashing"
  }

  expect_failures = [terraform_data.rollout]
}

run "passed_smoke_test_rolls_out" {
  variables {
    release = "release-44"
  }

  assert {
    condition     = triggerdev_task_run.smoke_test.status == "COMPLETED" && terraform_data.rollout.output == "release-44"
    error_message = "A passed smoke test must let the release roll out."
  }

  assert {
    condition     = jsondecode(triggerdev_task_run.smoke_test.output_json).checks == 12
    error_message = "The run's output must be the task's return value."
  }
}
