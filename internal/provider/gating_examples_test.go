package provider

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// gatingExample is an example that holds a rollout until a token approves it.
// Every one is applied twice by TestAccExamples_gating, under the CLI of the
// run: with a declined token the gated resource must stay out of state, with
// an approved one it must be in it.
type gatingExample struct {
	dir string
	// gated is the address of the gated resource, as the state names it; %s
	// stands for the token's id.
	gated string
	// actions: the example needs Terraform's actions (1.14 or later, never OpenTofu).
	actions bool
	// waits: the example waits for the token, so the approval comes while it
	// waits; otherwise before the apply.
	waits bool
	// declined is the apply's error on a declined token; nil when a declined
	// token is simply left out (for_each) and the apply succeeds.
	declined *regexp.Regexp
	// env gives the example its token: the variables it reads (TF_VAR_…).
	env func(mock *mockapi.Server, url string, tok mockapi.Token) []string
	// spec is the token the test creates; zero for a plain approval token.
	spec mockapi.TokenSpec
	// approver, when set, is for an example that creates its own token: it
	// starts what answers with decision once the example asks, and returns
	// the example's variables. env, spec and waits are then unused.
	approver func(t *testing.T, decision string) []string
}

func tokenIDEnv(_ *mockapi.Server, _ string, tok mockapi.Token) []string {
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
	{dir: "gating/for-each", gated: `terraform_data.rollout["%s"]`, env: tokenIDEnv,
		spec: mockapi.TokenSpec{Tags: []string{"approval"}}},
	{dir: "demo", gated: "terraform_data.rollout", waits: true, declined: wrappedText("The release was not approved."),
		spec: mockapi.TokenSpec{IdempotencyKey: "release-7", Tags: []string{"approval"}},
		env: func(_ *mockapi.Server, url string, _ mockapi.Token) []string {
			return []string{"TF_VAR_api_url=" + url, "TF_VAR_api_key=" + testAPIKey, "TF_VAR_release=release-7"}
		}},
	{dir: "gating/create-and-wait", gated: "terraform_data.rollout", actions: true, approver: approveThroughNotifier,
		declined: wrappedText(`its output's member "approved" is false, not true`)},
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

// run applies the example once, the token declined or approved, and checks
// that the gated resource is in state exactly when the token approved it.
func (ex gatingExample) run(t *testing.T, approved bool) {
	ws := newCLIWorkspace(t)
	if ex.actions && (ws.openTofu || ws.version.LessThan(tfversion.Version1_14_0)) {
		t.Skipf("%s uses actions: Terraform 1.14 or later, not %s", ex.dir, ws.version)
	}
	mock, url := startMock(t, 0)
	decision := fmt.Sprintf(`{"approved":%t,"by":"alice"}`, approved)
	ws.copyExample(ex.dir)
	ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey)
	var tok mockapi.Token
	if ex.approver != nil {
		ws.env = append(ws.env, ex.approver(t, decision)...)
	} else {
		tok = ex.prepare(t, mock, decision)
		ws.env = append(ws.env, ex.env(mock, url, tok)...)
	}
	out, err := ws.run("apply", "-auto-approve", "-input=false")
	gated := ex.gated
	if strings.Contains(gated, "%s") {
		gated = fmt.Sprintf(gated, tok.ID)
	}
	inState := slices.Contains(ws.stateAddresses(), gated)
	switch {
	case approved && (err != nil || !inState):
		t.Fatalf("an approved token: the apply must create %s (in state: %t): %v\n%s", gated, inState, err, out)
	case !approved && inState:
		t.Fatalf("a declined token let %s into the state:\n%s", gated, out)
	case !approved && ex.declined != nil && (err == nil || !ex.declined.MatchString(out)):
		t.Fatalf("a declined token: the apply must fail with %q: %v\n%s", ex.declined, err, out)
	case !approved && ex.declined == nil && err != nil:
		t.Fatalf("a declined token is left out, and the apply succeeds: %v\n%s", err, out)
	}
}

// prepare creates the example's token, and completes it with decision now
// or, for an example that waits, once the example reads it.
func (ex gatingExample) prepare(t *testing.T, mock *mockapi.Server, decision string) mockapi.Token {
	tok := mock.CreateToken(ex.spec)
	if ex.waits {
		go whenPolled(t, mock, tok.ID, func() error { return mock.Complete(tok.ID, []byte(decision)) })
	} else if err := mock.Complete(tok.ID, []byte(decision)); err != nil {
		t.Fatal(err)
	}
	return tok
}

// gatingPattern finds configuration that gates a resource.
var gatingPattern = regexp.MustCompile(`precondition|postcondition|action_trigger|depends_on\s*=\s*\[\s*triggerdev_`)

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
			if ws.openTofu || ws.version.LessThan(tfversion.Version1_14_0) {
				if text := exampleText(t, dir); strings.Contains(text, "action \"") || strings.Contains(text, "action_trigger") {
					t.Skipf("%s uses actions: Terraform 1.14 or later, not %s", dir, ws.version)
				}
			}
			ws.copyExample(dir)
			if out, err := ws.run("validate"); err != nil {
				t.Fatalf("terraform validate of examples/%s: %v\n%s", dir, err, out)
			}
		})
	}
}

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
