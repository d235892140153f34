package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// runGatedKind is one kind that triggers a task and gates a terraform_data
// rollout on its run, as the run gate's tests drive it: the same cases run
// over the action (Terraform 1.14 or later) and the resource (every CLI).
type runGatedKind struct {
	// config triggers task with the given argument lines and gates the rollout.
	config func(apiURL, task, arguments string) string
	// workspace is a CLI workspace whose CLI has the kind; it skips otherwise.
	workspace func(t *testing.T) *cliWorkspace
	// readsUnwaited is how often the kind reads a run it does not wait for:
	// the resource once, for its attributes.
	readsUnwaited int
	// stored is the address of what the kind stores, "" for none (an action).
	stored string
	// reports: the kind reports its progress on the console (an action).
	reports bool
}

// runGatePayload is the ephemeral payload both kinds trigger the task with.
const runGatePayload = `
variable "payload" {
  type      = string
  default   = "{\"release\":\"release-1\"}"
  ephemeral = true
}
`

var runGateAction = runGatedKind{
	config: func(apiURL, task, arguments string) string {
		return providerBlock(apiURL) + runGatePayload + fmt.Sprintf(`
action "triggerdev_trigger_task" "smoke" {
  config {
    task    = %q
    payload = var.payload
    %s
  }
}

resource "terraform_data" "rollout" {
  input = "release-1"
  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.triggerdev_trigger_task.smoke]
    }
  }
}
`, task, arguments)
	},
	workspace: func(t *testing.T) *cliWorkspace {
		ws := newCLIWorkspace(t)
		skipWithoutActions(t, ws)
		return ws
	},
	reports: true,
}

var runGateResource = runGatedKind{
	config: func(apiURL, task, arguments string) string {
		return providerBlock(apiURL) + runGatePayload + fmt.Sprintf(`
resource "triggerdev_task_run" "smoke" {
  task    = %q
  payload = var.payload
  %s
}

resource "terraform_data" "rollout" {
  input      = "release-1"
  depends_on = [triggerdev_task_run.smoke]
}
`, task, arguments)
	},
	workspace:     newCLIWorkspace,
	readsUnwaited: 1,
	stored:        "triggerdev_task_run.smoke",
}

func TestAccTriggerTaskAction_gate(t *testing.T) { testRunGate(t, runGateAction) }

func TestAccTaskRun_gate(t *testing.T) { testRunGate(t, runGateResource) }

// endsRun is the mock's power a test needs when a run must end other than
// by a cancel: the service's runs of the tests' tasks, which no worker has,
// stay QUEUED.
const endsRun = "task scripts or control API (a run that ends)"

// smokeTask scripts the task the run gate's tests trigger, "smoke-test" on
// the mock; nil leaves it unscripted, so that its runs stay QUEUED, as they
// do on the service.
func smokeTask(fixture *mockapi.TaskFixture) func(*mockapi.Options) {
	return func(o *mockapi.Options) {
		if fixture != nil {
			o.Tasks = map[string]mockapi.TaskFixture{"smoke-test": *fixture}
		}
	}
}

// runRequests counts the trigger and retrieve requests the target served.
func runRequests(tg *target) (triggers, retrieves, others int) {
	for _, r := range served(tg.Requests()) {
		switch {
		case r.Method == "POST" && strings.HasPrefix(r.Path, "/api/v1/tasks/"):
			triggers++
		case r.Method == "GET" && strings.HasPrefix(r.Path, "/api/v3/runs/"):
			retrieves++
		default:
			others++
		}
	}
	return triggers, retrieves, others
}

// onlyRun is the one run the mock holds, or the test triggered on the service.
func onlyRun(t *testing.T, tg *target) mockapi.Run {
	t.Helper()
	runs := tg.Runs()
	if len(runs) != 1 {
		t.Fatalf("the target holds %d runs of the test, want one", len(runs))
	}
	return runs[0]
}

