package provider

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// gatingExample is an example that holds a rollout until a token approves it.
// Every one is applied twice by TestAccExamples_gating, under the CLI of the
// run: with a declined token the gated resource must not be applied (out of
// state, or for a replacement its old instance kept), with an approved one it
// must be. An advisory example is the exception: a decline warns and applies.
type gatingExample struct {
	dir string
	// gated is the address of the gated resource, as the state names it; %s
	// stands for the token's id.
	gated string
	// actions: the example needs Terraform's actions (1.14 or later, never OpenTofu).
	actions bool
	// since is a later Terraform version the example needs than actions do:
	// 1.16 for a before_destroy trigger or on_failure. Nil: none.
	since *version.Version
	// replaces is the variable whose change replaces the gated resource, which
	// is created first with the value "old" (creating it does not wait), then
	// applied with "new": a decline keeps the old instance (its output "old").
	replaces string
	// advisory: a decline is a warning, not an error (on_failure = continue):
	// the gated resource is applied anyway, and declined is the warning.
	advisory bool
	// waits: the example waits for the token, so the approval comes while it
	// waits; otherwise before the apply.
	waits bool
	// declined is the apply's error on a declined token (its warning for an
	// advisory example); nil when a declined token is simply left out
	// (for_each) and the apply succeeds.
	declined *regexp.Regexp
	// env gives the example its token: the variables it reads (TF_VAR_…).
	env func(mock *target, url string, tok mockapi.Token) []string
	// spec is the token the test creates; zero for a plain approval token.
	spec mockapi.TokenSpec
	// approver, when set, is for an example that creates its own token: it
	// starts what answers with decision once the example asks, and returns
	// the example's variables. env, spec and waits are then unused.
	approver func(t *testing.T, mock *target, decision string) []string
	// tasks, when set, is for an example that triggers a task (a run gate):
	// the mock runs its tasks as tasks scripts them, the run passing the gate
	// or not. env, spec and waits are then unused.
	tasks func(approved bool) map[string]mockapi.TaskFixture
}

// outputTask is one task whose runs complete with output, a decision.
func outputTask(task, output string) func(bool) map[string]mockapi.TaskFixture {
	return func(approved bool) map[string]mockapi.TaskFixture {
		return map[string]mockapi.TaskFixture{task: {Output: json.RawMessage(fmt.Sprintf(output, approved))}}
	}
}

func tokenIDEnv(_ *target, _ string, tok mockapi.Token) []string {
	return []string{"TF_VAR_approval_token_id=" + tok.ID}
}

