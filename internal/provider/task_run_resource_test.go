package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// taskRunConfig is a task run resource of task with the given argument
// lines, and a rollout that depends on it.
func taskRunConfig(url, task, arguments string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "triggerdev_task_run" "smoke" {
  task = %q
  %s
}

resource "terraform_data" "rollout" {
  input      = "release-1"
  depends_on = [triggerdev_task_run.smoke]
}
`, task, arguments)
}

// exitCode is a CLI run's exit status: 0, or what the CLI exited with.
func exitCode(err error) int {
	if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
		return exitErr.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestAccTaskRun_lifecycle drives the CLI through a resource's life: create
// triggers (and waits, unless told not to); a plan refreshes the run's status
// with one request and plans nothing, tags in any order; an unchanged apply
// triggers nothing; a change of triggers makes a new run; destroy forgets
// with no request, and cancels nothing: a run still going on says so.
func TestAccTaskRun_lifecycle(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		task      *mockapi.TaskFixture // on the mock; a case with one needs it
		arguments string
		status    string // the run's, stored and after destroy
		output    any    // the stored output_json
		attempts  float64
		finished  bool // the run has a finished_at
	}{
		{"waits for a run that completes", &mockapi.TaskFixture{Output: json.RawMessage(`{"passed":true}`)},
			`output_contains = jsonencode({ passed = true })`, "COMPLETED", `{"passed":true}`, 1, true},
		{"triggers a run that goes on", nil, `wait = false`, "QUEUED", nil, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.task != nil {
				needsMock(t, endsRun)
			}
			ws := newCLIWorkspace(t)
			mock, url := startTarget(t, smokeTask(tc.task))
			releaseTag, deploy := mock.name("release:1"), mock.name("deploy")
			apply := func(release string) string {
				ws.writeConfig(taskRunConfig(url, mock.name("smoke-test"), fmt.Sprintf(`tags            = [%q, %q]
  %s
  triggers        = { release = %q }`, releaseTag, deploy, tc.arguments, release)))
				out, err := ws.run("apply", "-auto-approve", "-input=false")
				if err != nil {
					t.Fatalf("apply of %s: %v\n%s", release, err, out)
				}
				return out
			}
			apply("1")
			first := onlyRun(t, mock)
			stored := ws.stateInstances()["triggerdev_task_run.smoke"]
			if stored["id"] != first.ID || stored["status"] != tc.status || stored["output_json"] != tc.output || stored["attempts"] != tc.attempts ||
				(stored["finished_at"] != nil) != tc.finished || stored["error"] != nil || fmt.Sprint(stored["tags"]) != fmt.Sprintf("[%s %s]", releaseTag, deploy) {
				t.Fatalf("stored %v, want the %s run %s, its tags as configured", stored, tc.status, first.ID)
			}

			mock.ResetRequests()
			out, err := ws.run("plan", "-detailed-exitcode", "-input=false")
			if exitCode(err) != 0 {
				t.Fatalf("a plan after the apply must plan nothing (exit 0), got %v:\n%s", err, out)
			}
			if triggers, retrieves, others := runRequests(mock); triggers != 0 || retrieves != 1 || others != 0 {
				t.Fatalf("the plan's refresh made %d triggers, %d retrieves, %d others; want one retrieve", triggers, retrieves, others)
			}

			mock.ResetRequests()
			apply("1")
			if triggers, _, _ := runRequests(mock); triggers != 0 {
				t.Fatalf("an unchanged apply triggered %d runs", triggers)
			}

			apply("2")
			if runs := mock.Runs(); len(runs) != 2 || ws.stateInstances()["triggerdev_task_run.smoke"]["id"] != runs[0].ID {
				t.Fatalf("a change of triggers must make a new run and store it: %d runs", len(runs))
			}

			mock.ResetRequests()
			out, err = ws.run("destroy", "-auto-approve", "-input=false", "-refresh=false")
			if err != nil || len(ws.stateInstances()) != 0 {
				t.Fatalf("destroy: %v\n%s", err, out)
			}
			if forgotten := wrappedText("Warning: Run forgotten, not cancelled").MatchString(out); forgotten == tc.finished {
				t.Fatalf("destroy of a %s run warned %v that the run goes on:\n%s", tc.status, forgotten, out)
			}
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("destroy made %d requests: it forgets the run, and cancels nothing", n)
			}
			for _, run := range mock.Runs() {
				if run.Status != tc.status {
					t.Fatalf("run %s is %s after destroy, want %s", run.ID, run.Status, tc.status)
				}
			}
		})
	}
}

// TestAccTaskRun_options: every trigger option reaches the service as the
// SDK sends it, and the provider's own idempotency key is replaced by the
// configured one. Against the service, the options its retrieve does not
// report are those the trigger sent, which it accepted; a version lock needs
// a deployed version, which only the mock's fixtures have.
func TestAccTaskRun_options(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, lock string // lock: lock_to_version, "" for none
	}{
		{"every option but a version lock", ""},
		{"locked to a version", "20250101.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lock := ""
			if tc.lock != "" {
				needsMock(t, "fixtures (a deployed version of the task)")
				lock = fmt.Sprintf("lock_to_version     = %q", tc.lock)
			}
			ws := newCLIWorkspace(t)
			mock, url := startTarget(t, smokeTask(&mockapi.TaskFixture{Versions: []string{"20250101.1"}}))
			key, tag := mock.name("release-1"), mock.name("release:1")
			ws.writeConfig(taskRunConfig(url, mock.name("smoke-test"), fmt.Sprintf(`wait                = false
  payload             = jsonencode({ release = "release-1", dry_run = false })
  idempotency_key     = %q
  idempotency_key_ttl = "1h"
  tags                = [%q]
  queue               = "deploys"
  concurrency_key     = "tenant-1"
  delay               = "1h30m"
  ttl                 = "10m"
  max_attempts        = 3
  max_duration        = "15m"
  machine             = "small-2x"
  metadata            = jsonencode({ release = "release-1" })
  %s`, key, tag, lock)))
			if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			run := onlyRun(t, mock)
			// The service sets the delay from the trigger's arrival, a moment before it records the run.
			got := fmt.Sprintf("%s %s %s %v %s %s %s %d %d %s %s %s %s %v", run.Status, *run.Payload, run.IdempotencyKey, run.Tags, run.Queue, run.ConcurrencyKey, run.TTL,
				run.MaxAttempts, run.MaxDuration, run.Machine, *run.Metadata, run.LockToVersion, run.KeyExpiresAt.Sub(run.CreatedAt), run.DelayUntil.Sub(run.CreatedAt).Round(time.Minute))
			want := fmt.Sprintf(`DELAYED {"dry_run":false,"release":"release-1"} %s [%s] deploys tenant-1 10m 3 900 small-2x {"release":"release-1"} %s 1h0m0s 1h30m0s`, key, tag, tc.lock)
			if got != want {
				t.Fatalf("the run has\n%s\nwant\n%s", got, want)
			}
			if stored := ws.stateInstances()["triggerdev_task_run.smoke"]; stored["status"] != "DELAYED" || stored["idempotency_key"] != key || stored["payload"] != nil {
				t.Fatalf("stored %v", stored)
			}
		})
	}
}

// TestAccTaskRun_import: a run triggered elsewhere, imported by id, is
// adopted: the first plan updates in place (the arguments the service does
// not report) and never replaces, the apply after it triggers nothing, and
// the next plan is empty.
func TestAccTaskRun_import(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	// On the mock the run completes; on the service it stays QUEUED: the
	// update after an import waits for neither.
	mock, url := startTarget(t, smokeTask(&mockapi.TaskFixture{Output: json.RawMessage(`{"passed":true}`)}))
	task, key, tag := mock.name("smoke-test"), mock.name("release-7"), mock.name("release:7")
	triggered := triggerRun(t, url, task, key, tag)
	ws.writeConfig(taskRunConfig(url, task, fmt.Sprintf(`idempotency_key = %q
  tags            = [%q]
  output_contains = jsonencode({ passed = true })
  timeout         = "5m"
  machine         = "micro"`, key, tag)))
	if out, err := ws.run("import", "-input=false", "triggerdev_task_run.smoke", triggered); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err := ws.run("plan", "-detailed-exitcode", "-input=false", "-target=triggerdev_task_run.smoke")
	if exitCode(err) != 2 || !strings.Contains(out, "will be updated in-place") || strings.Contains(out, "must be replaced") {
		t.Fatalf("the plan after the import must update in place, not replace: %v\n%s", err, out)
	}
	mock.ResetRequests()
	if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if triggers, _, _ := runRequests(mock); triggers != 0 || len(mock.Runs()) != 1 {
		t.Fatalf("the apply after an import triggered %d runs", triggers)
	}
	if out, err := ws.run("plan", "-detailed-exitcode", "-input=false"); exitCode(err) != 0 {
		t.Fatalf("the plan after the first apply must be empty: %v\n%s", err, out)
	}
	if out, err := ws.run("state", "rm", "triggerdev_task_run.smoke"); err != nil {
		t.Fatalf("state rm: %v\n%s", err, out)
	}
	out, err = ws.run("import", "-input=false", "triggerdev_task_run.smoke", "run_a/b")
	if err == nil || !strings.Contains(out, "must be a run id") {
		t.Fatalf("an import of a bad id must be refused: %v\n%s", err, out)
	}
}

// TestAccTaskRun_settingsCheckedAtRunTime: an argument unknown at validation
// (from another resource) is checked before the trigger: no request.
func TestAccTaskRun_settingsCheckedAtRunTime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, argument, others string
		value                  string
		want                   string
	}{
		{"task", "task", ``, "smoke/test", `Attribute task must be a task id`},
		{"payload", "payload", `task = "smoke-test"`, "{release", `Attribute payload must be JSON text of any value`},
		{"machine", "machine", `task = "smoke-test"`, "huge", `Attribute machine value must be one of`},
		{"max_duration", "max_duration", `task = "smoke-test"`, "1s", `Attribute max_duration must be at least 5s, got "1s"`},
		{"delay", "delay", `task = "smoke-test"`, "soon", `Attribute delay must be a duration such as "30s"`},
		{"metadata", "metadata", `task = "smoke-test"`, "[1]", `Attribute metadata must be JSON text of an object`},
		{"wait = false with a timeout", "wait", `task = "smoke-test"` + "\n  timeout = \"1m\"", "false", `Attribute timeout has no effect with wait = false`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			value := "terraform_data.setting.output"
			if tc.argument == "wait" {
				value = "tobool(terraform_data.setting.output)"
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerBlock(url) + fmt.Sprintf(`
variable "setting" {}

resource "terraform_data" "setting" {
  input = var.setting
}

resource "triggerdev_task_run" "smoke" {
  %s
  %s = %s
}
`, tc.others, tc.argument, value),
					ConfigVariables: config.Variables{"setting": config.StringVariable(tc.value)},
					ExpectError:     wrappedText(tc.want),
				}},
			})
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("the target saw %d requests: a bad argument must be refused before any", n)
			}
		})
	}
}

// whenRunPolled ends with outcome the first run the mock is asked about that
// has not ended, once asked: a task finishing while the provider waits.
func whenRunPolled(t *testing.T, mock *mockapi.Server, outcome string, output []byte, runErr *mockapi.RunError) {
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	var id string
	err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool {
		for _, r := range rs {
			if run, ok := mock.Run(strings.TrimPrefix(r.Path, "/api/v3/runs/")); ok && r.Method == "GET" && run.FinishedAt == nil {
				id = run.ID
				return true
			}
		}
		return false
	})
	if err == nil {
		err = mock.EndRun(id, outcome, output, runErr)
	}
	if err != nil {
		t.Errorf("ending the run once polled: %v", err)
	}
}

// TestAccTaskRun_idempotencyKey: with a configured key, a failed run stores
// nothing and lets the key go, so the next apply makes a new run; a run that
// completed keeps it, and so does one still going on, so a replacement finds
// that run again instead of running the task twice.
func TestAccTaskRun_idempotencyKey(t *testing.T) {
	t.Parallel()
	t.Run("a failed run lets it go, a completed one keeps it", func(t *testing.T) {
		t.Parallel()
		needsMock(t, endsRun)
		ws := newCLIWorkspace(t)
		mock, url := startTarget(t)
		ws.writeConfig(taskRunConfig(url, "smoke-test", `idempotency_key = "migration-7"
  interval        = "1s"`))
		go whenRunPolled(t, mock.mock, "FAILED", nil, &mockapi.RunError{Message: "relation already exists"})
		if out, err := ws.run("apply", "-auto-approve", "-input=false"); err == nil || !strings.Contains(out, "relation already exists") || len(ws.stateInstances()) != 0 {
			t.Fatalf("a failed run must fail the apply and store nothing: %v\n%s", err, out)
		}
		mock.ResetRequests()
		go whenRunPolled(t, mock.mock, "COMPLETED", []byte(`{"migrated":3}`), nil)
		if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
			t.Fatalf("the next apply must run the task again: %v\n%s", err, out)
		}
		runs := mock.Runs()
		if len(runs) != 2 || runs[0].Status != "COMPLETED" || runs[1].Status != "FAILED" {
			t.Fatalf("want a new run after the failed one, got %d runs", len(runs))
		}
		if out, err := ws.run("apply", "-auto-approve", "-input=false", "-replace=triggerdev_task_run.smoke"); err != nil {
			t.Fatalf("replace: %v\n%s", err, out)
		}
		if n := len(mock.Runs()); n != 2 || ws.stateInstances()["triggerdev_task_run.smoke"]["id"] != runs[0].ID {
			t.Fatalf("a replacement with a live key must find the completed run again, not run the task: %d runs", n)
		}
	})
	t.Run("a run still going on keeps it", func(t *testing.T) {
		t.Parallel()
		ws := newCLIWorkspace(t)
		mock, url := startTarget(t)
		ws.writeConfig(taskRunConfig(url, mock.name("smoke-test"), fmt.Sprintf(`idempotency_key = %q
  wait            = false`, mock.name("migration-7"))))
		if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		run := onlyRun(t, mock)
		if out, err := ws.run("apply", "-auto-approve", "-input=false", "-replace=triggerdev_task_run.smoke"); err != nil {
			t.Fatalf("replace: %v\n%s", err, out)
		}
		if n := len(mock.Runs()); n != 1 || ws.stateInstances()["triggerdev_task_run.smoke"]["id"] != run.ID {
			t.Fatalf("a replacement with a live key must find the %s run %s again, not run the task: %d runs", run.Status, run.ID, n)
		}
	})
}

// TestAccTaskRun_goneFromService: a run the service no longer has (its id in
// the state replaced by one the service never had, which it answers 404, as
// for a run gone) leaves the state at refresh with a warning, and the next
// plan triggers the task again.
func TestAccTaskRun_goneFromService(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	mock, url := startTarget(t)
	ws.writeConfig(strings.Replace(taskRunConfig(url, mock.name("smoke-test"), `wait = false`), "provider \"triggerdev\" {", "provider \"triggerdev\" {\n  max_retries = 0", 1))
	if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	const gone = "run_0000000000000000000000gone"
	if _, ok := mock.Run(gone); ok {
		t.Fatalf("the target has run %s: the test proves nothing", gone)
	}
	statePath := filepath.Join(ws.dir, "terraform.tfstate")
	state, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	run := onlyRun(t, mock)
	writeFile(t, statePath, strings.ReplaceAll(string(state), run.ID, gone))
	if ws.stateInstances()["triggerdev_task_run.smoke"]["id"] != gone {
		t.Fatalf("the state does not name %s", gone)
	}
	out, err := ws.run("plan", "-detailed-exitcode", "-input=false")
	if exitCode(err) != 2 || !strings.Contains(out, "triggerdev_task_run.smoke will be created") || !wrappedText("Warning: Run not found: removed from the state").MatchString(out) {
		t.Fatalf("a run gone from the service must leave the state with a warning and be planned again: %v\n%s", err, out)
	}
}
