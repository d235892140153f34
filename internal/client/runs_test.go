package client_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

func TestTriggerTask(t *testing.T) {
	cases := []struct {
		name     string
		req      client.TriggerRequest
		wantBody string // with KEY for a generated key
		check    func(t *testing.T, run mockapi.Run)
	}{
		{
			name: "every option",
			req: client.TriggerRequest{
				Payload: json.RawMessage(`{"env":"prod"}`), IdempotencyKey: "release-42", IdempotencyKeyTTL: "1h",
				Queue: "deploys", ConcurrencyKey: "prod", Delay: "5m", TTL: "10m", Tags: []string{"deploy:prod"},
				MaxAttempts: new(3), MaxDuration: new(600), Machine: "small-2x",
				Metadata: json.RawMessage(`{"by":"terraform"}`), LockToVersion: "20260101.1",
			},
			wantBody: `{"payload":{"env":"prod"},"options":{"idempotencyKey":"release-42","idempotencyKeyTTL":"1h",` +
				`"queue":{"name":"deploys"},"concurrencyKey":"prod","delay":"5m","ttl":"10m","tags":["deploy:prod"],` +
				`"maxAttempts":3,"maxDuration":600,"machine":"small-2x","metadata":{"by":"terraform"},"lockToVersion":"20260101.1"}}`,
			check: func(t *testing.T, run mockapi.Run) {
				if run.Status != "DELAYED" || run.Queue != "deploys" || run.ConcurrencyKey != "prod" || run.TTL != "10m" ||
					run.MaxAttempts != 3 || run.MaxDuration != 600 || run.Machine != "small-2x" || run.LockToVersion != "20260101.1" ||
					*run.Payload != `{"env":"prod"}` || *run.Metadata != `{"by":"terraform"}` ||
					!run.KeyExpiresAt.Equal(run.CreatedAt.Add(3600e9)) {
					t.Errorf("the mock's run %+v lacks an option", run)
				}
			},
		},
		{
			name:     "no options: a generated key, no payload",
			wantBody: `{"options":{"idempotencyKey":"KEY"}}`,
			check: func(t *testing.T, run mockapi.Run) {
				random, found := strings.CutPrefix(run.IdempotencyKey, client.GeneratedKeyPrefix)
				if decoded, err := hex.DecodeString(random); !found || err != nil || len(decoded) != 16 {
					t.Errorf("generated key %q: want %s and 32 hex digits", run.IdempotencyKey, client.GeneratedKeyPrefix)
				}
				if run.Status != "QUEUED" || run.Payload != nil || run.Metadata != nil {
					t.Errorf("the mock's run %+v has values no one asked for", run)
				}
			},
		},
		{
			name:     "a payload of null is a payload",
			req:      client.TriggerRequest{Payload: json.RawMessage(`null`)},
			wantBody: `{"payload":null,"options":{"idempotencyKey":"KEY"}}`,
			check: func(t *testing.T, run mockapi.Run) {
				if run.Payload == nil || *run.Payload != "null" {
					t.Errorf("payload %v, want null", run.Payload)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, c, _ := newRecorded(t, mockapi.Options{Tasks: map[string]mockapi.TaskFixture{"deploy": {Versions: []string{"20260101.1"}}}})
			triggered, err := c.TriggerTask(context.Background(), "deploy", tc.req)
			if err != nil {
				t.Fatal(err)
			}
			run, ok := rec.mock.Run(triggered.ID)
			if !ok || triggered.IsCached || run.TaskIdentifier != "deploy" || triggered.IdempotencyKey != run.IdempotencyKey {
				t.Fatalf("triggered %+v; the mock has %+v (found: %v)", triggered, run, ok)
			}
			if want := strings.ReplaceAll(tc.wantBody, "KEY", triggered.IdempotencyKey); !slices.Equal(rec.sent(), []string{want}) {
				t.Errorf("sent %q, want %q", rec.sent(), want)
			}
			tc.check(t, run)
		})
	}
}

// TestTriggerTask_lostAnswer: a trigger whose first answer is lost after the
// service made the run is retried with the same body and key, and returns
// that run: exactly one run exists.
func TestTriggerTask_lostAnswer(t *testing.T) {
	for name, fault := range map[string]mockapi.Fault{
		"502":              {Status: http.StatusBadGateway, AfterWork: true},
		"reset connection": {Reset: true, AfterWork: true},
	} {
		t.Run(name, func(t *testing.T) {
			rec, c, _ := newRecorded(t, mockapi.Options{})
			rec.mock.InjectFault(fault)
			triggered, err := c.TriggerTask(context.Background(), "smoke-test", client.TriggerRequest{Payload: json.RawMessage(`{}`)})
			if err != nil {
				t.Fatal(err)
			}
			runs := rec.mock.Runs()
			if len(runs) != 1 || triggered.ID != runs[0].ID || !triggered.IsCached {
				t.Fatalf("triggered %+v; the mock has %d runs; want exactly one, the one returned", triggered, len(runs))
			}
			if sent := rec.sent(); len(sent) != 2 || sent[0] != sent[1] {
				t.Fatalf("sent %q; want the same body twice", sent)
			}
		})
	}
}

// TestTriggerTask_refusals: what the client can tell is wrong goes unsent;
// what the service refuses is an APIError naming the task and the key, not
// retried.
func TestTriggerTask_refusals(t *testing.T) {
	cases := []struct {
		name, task string
		req        client.TriggerRequest
		want       string
		sent       int
	}{
		{"payload not JSON", "t", client.TriggerRequest{IdempotencyKey: "k", Payload: json.RawMessage(`{"secret":`)},
			`trigger task "t" with idempotency key "k": the payload is not valid JSON`, 0},
		{"metadata not an object", "t", client.TriggerRequest{IdempotencyKey: "k", Metadata: json.RawMessage(`[1]`)},
			`trigger task "t" with idempotency key "k": the metadata is not a JSON object`, 0},
		{"empty task id", "", client.TriggerRequest{IdempotencyKey: "k"},
			`trigger task "" with idempotency key "k": the task id is empty or only dots`, 0},
		{"eleven tags", "t", client.TriggerRequest{IdempotencyKey: "k", Tags: strings.Split("a b c d e f g h i j k", " ")},
			`trigger task "t" with idempotency key "k": HTTP 422: Runs can only have 10 tags, you're trying to set 11.`, 1},
		{"unknown machine", "t", client.TriggerRequest{IdempotencyKey: "k", Machine: "huge"},
			`trigger task "t" with idempotency key "k": HTTP 400: Validation error: Invalid enum value. Expected 'micro'`, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, c, _ := newRecorded(t, mockapi.Options{})
			_, err := c.TriggerTask(context.Background(), tc.task, tc.req)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if n := len(rec.sent()); n != tc.sent {
				t.Fatalf("%d requests, want %d", n, tc.sent)
			}
		})
	}
}

