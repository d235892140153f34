package mockapi_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestOfficialSDK_runs drives the SDK's run calls (runs.mjs) against the mock,
// as a backend calls them: tasks.trigger, runs.retrieve, runs.cancel and
// runs.list must take every answer without a validation error, and see what
// the mock's task scripts make of the runs. It runs with the secret key and
// with an additional key, with which the SDK needs the trigger's
// x-trigger-jwt header for the run's public token.
func TestOfficialSDK_runs(t *testing.T) {
	for name, key := range map[string]string{"secret key": key, "additional key": "tr_dev_sk_mock_additional_key"} {
		t.Run(name, func(t *testing.T) { checkOfficialSDKRuns(t, key) })
	}
}

func checkOfficialSDKRuns(t *testing.T, key string) {
	mock, url := mockapi.Start(t, mockapi.Options{APIKey: key, Seed: 2, Tasks: map[string]mockapi.TaskFixture{
		"smoke-test": {Output: json.RawMessage(`{"passed":true,"checks":40}`), Polls: 1},
		"report":     {Output: json.RawMessage(`{"report":"` + strings.Repeat("x", 600<<10) + `"}`)},
		"migrate":    {Outcome: "FAILED", Error: &mockapi.RunError{Message: "relation exists", Name: "Error", StackTrace: "Error: relation exists\n    at migrate"}},
	}})
	out := runSDKScript(t, "runs.mjs", url, key)

	type runError struct{ Message, Name, StackTrace string }
	var seen struct {
		Triggered struct {
			ID       string
			HasToken bool
		}
		Again    struct{ ID string }
		Statuses []string
		Smoke    struct {
			Status, IdempotencyKey, TTL, StartedAt, FinishedAt string
			Output                                             map[string]any
			Payload                                            map[string]any
			Tags                                               []string
			Metadata                                           map[string]any
			AttemptCount                                       int
			IsSuccess                                          bool
		}
		Large struct {
			Status       string
			ReportLength int
		}
		Failed struct {
			Status   string
			IsFailed bool
			Error    runError
		}
		Queued struct {
			Status  string
			Payload string
		}
		Canceled    struct{ ID string }
		AfterCancel struct {
			Status      string
			IsCancelled bool
			Error       runError
		}
		Listed []struct{ ID, Status, Env string }
	}
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	run, ok := mock.Run(seen.Triggered.ID)
	smoke := seen.Smoke
	switch {
	case !ok || !seen.Triggered.HasToken || seen.Again.ID != run.ID:
		t.Errorf("tasks.trigger twice with one key: %+v then %+v; want one run with a public token", seen.Triggered, seen.Again)
	case !slices.Equal(seen.Statuses, []string{"QUEUED", "COMPLETED"}):
		t.Errorf("runs.retrieve until completed: %v", seen.Statuses)
	case smoke.Output["passed"] != true || smoke.Output["checks"] != 40.0 || !smoke.IsSuccess || smoke.AttemptCount != 1 ||
		smoke.StartedAt == "" || smoke.FinishedAt == "":
		t.Errorf("the completed smoke test: %+v", smoke)
	case smoke.Payload["env"] != "prod" || smoke.Payload["at"] != "1970-01-01T00:00:00.000Z" || smoke.IdempotencyKey != "sdk-run" ||
		!slices.Equal(smoke.Tags, []string{"deploy:prod", "sdk"}) || smoke.TTL != "10m" || smoke.Metadata["by"] != "sdk":
		t.Errorf("what the trigger sent, as retrieve answers it: %+v", smoke)
	case run.Machine != "small-1x" || run.MaxAttempts != 2 || run.MaxDuration != 600 || run.ConcurrencyKey != "prod" ||
		run.PayloadType != "application/super+json":
		t.Errorf("the options as the mock stored them: %+v", run)
	case seen.Large.Status != "COMPLETED" || seen.Large.ReportLength != 600<<10:
		t.Errorf("a stored output: %+v", seen.Large)
	case seen.Failed.Status != "FAILED" || !seen.Failed.IsFailed || seen.Failed.Error.Message != "relation exists" || seen.Failed.Error.Name != "Error":
		t.Errorf("a failed run: %+v", seen.Failed)
	case seen.Queued.Status != "QUEUED" || seen.Queued.Payload != "a text payload":
		t.Errorf("an unscripted run: %+v", seen.Queued)
	case seen.AfterCancel.Status != "CANCELED" || !seen.AfterCancel.IsCancelled || seen.AfterCancel.Error.Message != "Canceled by user":
		t.Errorf("runs.cancel then runs.retrieve: %+v %+v", seen.Canceled, seen.AfterCancel)
	case len(seen.Listed) != 1 || seen.Listed[0].ID != run.ID || seen.Listed[0].Status != "COMPLETED" || seen.Listed[0].Env != "dev":
		t.Errorf("runs.list by task, status and tag: %+v", seen.Listed)
	}
	for _, r := range mock.Requests() {
		if r.Status >= 400 {
			t.Errorf("%s %s answered %d", r.Method, r.Path, r.Status)
		}
	}
}
