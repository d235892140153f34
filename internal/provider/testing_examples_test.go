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

	"github.com/hashicorp/go-version"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// testingExample is examples/testing: a gating module with its own `terraform
// test` files, which users copy to test their gating code; runGateTesting is
// its module that gates on a task's run.
const (
	testingExample = "testing"
	runGateTesting = "testing/run-gate"
)

// terraformTestFile is one test file of a testing module's tests.
type terraformTestFile struct {
	module string // the module's directory under examples/
	name   string
	// mock: the file reads tokens and triggers tasks on the mock, served
	// with the module's fixtures; otherwise it overrides them and must make
	// no request.
	mock bool
	// firstRefusal is the file's first run that expects the precondition to
	// stop a release: the run a module without its precondition fails.
	firstRefusal string
}

var terraformTestFiles = []terraformTestFile{
	{module: testingExample, name: "unit", firstRefusal: "declined_release_is_stopped"},
	{module: testingExample, name: "integration", mock: true, firstRefusal: "declined_release_fails_the_plan"},
	{module: runGateTesting, name: "integration", mock: true, firstRefusal: "failing_check_stops_the_rollout"},
}

// TestAccExamples_terraformTest runs examples/testing's test files with the
// CLI of the run's own `terraform test` (`tofu test`), as a user would: each
// passes on the module as it is, and fails on a copy whose precondition is
// removed, so the tests can catch a gate that no longer closes.
func TestAccExamples_terraformTest(t *testing.T) {
	t.Parallel()
	for _, file := range terraformTestFiles {
		for _, broken := range []bool{false, true} {
			name := file.module + "/" + file.name + map[bool]string{false: "/module", true: "/without-precondition"}[broken]
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				file.run(t, broken)
			})
		}
	}
}

// run runs the test file against a copy of the example, its precondition
// removed when broken, with a mock whose URL and key are in the environment.
func (f terraformTestFile) run(t *testing.T, broken bool) {
	ws := newCLIWorkspace(t)
	skipWithoutOverrideData(t, ws)
	ws.copyExampleTree(f.module)
	if broken {
		ws.removePreconditions()
	}
	var fixtures mockapi.FixtureDocument
	if f.mock {
		needsMock(t, "fixtures")
		fixtures = exampleFixtures(t, f.module)
	}
	mock, url := startTarget(t, func(o *mockapi.Options) { o.Fixtures, o.Tasks = fixtures.Tokens, fixtures.Tasks })
	ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey)

	out, err := ws.run("test", "-filter=tests/"+f.name+".tftest.hcl")
	if broken {
		refused := regexp.MustCompile(fmt.Sprintf(`run "%s"\.\.\. fail`, f.firstRefusal))
		if err == nil || !refused.MatchString(out) || !strings.Contains(out, "Missing expected failure") {
			t.Fatalf("without its precondition the module must fail run %q (missing expected failure): %v\n%s", f.firstRefusal, err, out)
		}
		return
	}
	summary := fmt.Sprintf("Success! %d passed, 0 failed.", f.runCount(t))
	if err != nil || !strings.Contains(out, summary) {
		t.Fatalf("want exit status 0 and %q: %v\n%s", summary, err, out)
	}
	f.checkRequests(t, mock, fixtures)
}

// checkRequests asserts that the integration test read every token and
// triggered every task of the fixtures from the mock, and that the unit test
// sent it nothing.
func (f terraformTestFile) checkRequests(t *testing.T, mock *target, fixtures mockapi.FixtureDocument) {
	t.Helper()
	requests := mock.Requests()
	if !f.mock && len(requests) > 0 {
		t.Fatalf("the unit test needs no server, but sent %d requests, the first %s %s", len(requests), requests[0].Method, requests[0].Path)
	}
	var paths []string
	for _, fixture := range fixtures.Tokens {
		paths = append(paths, "/api/v1/waitpoints/tokens/"+fixture.ID)
	}
	for task := range fixtures.Tasks {
		paths = append(paths, "/api/v1/tasks/"+task+"/trigger")
	}
	for _, path := range paths {
		if !slices.ContainsFunc(requests, func(r mockapi.Request) bool { return r.Path == path }) {
			t.Errorf("the integration test never asked the mock for %s", path)
		}
	}
}