var gatingExamples = []gatingExample{
	{dir: "gating/precondition", gated: "terraform_data.rollout", env: tokenIDEnv,
		declined: wrappedText("The release has not been approved yet")},
	{dir: "gating/wait-with-timeout", gated: "terraform_data.rollout", env: tokenIDEnv, waits: true,
		declined: wrappedText("The approver declined the release.")},
	{dir: "gating/action", gated: "terraform_data.rollout", env: tokenIDEnv, actions: true, waits: true,
		declined: wrappedText(`its output's member "approved" is false, not true`)},
	{dir: "actions/triggerdev_wait_for_waitpoint_token", gated: "terraform_data.rollout", env: tokenIDEnv, actions: true,
		declined: wrappedText(`its output's member "approved" is false, not true`)},
	{dir: "gating/wait-resource", gated: "terraform_data.rollout", env: tokenIDEnv, waits: true,
		declined: wrappedText(`its output's member "approved" is false, not true`)},
	{dir: "resources/triggerdev_waitpoint_token_wait", gated: "terraform_data.rollout", env: tokenIDEnv,
		declined: wrappedText(`its output's member "approved" is false, not true`)},
	{dir: "gating/for-each", gated: `terraform_data.rollout["%s"]`, env: tokenIDEnv,
		spec: mockapi.TokenSpec{Tags: []string{"approval"}}},
	{dir: "gating/replace-approval", gated: "terraform_data.database", env: tokenIDEnv, actions: true, since: version1_16, waits: true,
		replaces: "engine_version", declined: wrappedText(`its output's member "approved" is false, not true`)},
	{dir: "gating/advisory-approval", gated: "terraform_data.rollout", env: tokenIDEnv, actions: true, since: version1_16, waits: true,
		advisory: true, declined: regexp.MustCompile(`(?s)Warning: Waitpoint token did not approve the change.*` + wrappedText(`its output's member "approved" is false, not true`).String())},
	{dir: "demo", gated: "terraform_data.rollout", waits: true, declined: wrappedText("The release was not approved."),
		spec: mockapi.TokenSpec{IdempotencyKey: "release-7", Tags: []string{"approval"}},
		env: func(_ *target, url string, tok mockapi.Token) []string {
			return []string{"TF_VAR_api_url=" + url, "TF_VAR_api_key=" + testAPIKey, "TF_VAR_release=" + tok.IdempotencyKey}
		}},
	{dir: "testing", gated: "terraform_data.rollout", env: tokenIDEnv,
		declined: wrappedText("The release is not approved (approval token status: COMPLETED).")},
	{dir: "gating/create-and-wait", gated: "terraform_data.rollout", actions: true, approver: approveThroughNotifier,
		declined: wrappedText(`its output's member "approved" is false, not true`)},
	{dir: "gating/smoke-test/resource", gated: "terraform_data.rollout", tasks: outputTask("smoke-test", `{"passed":%t}`),
		declined: wrappedText(`its output's member "passed" is false, not true`)},
	{dir: "gating/smoke-test/action", gated: "terraform_data.rollout", actions: true, tasks: outputTask("smoke-test", `{"passed":%t}`),
		declined: wrappedText(`its output's member "passed" is false, not true`)},
	{dir: "actions/triggerdev_trigger_task", gated: "terraform_data.rollout", actions: true, tasks: outputTask("smoke-test", `{"passed":%t}`),
		declined: wrappedText(`its output's member "passed" is false, not true`)},
	{dir: "gating/approval-task", gated: "terraform_data.rollout", tasks: outputTask("release-approval", `{"approved":%t,"by":"alice"}`),
		declined: wrappedText(`its output's member "approved" is false, not true`)},
	{dir: "resources/triggerdev_task_run", gated: "terraform_data.rollout",
		tasks: func(approved bool) map[string]mockapi.TaskFixture {
			if approved {
				return map[string]mockapi.TaskFixture{"migrate-database": {Output: json.RawMessage(`{"migrated":3}`)}}
			}
			return map[string]mockapi.TaskFixture{"migrate-database": {Outcome: "FAILED", Error: &mockapi.RunError{Message: "relation already exists"}}}
		},
		declined: wrappedText(`is FAILED (error: "relation already exists") and can no longer become COMPLETED`)},
	{dir: runGateTesting, gated: "terraform_data.rollout", tasks: outputTask("smoke-test", `{"passed":%t}`),
		declined: wrappedText("The smoke test did not pass")},
}

func TestAccExamples_gating(t *testing.T) {
	t.Parallel()
	for _, ex := range gatingExamples {
		for _, approved := range []bool{false, true} {
			name := ex.dir + map[bool]string{false: "/declined", true: "/approved"}[approved]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ex.run(t, approved)
			})
		}
	}
}

// version1_16 is the first Terraform with before_destroy triggers and on_failure.
var version1_16 = version.Must(version.NewVersion("1.16.0"))