// testRunGate runs the run gate's cases on one kind, each through the CLI.
func testRunGate(t *testing.T, kind runGatedKind) {
	t.Parallel()
	cases := []struct {
		name string
		// task scripts the run on the mock; a case with one needs the mock,
		// unless the run must not end for the case to pass either way.
		task      *mockapi.TaskFixture
		ends      bool // the case needs the run to end (the mock's endsRun)
		arguments string
		// want is the apply's error; nil for an apply that goes on.
		want *regexp.Regexp
		// status is the run's status in the mock after the apply.
		status string
		// retrieves is how many times the gate reads the run: the fixture's
		// polls and the one that sees its end; -1 when the timeout decides.
		retrieves int
	}{
		{"passes once the run completes", &mockapi.TaskFixture{Output: json.RawMessage(`{"passed":true,"checks":3}`), Polls: 2}, true,
			`output_contains = jsonencode({ passed = true })` + "\n" + `interval = "1s"`, nil, "COMPLETED", 3},
		{"declined by the output", &mockapi.TaskFixture{Output: json.RawMessage(`{"passed":false}`)}, true,
			`output_contains = jsonencode({ passed = true })`, wrappedText(`its output's member "passed" is false, not true`), "COMPLETED", 1},
		{"a failed run", &mockapi.TaskFixture{Outcome: "FAILED", Error: &mockapi.RunError{Message: "2 of 3 checks failed"}}, true,
			``, wrappedText(`is FAILED (error: "2 of 3 checks failed") and can no longer become COMPLETED`), "FAILED", 1},
		{"a listed failure passes", &mockapi.TaskFixture{Outcome: "FAILED"}, true,
			`statuses = ["COMPLETED", "FAILED"]`, nil, "FAILED", 1},
		{"the wait times out, the run goes on", nil, false,
			`timeout = "1s"` + "\n" + `interval = "1s"`, wrappedTexts("timed out after 1s waiting for run", "its last status was QUEUED", "The run was not cancelled: it goes on"), "QUEUED", -1},
		// On the mock, a run that a wait would see decline; on the service, one that never ends.
		{"wait = false triggers only", &mockapi.TaskFixture{Output: json.RawMessage(`{"passed":false}`), Polls: 5}, false,
			`wait = false`, nil, "QUEUED", kind.readsUnwaited},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.ends {
				needsMock(t, endsRun)
			}
			ws := kind.workspace(t)
			mock, url := startTarget(t, smokeTask(tc.task))
			task := mock.name("smoke-test")
			ws.writeConfig(kind.config(url, task, tc.arguments))
			out, err := ws.run("apply", "-auto-approve", "-input=false")
			stored := ws.stateInstances()
			_, rolledOut := stored[rolloutAddress]
			switch {
			case tc.want == nil && (err != nil || !rolledOut):
				t.Fatalf("the apply must roll out: %v\n%s", err, out)
			case tc.want != nil && (err == nil || !tc.want.MatchString(out)):
				t.Fatalf("the apply must fail with %s: %v\n%s", tc.want, err, out)
			case tc.want != nil && len(stored) != 0:
				t.Fatalf("a failed gate stored %v:\n%s", stored, out)
			}
			run := onlyRun(t, mock)
			if run.Status != tc.status || run.TaskIdentifier != task || run.Payload == nil || *run.Payload != `{"release":"release-1"}` {
				t.Fatalf("the run is %s of %q with payload %v, want %s of %s with the configured payload", run.Status, run.TaskIdentifier, run.Payload, tc.status, task)
			}
			if !strings.HasPrefix(run.IdempotencyKey, "terraform-") {
				t.Fatalf("the trigger sent the key %q, not one of the provider's own", run.IdempotencyKey)
			}
			triggers, retrieves, others := runRequests(mock)
			if triggers != 1 || others != 0 || tc.retrieves >= 0 && retrieves != tc.retrieves || tc.retrieves < 0 && retrieves < 1 {
				t.Fatalf("%d triggers, %d retrieves, %d other requests; want 1 trigger and %d retrieves", triggers, retrieves, others, tc.retrieves)
			}
			// The console names the run, which a user can open in the dashboard.
			if triggered := fmt.Sprintf("triggered run %q of task %q", run.ID, task); kind.reports && !strings.Contains(out, triggered) {
				t.Fatalf("the action did not report %s:\n%s", triggered, out)
			}
			if kind.stored != "" && tc.want == nil {
				attributes := stored[kind.stored]
				if attributes["id"] != run.ID || attributes["status"] != run.Status || attributes["idempotency_key"] != run.IdempotencyKey || attributes["payload"] != nil {
					t.Fatalf("the resource stored %v, want the run %s as it was when the gate passed, and no payload", attributes, run.ID)
				}
			}
		})
	}
}

