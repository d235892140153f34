package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// completion is one complete action: how it names its token (`id = "…"` or
// `idempotency_key = "…"`) and its data attribute ("" for none).
type completion struct{ name, token, data string }

// completeConfig is a terraform_data "tenant" of endpoint whose creation and
// updates trigger each completion.
func completeConfig(apiURL, endpoint string, completions ...completion) string {
	var actions, refs []string
	for _, c := range completions {
		actions = append(actions, fmt.Sprintf(`
action "triggerdev_complete_waitpoint_token" %q {
  config {
    %s
    %s
  }
}
`, c.name, c.token, c.data))
		refs = append(refs, "action.triggerdev_complete_waitpoint_token."+c.name)
	}
	return providerBlock(apiURL) + strings.Join(actions, "") + fmt.Sprintf(`
resource "terraform_data" "tenant" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [%s]
    }
  }
}
`, endpoint, strings.Join(refs, ", "))
}

func byID(id string) string   { return fmt.Sprintf("id = %q", id) }
func byKey(key string) string { return fmt.Sprintf("idempotency_key = %q", key) }

// outputOf is the token's output as plain JSON (nil: no output), read as the
// provider reads it.
func outputOf(t *testing.T, url, id string) *string {
	t.Helper()
	c, err := client.New(client.Config{APIKey: testAPIKey, BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.GetToken(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tok.OutputJSON()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkOutput fails unless the token's output is the JSON value want ("": none).
func checkOutput(t *testing.T, url, id, want string) {
	t.Helper()
	got := outputOf(t, url, id)
	switch {
	case want == "" && got != nil:
		t.Errorf("token %s has output %s, want none", id, *got)
	case want != "" && (got == nil || !sameJSON(*got, want)):
		t.Errorf("token %s has output %v, want %s", id, got, want)
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}

// requireActionsCLI is newCLIWorkspace for a CLI with actions.
func requireActionsCLI(t *testing.T) *cliWorkspace {
	t.Helper()
	skipOnOpenTofu(t, "OpenTofu has no actions")
	ws := newCLIWorkspace(t)
	if ws.version.LessThan(tfversion.Version1_14_0) {
		t.Skipf("Terraform %s has no actions", ws.version)
	}
	return ws
}

// TestAccCompleteWaitpointTokenAction_byIDAndKey: creating the tenant
// completes one token by id and one by key, with its endpoint; applying again
// (an update, and -invoke) leaves both as they are, with a warning naming when
// each was completed, and succeeds.
func TestAccCompleteWaitpointTokenAction_byIDAndKey(t *testing.T) {
	t.Parallel()
	ws := requireActionsCLI(t)
	mock, url := startMock(t, 0)
	first := mock.CreateToken(mockapi.TokenSpec{})
	second := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: "tenant-42"})
	apply := func(endpoint string, args ...string) string {
		ws.writeConfig(completeConfig(url, endpoint,
			completion{"by_id", byID(first.ID), `data = jsonencode({ endpoint = terraform_data.tenant.output })`},
			// -invoke evaluates only the action: its configuration may not refer to a resource.
			completion{"by_key", byKey("tenant-42"), `data = jsonencode("ready")`}))
		out, err := ws.run(append([]string{"apply", "-auto-approve", "-input=false"}, args...)...)
		if err != nil {
			t.Fatalf("apply %v: %v\n%s", args, err, out)
		}
		return out
	}
	out := apply("https://a.example")
	for _, want := range []string{fmt.Sprintf(`completed waitpoint token %q`, first.ID),
		fmt.Sprintf(`completed waitpoint token %q (idempotency key "tenant-42")`, second.ID)} {
		if !strings.Contains(out, want) {
			t.Errorf("the apply did not report %q:\n%s", want, out)
		}
	}
	checkOutput(t, url, first.ID, `{"endpoint":"https://a.example"}`)
	checkOutput(t, url, second.ID, `"ready"`)

	completed, _ := mock.Token(second.ID)
	warning := wrappedText(fmt.Sprintf(`Waitpoint token %q (idempotency key "tenant-42") was completed at %s, before this run: it is left as it is`,
		second.ID, completed.CompletedAt.UTC().Format(client.TimeLayout)))
	// Terraform shows the warning after -invoke; after an update, it drops a
	// triggered action's warnings, and the progress line says it.
	progress := fmt.Sprintf(`waitpoint token %q (idempotency key "tenant-42") was already completed at %s: left as it is`,
		second.ID, completed.CompletedAt.UTC().Format(client.TimeLayout))
	if out := apply("https://b.example"); !strings.Contains(out, progress) {
		t.Errorf("an update of a completed token: no progress line %q:\n%s", progress, out)
	}
	out = apply("https://b.example", "-invoke=action.triggerdev_complete_waitpoint_token.by_key")
	if !warning.MatchString(out) || !strings.Contains(out, "Warning: Waitpoint token already completed") || !strings.Contains(out, progress) {
		t.Errorf("an -invoke of a completed token: no warning matching %q:\n%s", warning, out)
	}
	checkOutput(t, url, first.ID, `{"endpoint":"https://a.example"}`)
	checkOutput(t, url, second.ID, `"ready"`)
}

// TestAccCompleteWaitpointTokenAction_failures: a token that timed out, or
// that does not exist, fails the apply naming the token, and changes nothing.
func TestAccCompleteWaitpointTokenAction_failures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		token func(mock *mockapi.Server) (ref, id string)
		want  *regexp.Regexp
	}{
		{"timed out", func(mock *mockapi.Server) (string, string) {
			id := mock.CreateToken(mockapi.TokenSpec{CreatedAt: time.Now().Add(-time.Hour), Timeout: time.Minute}).ID
			return byID(id), id
		}, regexp.MustCompile(`(?s)Waitpoint token "waitpoint_\w+" timed\s+out\s+at\s+\S+Z:.*` + wrappedText("the task waiting on it has already resumed with a timeout, without the data").String())},
		{"unknown key", func(*mockapi.Server) (string, string) { return byKey("tenant-7"), "" },
			// The action has no `wait` setting to advise.
			wrappedText(`No waitpoint token holds the idempotency key "tenant-7" in the environment of the API key (a key that expired, or that a newer token took over, does not count). Check the key, or let this run only once the token is created.`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, 0)
			ref, id := tc.token(mock)
			var before *string
			if id != "" {
				before = outputOf(t, url, id)
			}
			actionTestCase(t, resource.TestStep{
				Config:      completeConfig(url, "https://a.example", completion{"ready", ref, `data = jsonencode({ ok = true })`}),
				ExpectError: tc.want,
			})
			if id != "" && !reflect.DeepEqual(outputOf(t, url, id), before) {
				t.Errorf("the failed action changed the token's output")
			}
		})
	}
}

