package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// testDir holds what the tests of this process share: the CLI configuration,
// trace logs, the provider binary the CLI-driven tests serve.
var testDir string

// TestMain gives the CLI a configuration file of the tests' own, so no user
// setting (or a missing file) changes what the tests see, and for acceptance
// tests searches their trace logs for secrets (secrets_test.go).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "triggerdev-test")
	if err != nil {
		panic(err)
	}
	testDir = dir
	if err := os.Mkdir(filepath.Join(dir, "logs"), 0o700); err != nil {
		panic(err)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		panic(err)
	}
	if err := os.Setenv("TF_CLI_CONFIG_FILE", cliConfig); err != nil {
		panic(err)
	}
	traceDir := filepath.Join(dir, "logs")
	tracing := os.Getenv("TF_ACC") != "" && startTraceLogs(traceDir)
	code := m.Run()
	if tracing && code == 0 {
		if err := scanTraceLogs(traceDir); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			code = 1
		}
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// TestAccProvider_environment: the block beats the environment, which beats
// the default. Each case checks the mock's requests itself, after its own
// resource.Test, so that nothing is counted when TF_ACC is unset and the cases skip.
func TestAccProvider_environment(t *testing.T) {
	t.Parallel()
	read := []statecheck.StateCheck{attrCheck("status", knownvalue.StringExact("WAITING"))}
	for name, tc := range map[string]struct {
		env    func(url string) map[string]string
		config func(url, id string) string
	}{
		"environment only": {
			env:    func(url string) map[string]string { return map[string]string{envAPIKey: testAPIKey, envAPIURL: url} },
			config: func(_, id string) string { return fmt.Sprintf(tokenBlock, id) },
		},
		"block beats environment": {
			env: func(string) map[string]string {
				return map[string]string{envAPIKey: "tr_dev_wrong", envAPIURL: "http://127.0.0.1:1"}
			},
			config: func(url, id string) string { return tokenConfig(url, id, "") },
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factoriesWithEnv(tc.env(url)),
				Steps:                    []resource.TestStep{{Config: tc.config(url, tok.ID), ConfigStateChecks: read}},
			})
			checkTokenReads(t, mock, 0)
		})
	}
}

// TestAccProvider_secretsNeverLogged runs a read with a retry and a wait at
// TF_LOG=trace and searches the whole log for the key and the callback hash. The
// key comes from the environment: the test harness logs the configuration itself.
func TestAccProvider_secretsNeverLogged(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "trace")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG_PATH_MASK", "") // TestMain's per-test files would take precedence
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	logged := []string{"waiting for waitpoint token", "[TRACE]"}
	if mock.mock != nil { // a retry needs a fault: the service's run has none
		mock.mock.InjectFault(mockapi.Fault{Status: 503})
		logged = append(logged, "retrying Trigger.dev API request")
	}
	callback := mock.CallbackURL(url, tok.ID)
	hash := callback[strings.LastIndex(callback, "/")+1:]
	go whenPolled(t, mock, tok.ID, func() error { return mock.Complete(tok.ID, []byte(`{"approved":true}`)) })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWithEnv(map[string]string{envAPIKey: testAPIKey, envAPIURL: url}),
		Steps: []resource.TestStep{{
			Config:            fmt.Sprintf("data \"triggerdev_waitpoint_token\" \"test\" {\n id = %q\n wait = { interval = \"1s\" }\n}\n", tok.ID),
			ConfigStateChecks: []statecheck.StateCheck{attrCheck("status", knownvalue.StringExact("COMPLETED"))},
		}},
	})
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range logged {
		if !strings.Contains(string(log), want) {
			t.Fatalf("the trace log lacks %q: the test would prove nothing", want)
		}
	}
	for name, secret := range map[string]string{"API key": testAPIKey, "callback hash": hash} {
		if strings.Contains(string(log), secret) {
			t.Errorf("the %s appears in the trace log", name)
		}
	}
}

// TestProvider_checkAPIURL: the key over plain http to a host that is not
// loopback is worth a warning, not an error.
func TestProvider_checkAPIURL(t *testing.T) {
	cases := []struct {
		url           string
		errs, warning bool
	}{
		{url: "https://api.trigger.dev"},
		{url: "http://127.0.0.1:8080"},
		{url: "http://localhost:3030"},
		{url: "http://[::1]:3030"},
		{url: "http://trigger.internal.example", warning: true},
		{url: "trigger.example", errs: true},
		{url: "", errs: true},
		{url: "https://api.trigger.dev/?region=eu", errs: true},
		{url: "https://api.trigger.dev/#top", errs: true},
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			diags := checkAPIURL(tc.url)
			if diags.HasError() != tc.errs || (diags.WarningsCount() > 0) != tc.warning {
				t.Fatalf("got %v", diags)
			}
		})
	}
}