func TestAccTriggerTaskAction_interrupt(t *testing.T) { testRunGateInterrupt(t, runGateAction) }

func TestAccTaskRun_interrupt(t *testing.T) { testRunGateInterrupt(t, runGateResource) }

// testRunGateInterrupt: one Ctrl-C while the gate waits for a run that goes
// on ends the apply at once with nothing applied or stored, and says that the
// run was not cancelled, which the mock confirms: the run is still QUEUED.
// Every CLI passes the interrupt on: the wait runs in the apply half.
func testRunGateInterrupt(t *testing.T, kind runGatedKind) {
	t.Parallel()
	ws := kind.workspace(t)
	mock, url := startTarget(t) // the task is unscripted: its run stays QUEUED
	ws.writeConfig(kind.config(url, mock.name("smoke-test"), `timeout  = "10m"`+"\n"+`interval = "1s"`))
	ctx, cancel := context.WithTimeout(t.Context(), hangBound) // only to catch a hang
	defer cancel()
	cli := startCLI(t, ws, "apply", "-input=false", "-auto-approve")
	err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool {
		return slices.ContainsFunc(rs, func(r mockapi.Request) bool {
			return r.Method == "GET" && strings.HasPrefix(r.Path, "/api/v3/runs/") && r.Status != 0
		})
	})
	if err != nil {
		t.Fatalf("the provider never polled the run: %v\n%s", err, cli.out.String())
	}
	if kind.reports { // interrupted between two polls, as a user's Ctrl-C almost always is
		if err := cli.out.await(ctx, "is QUEUED after"); err != nil {
			t.Fatalf("the CLI never showed the first poll: %v\n%s", err, cli.out.String())
		}
	}
	cli.interrupt(t, false)
	out := cli.awaitExit(ctx, t) // the wait's timeout is 10m: only the interrupt ends it before hangBound
	checkInterrupted(t, ws, out, wrappedTexts("Interrupt received", "Stopped trying to wait for run", "The run was not cancelled: it goes on"))
	if stored := stateResources(t, ws); len(stored) != 0 {
		t.Fatalf("an interrupted gate stored %v", stored)
	}
	if run := onlyRun(t, mock); run.Status != "QUEUED" {
		t.Fatalf("the run is %s after the interrupt, want QUEUED: the provider never cancels", run.Status)
	}
}

// TestAccTriggerTaskAction_idempotencyKey: with a configured key, the action
// run again (the rollout replaced) finds the run the first made, one that
// completed or one still going on, instead of triggering a second one, and
// says so on the console.
func TestAccTriggerTaskAction_idempotencyKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		task      *mockapi.TaskFixture
		arguments string
	}{
		{"a run that completed", &mockapi.TaskFixture{Output: json.RawMessage(`{"passed":true}`)}, `output_contains = jsonencode({ passed = true })`},
		{"a run still going on", nil, `wait = false`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.task != nil {
				needsMock(t, endsRun)
			}
			ws := runGateAction.workspace(t)
			mock, url := startTarget(t, smokeTask(tc.task))
			key := mock.name("smoke-release-1")
			ws.writeConfig(runGateAction.config(url, mock.name("smoke-test"), fmt.Sprintf("idempotency_key = %q\n%s", key, tc.arguments)))
			if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			run := onlyRun(t, mock)
			out, err := ws.run("apply", "-auto-approve", "-input=false", "-replace=terraform_data.rollout")
			said := fmt.Sprintf(`run %q of task %q holds idempotency key %q: no new run was triggered`, run.ID, mock.name("smoke-test"), key)
			if err != nil || len(mock.Runs()) != 1 || !wrappedText(said).MatchString(out) {
				t.Fatalf("the second apply must find run %s by its key and say so (%d runs): %v\n%s", run.ID, len(mock.Runs()), err, out)
			}
		})
	}
}