// run applies the example once, the token declined or approved, and checks
// that the gated resource is applied exactly when the token approved it (or,
// advisory, always).
func (ex gatingExample) run(t *testing.T, approved bool) {
	ws := newCLIWorkspace(t)
	ex.skipUnsupported(t, ws)
	if ex.tasks != nil {
		needsMock(t, "task scripts (fixtures)")
	}
	mock, url := startTarget(t, func(o *mockapi.Options) {
		if ex.tasks != nil {
			o.Tasks = ex.tasks(approved)
		}
	})
	decision := fmt.Sprintf(`{"approved":%t,"by":"alice"}`, approved)
	ws.copyExample(ex.dir)
	ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey)
	var tok mockapi.Token
	switch {
	case ex.approver != nil:
		ws.env = append(ws.env, ex.approver(t, mock, decision)...)
	case ex.tasks == nil: // the example triggers its tasks itself
		tok = ex.prepare(t, ws, mock, url, decision)
	}
	out, err := ws.run("apply", "-auto-approve", "-input=false")
	gated := ex.gated
	if strings.Contains(gated, "%s") {
		gated = fmt.Sprintf(gated, tok.ID)
	}
	attributes, inState := ws.stateInstances()[gated]
	output := dataOutput(attributes)
	applied := inState && (ex.replaces == "" || output == "new")
	goesOn := approved || ex.advisory
	switch {
	case goesOn && (err != nil || !applied):
		t.Fatalf("the apply must apply %s (in state: %t, output %v): %v\n%s", gated, inState, output, err, out)
	case !goesOn && applied:
		t.Fatalf("a declined token let %s be applied:\n%s", gated, out)
	case !approved && ex.declined != nil && !ex.declined.MatchString(out):
		t.Fatalf("a declined token: the apply must say %q: %v\n%s", ex.declined, err, out)
	case !goesOn && ex.declined != nil && err == nil:
		t.Fatalf("a declined token: the apply must fail:\n%s", out)
	case !goesOn && ex.declined == nil && err != nil:
		t.Fatalf("a declined token is left out, and the apply succeeds: %v\n%s", err, out)
	case !goesOn && ex.replaces != "" && (!inState || output != "old"):
		t.Fatalf("a declined replacement must keep the old %s in state, not %v:\n%s", gated, attributes, out)
	}
}

// prepare creates the example's token and gives the example its variables,
// applies first what the example replaces, and completes the token with
// decision now or, for an example that waits, once the example reads it.
func (ex gatingExample) prepare(t *testing.T, ws *cliWorkspace, mock *target, url, decision string) mockapi.Token {
	spec := ex.spec
	if spec.IdempotencyKey != "" {
		spec.IdempotencyKey = mock.name(spec.IdempotencyKey)
	}
	tok := mock.CreateToken(spec)
	ws.env = append(ws.env, ex.env(mock, url, tok)...)
	if ex.replaces != "" {
		ws.env = append(ws.env, "TF_VAR_"+ex.replaces+"=old")
		if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
			t.Fatalf("creating what the example replaces: %v\n%s", err, out)
		}
		ws.env = append(ws.env, "TF_VAR_"+ex.replaces+"=new") // the last value of a variable wins
	}
	if ex.waits {
		go whenPolled(t, mock, tok.ID, func() error { return mock.Complete(tok.ID, []byte(decision)) })
	} else if err := mock.Complete(tok.ID, []byte(decision)); err != nil {
		t.Fatal(err)
	}
	return tok
}

// dataOutput is a terraform_data instance's output as its state stores it:
// a dynamic value, {"type": …, "value": …}.
func dataOutput(attributes map[string]any) any {
	if output, ok := attributes["output"].(map[string]any); ok {
		return output["value"]
	}
	return nil
}

// skipUnsupported skips an example the CLI of the run cannot apply.
func (ex gatingExample) skipUnsupported(t *testing.T, ws *cliWorkspace) {
	t.Helper()
	if ex.actions && (ws.openTofu || ws.version.LessThan(tfversion.Version1_14_0)) {
		t.Skipf("%s uses actions: Terraform 1.14 or later, not %s", ex.dir, ws.version)
	}
	if ex.since != nil && ws.version.LessThan(ex.since) {
		t.Skipf("%s needs Terraform %s or later, not %s", ex.dir, ex.since, ws.version)
	}
}

// gatingPattern finds configuration that gates a resource. An action_trigger
// gates only with the wait action or the trigger action: the complete action
// gates nothing.
var gatingPattern = regexp.MustCompile(`precondition|postcondition|actions\s*=\s*\[[^\]]*triggerdev_(wait_for_waitpoint_token|trigger_task)|depends_on\s*=\s*\[\s*triggerdev_`)

