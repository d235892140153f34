package provider

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// sdkCheckDir holds the official SDK's scripts and its pinned install (make sdk-deps).
var sdkCheckDir = filepath.Join("..", "mockapi", "testdata", "sdkcheck")

// sdkToken is a token as the official SDK's wait.retrieveToken returns it.
type sdkToken struct {
	sdkResult
	Tags                               []string
	IdempotencyKey                     *string
	CreatedAt                          time.Time
	TimeoutAt, IdempotencyKeyExpiresAt *time.Time
}

// sdkResult is what a task's wait.forToken resumes with.
type sdkResult struct {
	ID, Status string
	HasOutput  bool
	Output     any
}

// retrieveWithSDK reads the tokens with the official SDK (retrieve.mjs). In CI
// it must run; elsewhere it skips without Node or the installed SDK.
func retrieveWithSDK(t *testing.T, url string, ids ...string) []sdkToken {
	t.Helper()
	node, err := exec.LookPath("node")
	if _, statErr := os.Stat(filepath.Join(sdkCheckDir, "node_modules", "@trigger.dev", "sdk")); err != nil || statErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run the SDK check: node %v, SDK %v (make sdk-deps installs it)", err, statErr)
		}
		t.Skip("needs node and the SDK in internal/mockapi/testdata/sdkcheck/node_modules: make sdk-deps")
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"retrieve.mjs"}, ids...)...)
	cmd.Dir = sdkCheckDir
	cmd.Env = append(os.Environ(), "TRIGGER_API_URL="+url, "TRIGGER_SECRET_KEY="+testAPIKey)
	out, err := cmd.Output()
	if exitErr, ok := errors.AsType[*exec.ExitError](err); ok {
		t.Fatalf("the SDK failed against the mock: %v\n%s", err, exitErr.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
	var seen []sdkToken
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return seen
}

// TestAccCompleteWaitpointTokenAction_sdkReads: what Terraform sends, by id or
// by key, is exactly what a task's wait.forToken resumes with, as the official
// SDK reads it: an object, a string, a number, null, and no data at all.
func TestAccCompleteWaitpointTokenAction_sdkReads(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	cases := []struct {
		name, data string
		want       sdkResult
	}{
		{"object", `data = jsonencode({ endpoint = "https://acme.db.example.com", port = 5432, tags = ["a", "b"], ready = true })`,
			sdkResult{HasOutput: true, Output: map[string]any{"endpoint": "https://acme.db.example.com", "port": 5432.0, "tags": []any{"a", "b"}, "ready": true}}},
		{"string", `data = jsonencode("ready")`, sdkResult{HasOutput: true, Output: "ready"}},
		{"number", `data = jsonencode(42.5)`, sdkResult{HasOutput: true, Output: 42.5}},
		{"null", `data = jsonencode(null)`, sdkResult{HasOutput: true, Output: nil}},
		{"no_data", ``, sdkResult{HasOutput: false, Output: nil}},
	}
	var completions []completion
	var ids []string
	for i, tc := range cases {
		tok := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: mock.name("tenant-" + tc.name)})
		ref := byID(tok.ID)
		if i%2 == 1 {
			ref = byKey(mock.name("tenant-" + tc.name))
		}
		completions = append(completions, completion{tc.name, ref, tc.data})
		ids = append(ids, tok.ID)
	}
	actionTestCase(t, resource.TestStep{
		Config: completeConfig(url, "tenant-1", completions...),
		Check: func(*terraform.State) error {
			for i, got := range retrieveWithSDK(t, url, ids...) {
				want := cases[i].want
				want.ID, want.Status = ids[i], "COMPLETED"
				if !reflect.DeepEqual(got.sdkResult, want) {
					t.Errorf("%s: the SDK read %+v, want %+v", cases[i].name, got, want)
				}
			}
			return nil
		},
	})
}

// TestAccExamples_tenant: creating the example's tenant completes the task's
// token with the tenant's outputs.
func TestAccExamples_tenant(t *testing.T) {
	t.Parallel()
	ws := requireActionsCLI(t)
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	ws.copyExample("complete/tenant")
	ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey, "TF_VAR_task_token_id="+tok.ID)
	if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	checkOutput(t, url, tok.ID, `{"name":"acme","endpoint":"https://acme.db.example.com"}`)
}