func TestRetrieveRun(t *testing.T) {
	report := strings.Repeat("r", 600<<10)
	_, c, _ := newRecorded(t, mockapi.Options{Tasks: map[string]mockapi.TaskFixture{
		"smoke":  {Output: json.RawMessage(`{"passed":true}`), Polls: 2},
		"report": {Output: json.RawMessage(`{"report":"` + report + `"}`)},
		"greet":  {Output: json.RawMessage(`"hi"`)},
		"crash":  {Outcome: "CRASHED", Error: &mockapi.RunError{Message: "out of memory", Name: "OOM"}},
	}})
	ctx := context.Background()
	trigger := func(task string) string {
		t.Helper()
		triggered, err := c.TriggerTask(ctx, task, client.TriggerRequest{Tags: []string{"b", "a"}})
		if err != nil {
			t.Fatal(err)
		}
		return triggered.ID
	}
	smoke := trigger("smoke")
	var statuses []client.RunStatus
	var run client.Run
	for range 3 {
		var err error
		if run, err = c.RetrieveRun(ctx, smoke); err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, run.Status)
	}
	output, err := run.OutputJSON()
	if !slices.Equal(statuses, []client.RunStatus{client.RunQueued, client.RunExecuting, client.RunCompleted}) || !run.Status.Final() ||
		err != nil || output == nil || *output != `{"passed":true}` || run.StartedAt == nil || run.FinishedAt == nil ||
		run.AttemptCount != 1 || run.TaskIdentifier != "smoke" || !slices.Equal(run.Tags, []string{"a", "b"}) || run.Error != nil {
		t.Fatalf("statuses %v; the completed run %+v, output %v (%v)", statuses, run, output, err)
	}
	for task, want := range map[string]string{"report": `{"report":"` + report + `"}`, "greet": `"hi"`} {
		run, err := c.RetrieveRun(ctx, trigger(task))
		output, outErr := run.OutputJSON()
		if err != nil || outErr != nil || output == nil || *output != want {
			t.Errorf("%s: %v %v; output present %v", task, err, outErr, output != nil)
		}
	}
	crashed, err := c.RetrieveRun(ctx, trigger("crash"))
	if output, _ := crashed.OutputJSON(); err != nil || crashed.Status != client.RunCrashed || output != nil ||
		crashed.Error == nil || *crashed.Error != (client.RunError{Message: "out of memory", Name: "OOM"}) {
		t.Fatalf("a crashed run: %+v %v", crashed, err)
	}
	queued, err := c.RetrieveRun(ctx, trigger("unscripted"))
	if output, _ := queued.OutputJSON(); err != nil || queued.Status != client.RunQueued || queued.Status.Final() || output != nil {
		t.Fatalf("an unscripted run: %+v %v", queued, err)
	}
}