// TestExamples_gatingCovered fails when an example gates a resource without
// an entry in gatingExamples, that is without its decline and approve test.
func TestExamples_gatingCovered(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	tested := map[string]bool{}
	for _, ex := range gatingExamples {
		tested[ex.dir] = true
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		if (gatingPattern.Match(text) || strings.HasPrefix(dir, "gating/")) && !tested[dir] {
			t.Errorf("examples/%s gates a resource but has no entry in gatingExamples (a decline and an approve test)", dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExamples_gatingSnippetsTested fails when the README or the docs show a
// gating snippet that is not part of a tested gating example: every snippet a
// user may copy has its decline and approve test.
func TestExamples_gatingSnippetsTested(t *testing.T) {
	var examples []string
	for _, ex := range gatingExamples {
		files, _ := filepath.Glob(filepath.Join("..", "..", "examples", ex.dir, "*.tf"))
		for _, f := range files {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			examples = append(examples, foldSpace(string(text)))
		}
	}
	docs := []string{filepath.Join("..", "..", "README.md")}
	for _, pattern := range []string{"docs/*.md", "docs/*/*.md", "templates/*.tmpl", "templates/*/*.tmpl"} {
		found, _ := filepath.Glob(filepath.Join("..", "..", pattern))
		docs = append(docs, found...)
	}
	snippets := 0
	for _, doc := range docs {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range hclBlocks(string(text)) {
			if !gatingPattern.MatchString(block) {
				continue
			}
			snippets++
			folded := foldSpace(block)
			if !slices.ContainsFunc(examples, func(e string) bool { return strings.Contains(e, folded) }) {
				t.Errorf("%s shows a gating snippet that no tested gating example holds word for word:\n%s", doc, block)
			}
		}
	}
	if snippets == 0 {
		t.Fatal("found no gating snippet in the README and the docs: the scan is broken")
	}
}

var hclFence = regexp.MustCompile("(?s)```(?:hcl|terraform)\n(.*?)```")

func hclBlocks(markdown string) []string {
	var blocks []string
	for _, m := range hclFence.FindAllStringSubmatch(markdown, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// foldSpace turns every run of white space into one space.
func foldSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestAccExamples_validate: every directory of examples/ is a configuration a
// user can run as it is: `terraform validate` passes, every variable declared.
func TestAccExamples_validate(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "examples")
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".tf" {
			dir, _ := filepath.Rel(root, filepath.Dir(path))
			if !slices.Contains(dirs, filepath.ToSlash(dir)) {
				dirs = append(dirs, filepath.ToSlash(dir))
			}
		}
		return err
	})
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			ws := newCLIWorkspace(t)
			text := exampleText(t, dir)
			if ws.openTofu || ws.version.LessThan(tfversion.Version1_14_0) {
				if strings.Contains(text, "action \"") || strings.Contains(text, "action_trigger") {
					t.Skipf("%s uses actions: Terraform 1.14 or later, not %s", dir, ws.version)
				}
			}
			if ws.version.LessThan(version1_16) && needs1_16.MatchString(text) {
				t.Skipf("%s uses a before_destroy trigger or on_failure: Terraform 1.16 or later, not %s", dir, ws.version)
			}
			ws.copyExample(dir)
			if out, err := ws.run("validate"); err != nil {
				t.Fatalf("terraform validate of examples/%s: %v\n%s", dir, err, out)
			}
		})
	}
}

// needs1_16 finds what Terraform 1.16 added to action triggers.
var needs1_16 = regexp.MustCompile(`\bbefore_destroy\b|\bafter_destroy\b|\bon_failure\s*=`)

// exampleText is the Terraform text of examples/dir, its files one after another.
func exampleText(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", dir, "*.tf"))
	var all strings.Builder
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(text)
	}
	return all.String()
}

