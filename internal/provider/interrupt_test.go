package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// A wait ends on Ctrl-C only when the CLI calls the provider's StopProvider:
// terraform-plugin-go (tf6server, stoppableContext) then cancels the context of
// every request in flight, which waitForToken selects on. A SIGINT to the
// provider itself does nothing: go-plugin's Serve ignores interrupts in plugins.
// The CLI calls StopProvider when the run context of its graph walk is
// cancelled (Context.watchStop), which a first Ctrl-C does through opWait
// (backend/local/backend.go) around `plan` and around the apply half of
// `apply`. The plan half of `apply` runs outside opWait (backend_apply.go,
// opApply), so there the interrupt is lost: on Terraform before 1.16.0, and on
// OpenTofu 1.12, whose opApply also plans with context.WithoutCancel(stopCtx).
// From Terraform 1.16.0 the run context descends from the stop context
// (localRun(stopCtx, op) -> TracingContext -> Context.acquireRun), so it ends.

// interruptWait waits long enough that only an interrupt ends the wait in a test.
const interruptWait = `wait = { timeout = "10m", interval = "1s" }`

// interruptCase is one place a wait can be interrupted.
type interruptCase struct {
	name   string
	args   []string
	config func(url, id string) string
	// firstStops says whether a first Ctrl-C reaches the provider there.
	firstStops func(ws *cliWorkspace) bool
	// stopped, when set, is what the CLI prints when the first Ctrl-C ends
	// the wait; the default takes the provider's error or Terraform's own.
	stopped *regexp.Regexp
	// skip, when set, skips the case on a CLI that lacks what it uses.
	skip func(t *testing.T, ws *cliWorkspace)
	// shown, when set, is what the CLI prints once it has heard of the first
	// poll: the interrupt waits for it too.
	shown string
}

var interruptCases = []interruptCase{
	{
		name:       "data source during plan",
		args:       []string{"plan", "-input=false"},
		config:     func(url, id string) string { return dataSourceGate(url, id, "") },
		firstStops: everyCLI,
	},
	{
		name:       "data source during apply",
		args:       []string{"apply", "-input=false", "-auto-approve"},
		config:     func(url, id string) string { return dataSourceGate(url, id, "") },
		firstStops: stopsPlanOfApply,
	},
	{
		name:       "ephemeral resource during apply",
		args:       []string{"apply", "-input=false", "-auto-approve"},
		config:     ephemeralGate,
		firstStops: stopsPlanOfApply,
		skip:       func(t *testing.T, ws *cliWorkspace) { skipWithoutEphemeral(t, ws.openTofu, ws.version) },
	},
	{
		// A read deferred to the apply half, as a managed resource's create is.
		name:       "data source read at apply",
		args:       []string{"apply", "-input=false", "-auto-approve"},
		config:     func(url, id string) string { return dataSourceGate(url, id, "depends_on = [terraform_data.release]") },
		firstStops: everyCLI,
	},
	{
		// A create runs in the apply half, on every CLI.
		name:       "wait resource during apply",
		args:       []string{"apply", "-input=false", "-auto-approve"},
		config:     waitResourceGate,
		firstStops: everyCLI,
	},
	{
		// Interrupted between two polls, as a user's Ctrl-C almost always is.
		// The action's own error must reach the CLI: Terraform takes an
		// action that ends without one for a success (stop_relay.go).
		name:       "action during apply",
		args:       []string{"apply", "-input=false", "-auto-approve"},
		config:     actionGate,
		firstStops: everyCLI,
		// The action's error: Terraform 1.14 shows it under a summary of its own.
		stopped: regexp.MustCompile(`(?s)Interrupt received.*Error: (Interrupted|Error when invoking action)\s.*Stopped trying to wait for waitpoint\s+token\s+"waitpoint_\w+": the\s+operation\s+was\s+interrupted`),
		skip:    skipWithoutActions,
		shown:   "is WAITING after",
	},
}

func everyCLI(*cliWorkspace) bool { return true }

// stopsPlanOfApply: Terraform 1.16.0 and later pass a first Ctrl-C on during
// the plan half of `apply`; Terraform 1.11 to 1.15 and OpenTofu 1.12 do not.
func stopsPlanOfApply(ws *cliWorkspace) bool {
	return !ws.openTofu && ws.version.Core().GreaterThanOrEqual(version.Must(version.NewVersion("1.16.0")))
}

// skipWithoutActions skips on OpenTofu and on Terraform before 1.14.
func skipWithoutActions(t *testing.T, ws *cliWorkspace) {
	t.Helper()
	if ws.openTofu || ws.version.LessThan(version.Must(version.NewVersion("1.14.0"))) {
		t.Skipf("%s %s has no actions", ws.cli, ws.version)
	}
}