func TestProvider_userAgent(t *testing.T) {
	if got, want := userAgent("1.2.3", "1.11.4", envOf(map[string]string{envAppendUserAgent: "  ci-pipeline/7 "})), "terraform-provider-triggerdev/1.2.3 Terraform/1.11.4 ci-pipeline/7"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// keyThroughState is the key of TestAccProvider_unknownAtPlan's mocks. It
// travels through a terraform_data resource, which the CLI's trace log shows
// as any state value: a path of the test's making, which no user key takes,
// so the trace scan does not look for this key.
const keyThroughState = "tr_dev_unknown_at_plan_0123456789"

// unknownKeyConfig configures the provider with a key known only at apply,
// and reads through reads.
func unknownKeyConfig(url, tokenID, reads string) string {
	return fmt.Sprintf(`
resource "terraform_data" "key" {
  input = %q
}

resource "terraform_data" "token_id" {
  input = %q
}

provider "triggerdev" {
  api_url = %q
  api_key = terraform_data.key.output
}
`, keyThroughState, tokenID, url) + reads
}

// TestAccProvider_unknownAtPlan: a key unknown at plan time fails only a read
// that really happens at plan time; readers that run at apply anyway (a data
// source or an ephemeral resource with an unknown id) plan and then read.
func TestAccProvider_unknownAtPlan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, reads string
		want        *regexp.Regexp
	}{
		{"data source read at apply", `
data "triggerdev_waitpoint_token" "approval" {
  id = terraform_data.token_id.output
}

output "status" {
  value = data.triggerdev_waitpoint_token.approval.status
}
`, nil},
		{"ephemeral resource opened at apply", `
ephemeral "triggerdev_waitpoint_token" "approval" {
  id = terraform_data.token_id.output
}

resource "terraform_data" "uses_it" {
  input = "x"
  provisioner "local-exec" {
    command     = "test -n \"$STATUS\""
    environment = { STATUS = ephemeral.triggerdev_waitpoint_token.approval.status }
  }
}
`, nil},
		{"data source read at plan", `
data "triggerdev_waitpoint_token" "approval" {
  id = "waitpoint_known_at_plan"
}
`, wrappedText("The provider cannot read Trigger.dev while api_key is unknown at plan time")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if strings.HasPrefix(tc.reads, "\nephemeral") {
				requireEphemeral(t)
			}
			mock, url := startTarget(t, func(o *mockapi.Options) { o.APIKey = keyThroughState })
			tok := mock.CreateToken(mockapi.TokenSpec{})
			step := resource.TestStep{Config: unknownKeyConfig(url, tok.ID, tc.reads), ExpectError: tc.want}
			if tc.want == nil && strings.Contains(tc.reads, "output \"status\"") {
				step.ConfigStateChecks = []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("status", knownvalue.StringExact("WAITING"))}
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
			if tc.want != nil && len(mock.Requests()) != 0 {
				t.Fatalf("the mock saw %d requests while the key was unknown", len(mock.Requests()))
			}
			if tc.want == nil && len(mock.Requests()) == 0 {
				t.Fatal("nothing read the token at apply")
			}
		})
	}
}

func TestProvider_environmentLikeConfiguration(t *testing.T) {
	cases := []struct {
		name   string
		config providerModel
		env    map[string]string
		want   string // the error's words; empty: none
	}{
		{"a key from the environment ending in a newline", providerModel{}, map[string]string{envAPIKey: testAPIKey + "\n"},
			"The TRIGGER_SECRET_KEY environment variable must be a Trigger.dev secret key, without whitespace: a key read from a file may end in a newline (use trimspace())."},
		{"the block's key wins over a bad environment", providerModel{APIKey: types.StringValue(testAPIKey)}, map[string]string{envAPIKey: "bad key\n"}, ""},
		{"an empty api_url", providerModel{APIURL: types.StringValue("")}, map[string]string{envAPIKey: testAPIKey},
			"api_url is empty. Leave it out for the default"},
		{"an empty api_key, though the environment has one", providerModel{APIKey: types.StringValue("")}, map[string]string{envAPIKey: testAPIKey},
			"api_key is empty. Leave it out to read the TRIGGER_SECRET_KEY environment variable"},
		{"an empty TRIGGER_API_URL means the default", providerModel{}, map[string]string{envAPIKey: testAPIKey, envAPIURL: ""}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := clientConfig(tc.config, "test", "1.11.4", envOf(tc.env))
			switch {
			case tc.want == "" && diags.HasError():
				t.Fatalf("got %v, want no error", diags)
			case tc.want != "" && (diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Detail(), tc.want)):
				t.Fatalf("got %v, want one error containing %q", diags, tc.want)
			case tc.want != "" && strings.Contains(diags.Errors()[0].Detail(), testAPIKey):
				t.Fatalf("the error shows the key: %v", diags)
			}
		})
	}
}