// TestAccCompleteWaitpointTokenAction_savedPlan: what a saved plan holds of
// `data`. Terraform stores an action's configuration in the plan file and
// prints it in `terraform show -json` (action_invocations[].config_values),
// write-only attributes included, except for ephemeral values, which it
// replaces with null. So a secret from an ephemeral variable or an ephemeral
// resource is in neither, and one from a sensitive variable is in both; each
// reaches the token, and none appears in the console or (by TestMain's scan)
// in a trace log.
func TestAccCompleteWaitpointTokenAction_savedPlan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// config declares what data uses; secret is the value to look for.
		config func(mock *mockapi.Server, url string) (config, data, secret string)
		inPlan bool
	}{
		{"sensitive variable", func(*mockapi.Server, string) (string, string, string) {
			return `variable "db_password" {
  type      = string
  sensitive = true
}
`, `data = jsonencode({ password = var.db_password })`, "tenant-password-5f0c7e2a9b41d3"
		}, true},
		{"ephemeral variable", func(*mockapi.Server, string) (string, string, string) {
			return `variable "db_password" {
  type      = string
  ephemeral = true
}
`, `data = jsonencode({ password = var.db_password })`, "tenant-password-8d2b6e1f0a73c5"
		}, false},
		{"ephemeral resource", func(mock *mockapi.Server, url string) (string, string, string) {
			// Another token's callback URL, whose hash is a secret.
			other := mock.CreateToken(mockapi.TokenSpec{})
			callback := mock.CallbackURL(url, other.ID)
			return fmt.Sprintf(`ephemeral "triggerdev_waitpoint_token" "other" {
  id = %q
}
`, other.ID), `data = jsonencode({ password = ephemeral.triggerdev_waitpoint_token.other.url })`, callback[strings.LastIndex(callback, "/")+1:]
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := requireActionsCLI(t)
			mock, url := startMock(t, 0)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			variables, data, secret := tc.config(mock, url)
			registerSecret(secret, "the completion data of "+t.Name())
			ws.env = append(ws.env, "TF_VAR_db_password="+secret)
			ws.writeConfig(variables + completeConfig(url, "https://a.example", completion{"ready", byID(tok.ID), data}))
			var console []string
			var showJSON string
			for _, args := range [][]string{{"plan", "-input=false", "-out=saved.tfplan"}, {"show", "saved.tfplan"}, {"show", "-json", "saved.tfplan"},
				{"apply", "-input=false", "saved.tfplan"}} {
				out, err := ws.run(args...)
				if err != nil {
					t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
				}
				if args[1] == "-json" {
					showJSON = out
				} else {
					console = append(console, out)
				}
			}
			if all := strings.Join(console, "\n"); strings.Contains(all, secret) || !strings.Contains(all, "triggerdev_complete_waitpoint_token") {
				t.Fatalf("the plan or the apply shows the data, or never mentions the action:\n%s", all)
			}
			if state, err := os.ReadFile(filepath.Join(ws.dir, "terraform.tfstate")); err != nil || strings.Contains(string(state), secret) {
				t.Errorf("the state holds the secret, or could not be read (%v)", err)
			}
			if got := strings.Contains(planText(t, filepath.Join(ws.dir, "saved.tfplan")), secret); got != tc.inPlan {
				t.Errorf("the saved plan file holds the secret: %v, want %v", got, tc.inPlan)
			}
			invokedData := savedActionData(t, showJSON)
			if got := strings.Contains(showJSON, secret); got != tc.inPlan || (invokedData == nil) == tc.inPlan {
				t.Errorf("show -json holds the secret: %v, want %v; the action's data there: %v", got, tc.inPlan, invokedData)
			}
			var received map[string]string
			if out := outputOf(t, url, tok.ID); out == nil || json.Unmarshal([]byte(*out), &received) != nil || !strings.Contains(received["password"], secret) {
				t.Errorf("the token did not receive the secret: %v", out)
			}
		})
	}
}