// actionGate polls every 10s, so that an interrupt sent once the first poll is
// shown lands well before the next.
func actionGate(url, id string) string {
	return providerBlock(url) + fmt.Sprintf(`
action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    id       = %q
    timeout  = "10m"
    interval = "10s"
  }
}

resource "terraform_data" "rollout" {
  input = "release-42"
  lifecycle {
    action_trigger {
      events  = [before_create]
      actions = [action.triggerdev_wait_for_waitpoint_token.approval]
    }
  }
}
`, id)
}

func waitResourceGate(url, id string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "triggerdev_waitpoint_token_wait" "approval" {
  id       = %q
  timeout  = "10m"
  interval = "1s"
}

resource "terraform_data" "rollout" {
  input      = "release-42"
  depends_on = [triggerdev_waitpoint_token_wait.approval]
}
`, id)
}

func dataSourceGate(url, id, extra string) string {
	return providerBlock(url) + fmt.Sprintf(`
resource "terraform_data" "release" {
  input = "release-42"
}

data "triggerdev_waitpoint_token" "approval" {
  id = %q
  %s
  %s
}

resource "terraform_data" "rollout" {
  input = terraform_data.release.output
  lifecycle {
    precondition {
      condition     = data.triggerdev_waitpoint_token.approval.status == "COMPLETED"
      error_message = "The release has not been approved."
    }
  }
}
`, id, interruptWait, extra)
}

func ephemeralGate(url, id string) string {
	return providerBlock(url) + fmt.Sprintf(`
ephemeral "triggerdev_waitpoint_token" "approval" {
  id = %q
  %s
}

resource "terraform_data" "rollout" {
  input = "release-42"
  lifecycle {
    precondition {
      condition     = ephemeral.triggerdev_waitpoint_token.approval.status == "COMPLETED"
      error_message = "The release has not been approved."
    }
  }
}
`, id, interruptWait)
}

// TestAccInterrupt_applyWait sends one SIGINT while a wait polls a token that
// stays WAITING, to the CLI alone and to its process group as a terminal's
// Ctrl-C does. Where the CLI passes it on, the CLI ends by itself with the
// provider's error and nothing gated is created; the seconds from the
// interrupt to the exit are logged. Where it does not, the provider is seen
// polling on after the interrupt; an approval then ends the wait, and the CLI
// halts before creating anything.
func TestAccInterrupt_applyWait(t *testing.T) {
	t.Parallel()
	for _, tc := range interruptCases {
		for _, group := range []bool{false, true} {
			target := map[bool]string{false: "CLI", true: "process group"}[group]
			t.Run(tc.name+" to "+target, func(t *testing.T) {
				t.Parallel()
				runInterruptCase(t, tc, group)
			})
		}
	}
}

func runInterruptCase(t *testing.T, tc interruptCase, group bool) {
	ws := newCLIWorkspace(t)
	if tc.skip != nil {
		tc.skip(t, ws)
	}
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	ws.writeConfig(tc.config(url, tok.ID))
	ctx, cancel := context.WithTimeout(t.Context(), hangBound) // only to catch a hang
	defer cancel()
	cli := startCLI(t, ws, tc.args...)
	if err := cli.awaitReads(ctx, mock, tok.ID, 1); err != nil {
		t.Fatalf("the provider never polled: %v\n%s", err, cli.out.String())
	}
	if err := cli.out.await(ctx, tc.shown); err != nil {
		t.Fatalf("the CLI never printed %q: %v\n%s", tc.shown, err, cli.out.String())
	}
	before := tokenReads(mock.Requests(), tok.ID)
	interrupted := time.Now()
	cli.interrupt(t, group)
	if tc.firstStops(ws) {
		out := cli.awaitExit(ctx, t) // the wait's timeout is 10m: only the interrupt ends it before hangBound
		t.Logf("%s %s: exited %.1fs after one interrupt", filepath.Base(ws.cli), ws.version, time.Since(interrupted).Seconds())
		// The provider's error, or Terraform's own where a hook halts it first.
		stopped := regexp.MustCompile(`(?s)Interrupt received.*Error: (execution halted|.*(interrupted|context\s+canceled))`)
		if tc.stopped != nil {
			stopped = tc.stopped
		}
		checkInterrupted(t, ws, out, stopped)
		return
	}
	// Three more polls at a 1s interval: a stopped wait polls at most once more.
	if err := cli.awaitReads(ctx, mock, tok.ID, before+3); err != nil {
		t.Fatalf("%s %s: the first interrupt stopped the wait; the docs say it does not on this CLI (%v)\n%s",
			ws.cli, ws.version, err, cli.out.String())
	}
	// The interrupt is not forgotten: an approval now ends the wait, and the
	// CLI halts before applying anything.
	if err := mock.Complete(tok.ID, []byte(`{"approved":true}`)); err != nil {
		t.Fatal(err)
	}
	out := cli.awaitExit(ctx, t)
	checkInterrupted(t, ws, out, regexp.MustCompile(`(?s)Interrupt received.*Error: execution halted`))
}

// checkInterrupted asserts that the CLI failed with output matching want, and
// that terraform_data.rollout is not in state.
func checkInterrupted(t *testing.T, ws *cliWorkspace, out string, want *regexp.Regexp) {
	t.Helper()
	if !want.MatchString(out) {
		t.Fatalf("output does not match %s:\n%s", want, out)
	}
	for _, r := range stateResources(t, ws) {
		if r == "terraform_data.rollout" {
			t.Fatalf("the gated resource was created after the interrupt:\n%s", out)
		}
	}
}

// stateResources lists the resources in the workspace's state that have an
// instance (a failed create can leave a resource without one); none when the
// CLI wrote no state.
func stateResources(t *testing.T, ws *cliWorkspace) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ws.dir, "terraform.tfstate"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var state struct {
		Resources []struct {
			Type, Name string
			Instances  []json.RawMessage
		}
	}
	if err == nil {
		err = json.Unmarshal(data, &state)
	}
	if err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	var names []string
	for _, r := range state.Resources {
		if len(r.Instances) > 0 {
			names = append(names, r.Type+"."+r.Name)
		}
	}
	return names
}

// tokenReads counts the answered reads of token id.
func tokenReads(requests []mockapi.Request, id string) int {
	n := 0
	for _, r := range requests {
		if r.Method == "GET" && r.Path == "/api/v1/waitpoints/tokens/"+id && r.Status != 0 {
			n++
		}
	}
	return n
}

// runningCLI is a CLI started in a process group of its own, which also holds
// the provider the CLI starts: a terminal's foreground job.
type runningCLI struct {
	cmd    *exec.Cmd
	out    watchedOutput
	exited chan struct{}
	err    error
}

func startCLI(t *testing.T, ws *cliWorkspace, args ...string) *runningCLI {
	t.Helper()
	ws.runs++
	cli := &runningCLI{cmd: exec.Command(ws.cli, append(args, "-no-color")...), exited: make(chan struct{})}
	cli.out.written = make(chan struct{})
	cli.cmd.Dir, cli.cmd.Env = ws.dir, ws.env
	if mask := os.Getenv("TF_LOG_PATH_MASK"); mask != "" { // the trace log, for the secrets scan
		name := fmt.Sprintf("%s-%d", strings.ReplaceAll(t.Name(), "/", "_"), ws.runs)
		cli.cmd.Env = append(cli.cmd.Env, "TF_LOG_PATH="+strings.ReplaceAll(mask, "%s", name))
	}
	cli.cmd.Stdout, cli.cmd.Stderr = &cli.out, &cli.out
	cli.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cli.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		cli.err = cli.cmd.Wait()
		close(cli.exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cli.cmd.Process.Pid, syscall.SIGKILL) // whatever of the group is left
		<-cli.exited
	})
	return cli
}

// interrupt sends one SIGINT to the CLI, or to its whole process group.
func (c *runningCLI) interrupt(t *testing.T, group bool) {
	t.Helper()
	pid := c.cmd.Process.Pid
	if group {
		pid = -pid
	}
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
}

// awaitReads waits until the mock has answered n reads of token id; it fails
// when the CLI exits first, or when ctx ends.
func (c *runningCLI) awaitReads(ctx context.Context, mock *mockapi.Server, id string, n int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool { return tokenReads(rs, id) >= n })
	select {
	case <-c.exited:
		return fmt.Errorf("the CLI exited (%s) after %d reads", c.cmd.ProcessState, tokenReads(mock.Requests(), id))
	default:
		return err
	}
}

// awaitExit waits for the CLI to end, with an error, and returns its output.
func (c *runningCLI) awaitExit(ctx context.Context, t *testing.T) string {
	t.Helper()
	select {
	case <-c.exited:
	case <-ctx.Done():
		t.Fatalf("the CLI did not end after the interrupt: %v", ctx.Err())
	}
	if c.err == nil {
		t.Fatalf("the CLI succeeded after the interrupt:\n%s", c.out.String())
	}
	return c.out.String()
}

// watchedOutput is the CLI's output, which a test can wait on while the CLI
// runs.
type watchedOutput struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed, and replaced, at every write
}

func (w *watchedOutput) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	close(w.written)
	w.written = make(chan struct{})
	return w.buf.Write(p)
}

func (w *watchedOutput) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// await returns once the output contains text (at once for ""), or when ctx ends.
func (w *watchedOutput) await(ctx context.Context, text string) error {
	for {
		w.mu.Lock()
		found, written := strings.Contains(w.buf.String(), text), w.written
		w.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-written:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