// TestAccExamples_destroyNotHeld: a full `terraform destroy` is never held by
// the replace-approval example's before_destroy trigger, with or without
// on_failure = halt: Terraform runs the action, turns its failure into a
// warning, and destroys anyway.
func TestAccExamples_destroyNotHeld(t *testing.T) {
	t.Parallel()
	for _, onFailure := range []string{"", "halt"} {
		t.Run("on_failure="+onFailure, func(t *testing.T) {
			t.Parallel()
			ws := newCLIWorkspace(t)
			ex := gatingExample{dir: "gating/replace-approval", actions: true, since: version1_16}
			ex.skipUnsupported(t, ws)
			mock, url := startTarget(t)
			declined := approvedToken(t, mock, false)
			ws.copyExample(ex.dir)
			if onFailure != "" {
				main := filepath.Join(ws.dir, "main.tf")
				text := strings.Replace(readFileString(t, main), "events  = [before_destroy]", "events     = [before_destroy]\n      on_failure = "+onFailure, 1)
				writeFile(t, main, text)
			}
			ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey, "TF_VAR_approval_token_id="+declined)
			if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
				t.Fatalf("creating the database: %v\n%s", err, out)
			}
			mock.ResetRequests()
			out, err := ws.run("destroy", "-auto-approve", "-input=false")
			switch {
			case err != nil || len(ws.stateInstances()) != 0:
				t.Fatalf("a declined token held the destroy: %v\n%s", err, out)
			case len(mock.Requests()) == 0:
				t.Fatalf("the destroy never ran the action: the test proves nothing\n%s", out)
			case !regexp.MustCompile(`(?s)Warning: Waitpoint token did not approve the change.*` + wrappedText(`its output's member "approved" is false, not true`).String()).MatchString(out):
				t.Fatalf("the destroy does not warn of the decline:\n%s", out)
			}
		})
	}
}

// TestAccExamples_dataSourceWaitDestroy: what the README says of the data
// source's `wait` at destroy time. The data source is read again by destroy's
// refresh, so once the configuration names a token that timed out the destroy
// fails, and one still pending holds it for the whole wait.timeout (1s here,
// as the copy sets it) and then fails; -refresh=false destroys without a read.
func TestAccExamples_dataSourceWaitDestroy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		token mockapi.TokenSpec
		want  string
	}{
		{"timed out", mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)}, "TIMED_OUT"},
		{"pending", mockapi.TokenSpec{}, "timed out after 1s waiting for waitpoint token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := newCLIWorkspace(t)
			mock, url := startTarget(t)
			ws.copyExample("gating/wait-with-timeout")
			main := filepath.Join(ws.dir, "main.tf")
			writeFile(t, main, strings.Replace(readFileString(t, main), `timeout  = "15m"`, `timeout  = "1s"`, 1))
			ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey)
			approved := approvedToken(t, mock, true)
			if out, err := ws.run("apply", "-auto-approve", "-input=false", "-var", "approval_token_id="+approved); err != nil {
				t.Fatalf("apply with an approved token: %v\n%s", err, out)
			}
			next := mock.CreateToken(tc.token).ID // the next release's token
			out, err := ws.run("destroy", "-auto-approve", "-input=false", "-var", "approval_token_id="+next)
			if err == nil || !strings.Contains(out, tc.want) || len(ws.stateInstances()) == 0 {
				t.Fatalf("destroy with a %s token: want it to fail with %q and destroy nothing: %v\n%s", tc.name, tc.want, err, out)
			}
			mock.ResetRequests()
			if out, err := ws.run("destroy", "-auto-approve", "-input=false", "-refresh=false", "-var", "approval_token_id="+next); err != nil || len(ws.stateInstances()) != 0 {
				t.Fatalf("destroy -refresh=false: %v\n%s", err, out)
			}
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("destroy -refresh=false made %d requests, want none", n)
			}
		})
	}
}

// TestExamples_readmeLeadsWithApplyTimeGate: the README's first example is
// the gate that waits at apply time on every CLI, OpenTofu included (the wait
// resource), not the data source's `wait`, which holds every plan, refresh
// and destroy.
func TestExamples_readmeLeadsWithApplyTimeGate(t *testing.T) {
	blocks := hclBlocks(readFileString(t, filepath.Join("..", "..", "README.md")))
	if len(blocks) == 0 || !strings.Contains(blocks[0], `resource "triggerdev_waitpoint_token_wait"`) || strings.Contains(blocks[0], "wait = {") {
		t.Fatalf("the README's first example is not the wait resource:\n%s", blocks[0])
	}
}