// runCount is how many run blocks the test file has.
func (f terraformTestFile) runCount(t *testing.T) int {
	t.Helper()
	text := readFileString(t, filepath.Join("..", "..", "examples", f.module, "tests", f.name+".tftest.hcl"))
	return len(regexp.MustCompile(`(?m)^run "`).FindAllString(text, -1))
}

// skipWithoutOverrideData skips where `terraform test` has no override_data:
// Terraform before 1.7, OpenTofu before 1.8.
func skipWithoutOverrideData(t *testing.T, ws *cliWorkspace) {
	t.Helper()
	least := version.Must(version.NewVersion("1.7.0"))
	if ws.openTofu {
		least = version.Must(version.NewVersion("1.8.0"))
	}
	if ws.version.LessThan(least) {
		t.Skipf("this CLI (%s) has no override_data in its tests", ws.version)
	}
}

// exampleFixtures are the tokens and tasks of a testing module's fixtures.json.
func exampleFixtures(t *testing.T, module string) mockapi.FixtureDocument {
	t.Helper()
	fixtures, err := mockapi.ParseFixtureDocument([]byte(readFileString(t, filepath.Join("..", "..", "examples", module, "fixtures.json"))))
	if err != nil {
		t.Fatal(err)
	}
	return fixtures
}

// copyExampleTree copies examples/dir with its subdirectories (a module's
// tests/ too) into the workspace.
func (ws *cliWorkspace) copyExampleTree(dir string) {
	ws.t.Helper()
	root := filepath.Join("..", "..", "examples", dir)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		writeFile(ws.t, filepath.Join(ws.dir, rel), string(text))
		return nil
	})
	if err != nil {
		ws.t.Fatalf("copying examples/%s: %v", dir, err)
	}
}

// lifecycleBlock is a resource's lifecycle block, as the examples indent it.
var lifecycleBlock = regexp.MustCompile(`(?s)\n  lifecycle \{\n.*?\n  \}\n`)

// removePreconditions breaks the workspace's main.tf: its lifecycle blocks,
// and with them its preconditions, are gone.
func (ws *cliWorkspace) removePreconditions() {
	ws.t.Helper()
	name := filepath.Join(ws.dir, "main.tf")
	broken := lifecycleBlock.ReplaceAllString(readFileString(ws.t, name), "\n")
	if strings.Contains(broken, "precondition") {
		ws.t.Fatalf("main.tf still has a precondition once its lifecycle blocks are removed:\n%s", broken)
	}
	writeFile(ws.t, name, broken)
}

// TestExamples_terraformTestSnippets fails when the README shows a run block
// that examples/testing's test files do not hold word for word: the snippet a
// user copies is the one TestAccExamples_terraformTest runs.
func TestExamples_terraformTestSnippets(t *testing.T) {
	var files []string
	for _, f := range terraformTestFiles {
		files = append(files, foldSpace(readFileString(t, filepath.Join("..", "..", "examples", f.module, "tests", f.name+".tftest.hcl"))))
	}
	snippets := 0
	for _, block := range hclBlocks(readFileString(t, filepath.Join("..", "..", "README.md"))) {
		if !strings.Contains(block, "run \"") {
			continue
		}
		snippets++
		if !slices.ContainsFunc(files, func(f string) bool { return strings.Contains(f, foldSpace(block)) }) {
			t.Errorf("the README shows a run block that no test file of examples/%s holds word for word:\n%s", testingExample, block)
		}
	}
	if snippets == 0 {
		t.Fatal("found no run block in the README: the scan is broken")
	}
}