// savedActionData is the `data` of the one action invocation in a plan's
// `terraform show -json`: nil when Terraform stored null.
func savedActionData(t *testing.T, showJSON string) *string {
	t.Helper()
	var plan struct {
		Invocations []struct {
			Type         string `json:"type"`
			ConfigValues struct {
				Data *string `json:"data"`
			} `json:"config_values"`
		} `json:"action_invocations"`
	}
	if err := json.Unmarshal([]byte(showJSON), &plan); err != nil {
		t.Fatalf("show -json: %v\n%s", err, showJSON)
	}
	if len(plan.Invocations) != 1 || plan.Invocations[0].Type != "triggerdev_complete_waitpoint_token" {
		t.Fatalf("show -json: want one invocation of the action, got %+v", plan.Invocations)
	}
	return plan.Invocations[0].ConfigValues.Data
}

// TestAccCompleteWaitpointTokenAction_ephemeralData: data may come from an
// ephemeral variable (Terraform 1.10 and later: every CLI with actions).
func TestAccCompleteWaitpointTokenAction_ephemeralData(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	actionTestCase(t, resource.TestStep{
		Config: `
variable "endpoint" {
  type      = string
  ephemeral = true
}
` + completeConfig(url, "tenant-1", completion{"ready", byID(tok.ID), `data = jsonencode({ endpoint = var.endpoint })`}),
		ConfigVariables: config.Variables{"endpoint": config.StringVariable("https://ephemeral.example")},
		Check: func(*terraform.State) error {
			checkOutput(t, url, tok.ID, `{"endpoint":"https://ephemeral.example"}`)
			return nil
		},
	})
}

// TestAccCompleteWaitpointTokenAction_settingsFromVariables: id and data
// unknown at validation are checked when the action runs, before any request,
// and invalid data is never shown.
func TestAccCompleteWaitpointTokenAction_settingsFromVariables(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, token, data, want string }{
		{"data not JSON", `id = "waitpoint_a"`, "data = var.value", "Attribute data must be JSON text of any value"},
		{"id with a slash", "id = var.value", "", "Attribute id must be a waitpoint token id"},
		{"id and key", `idempotency_key = "tenant-1"` + "\n    id = var.value", "", "Exactly one of these attributes must be configured: [id,idempotency_key]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, 0)
			value := "not json {secret-7f3a}"
			if tc.data == "" {
				value = "waitpoint_a/../b"
			}
			actionTestCase(t, resource.TestStep{
				Config:          `variable "value" { type = string }` + completeConfig(url, "tenant-1", completion{"ready", tc.token, tc.data}),
				ConfigVariables: config.Variables{"value": config.StringVariable(value)},
				ExpectError:     regexp.MustCompile(`(?s)` + wrappedText(tc.want).String() + `.*\z`),
			})
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("the mock saw %d requests: a bad setting must be refused before any", n)
			}
		})
	}
}