// TestRetrieveRun_unknown: the service's 404 for an unknown run asks for a
// retry; once retries are spent, UnknownRun tells it.
func TestRetrieveRun_unknown(t *testing.T) {
	mock, c, _ := newMock(t, 0, client.Config{MaxRetries: new(1)})
	_, err := c.RetrieveRun(context.Background(), "run_nosuchrun")
	apiErr, unknown := client.UnknownRun(err)
	if !unknown || apiErr.RunID != "run_nosuchrun" || err.Error() != `retrieve run "run_nosuchrun": HTTP 404: Not found` {
		t.Fatalf("got %v", err)
	}
	if n := len(mock.Requests()); n != 2 {
		t.Fatalf("%d requests, want 2: the 404 is marked for retry", n)
	}
	if _, unknown := client.UnknownRun(errors.New("other")); unknown {
		t.Fatal("UnknownRun took an error that is not the service's")
	}
}

func TestCancelRun(t *testing.T) {
	mock, c, _ := newMock(t, 0, client.Config{MaxRetries: new(0)})
	ctx := context.Background()
	triggered, err := c.TriggerTask(ctx, "slow", client.TriggerRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // cancelling again changes nothing and answers the same
		canceled, err := c.CancelRun(ctx, triggered.ID)
		if err != nil || canceled.ID != triggered.ID {
			t.Fatalf("cancel: %+v %v", canceled, err)
		}
	}
	run, err := c.RetrieveRun(ctx, triggered.ID)
	if err != nil || run.Status != client.RunCanceled || run.Error == nil || run.Error.Message != "Canceled by user" || run.FinishedAt != nil { // never started: no finish time
		t.Fatalf("the cancelled run: %+v %v", run, err)
	}
	if _, err := c.CancelRun(ctx, "run_nosuchrun"); err == nil || err.Error() != `cancel run "run_nosuchrun": HTTP 404: Resource not found` {
		t.Fatalf("cancel of an unknown run: %v", err)
	} else if _, unknown := client.UnknownRun(err); !unknown {
		t.Fatalf("UnknownRun(%v) is false", err)
	}
	if _, err := c.CancelRun(ctx, ".."); err == nil || !strings.Contains(err.Error(), "empty or only dots") {
		t.Fatalf("cancel of \"..\": %v", err)
	}
	if n := len(mock.Runs()); n != 1 {
		t.Fatalf("%d runs", n)
	}
}

func TestListRuns(t *testing.T) {
	mock, c, _ := newMock(t, 0, client.Config{})
	ctx := context.Background()
	for i := range 7 {
		task := "smoke"
		if i%3 == 0 {
			task = "migrate"
		}
		if _, err := c.TriggerTask(ctx, task, client.TriggerRequest{Tags: []string{"deploy:" + task}}); err != nil {
			t.Fatal(err)
		}
	}
	all := mock.Runs()
	var smoke []string
	for _, run := range all {
		if run.TaskIdentifier == "smoke" {
			smoke = append(smoke, run.ID)
		}
	}
	listed := func(p client.RunListParams, take int) ([]string, bool, error) {
		listing := c.ListRuns(ctx, p)
		var ids []string
		for run, err := range listing.All() {
			if err != nil {
				return ids, false, err
			}
			ids = append(ids, run.ID)
			if len(ids) == take {
				break
			}
		}
		return ids, listing.More(), nil
	}
	if ids, more, err := listed(client.RunListParams{Tasks: []string{"smoke"}, PageSize: 2}, 0); err != nil || !slices.Equal(ids, smoke) || more {
		t.Errorf("smoke runs over pages of 2: %v %v %v, want %v", ids, more, err, smoke)
	}
	if ids, more, err := listed(client.RunListParams{Tags: []string{"deploy:migrate"}, Statuses: []client.RunStatus{client.RunQueued}}, 1); err != nil || len(ids) != 1 || !more {
		t.Errorf("one migrate run of three: %v %v %v", ids, more, err)
	}
	if _, _, err := listed(client.RunListParams{Statuses: []client.RunStatus{"DONE"}}, 0); err == nil || err.Error() != `list runs: unknown status "DONE"` {
		t.Errorf("an unknown status: %v", err)
	}
	requests := len(mock.Requests())
	if _, _, err := listed(client.RunListParams{PageSize: 101}, 0); err == nil || len(mock.Requests()) != requests {
		t.Errorf("page size 101: %v, sent anyway", err)
	}
}
