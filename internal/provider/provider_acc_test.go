package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const tokenBlock = `
data "triggerdev_waitpoint_token" "test" {
  id = %q
}
`

// TestAccWaitpointTokenDataSource_errors covers the refusals that depend on the
// key, and asserts which of them come before any request; invalid_config_test.go
// has the invalid configurations.
func TestAccWaitpointTokenDataSource_errors(t *testing.T) {
	cases := []struct {
		name     string
		config   func(url, id string) string
		want     *regexp.Regexp
		requests int
	}{
		{"wrong key", func(url, id string) string {
			return fmt.Sprintf("provider \"triggerdev\" {\n api_url = %q\n api_key = \"tr_dev_wrong\"\n}\n"+tokenBlock, url, id)
		}, wrappedText(`Trigger.dev refused the API key`), 1},
		{"missing key", func(url, id string) string {
			return fmt.Sprintf("provider \"triggerdev\" {\n api_url = %q\n}\n"+tokenBlock, url, id)
		}, regexp.MustCompile(`(?s)api_key.*TRIGGER_SECRET_KEY`), 0},
		{"key unknown at plan time", func(url, id string) string {
			return fmt.Sprintf(`
resource "terraform_data" "key" {
  input = %q
}
provider "triggerdev" {
  api_url = %q
  api_key = terraform_data.key.output
}
`+tokenBlock, testAPIKey, url, id)
		}, wrappedText(`Unknown provider configuration value`), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TRIGGER_SECRET_KEY", "")
			t.Setenv("TRIGGER_API_URL", "")
			mock, url := startMock(t, 0)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config(url, tok.ID), ExpectError: tc.want}},
			})
			if n := len(mock.Requests()); n != tc.requests {
				t.Fatalf("the mock saw %d requests, want %d", n, tc.requests)
			}
		})
	}
}

// TestAccWaitpointTokenDataSource_notFound: an id the environment does not
// have, answered as the real service does (500) and as the spec says (404):
// either way the error names the id and the likely cause, once.
func TestAccWaitpointTokenDataSource_notFound(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		want   *regexp.Regexp
	}{
		{"the spec's 404", 404, regexp.MustCompile(`(?s)Waitpoint token not found.*No waitpoint token "waitpoint_doesnotexist" exists in\s+the\s+environment\s+of\s+the\s+API\s+key.*HTTP\s+404:\s+Waitpoint\s+not\s+found.*another\s+environment`)},
		{"the real service's 500", 500, regexp.MustCompile(`(?s)Waitpoint token not found, or Trigger.dev failing.*HTTP\s+500:\s+Internal\s+Server\s+Error.*"waitpoint_doesnotexist".*no\s+such\s+token\s+exists.*another\s+environment`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, 0, func(o *mockapi.Options) { o.UnknownIDStatus = tc.status })
			config := fmt.Sprintf("provider \"triggerdev\" {\n api_url = %q\n api_key = %q\n max_retries = 0\n}\n", url, testAPIKey) +
				fmt.Sprintf(tokenBlock, "waitpoint_doesnotexist")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config, ExpectError: tc.want}},
			})
			if n := len(mock.Requests()); n != 1 {
				t.Fatalf("the mock saw %d requests, want 1", n)
			}
		})
	}
}

// TestAccProvider_environment: the block beats the environment, which beats
// the default. Each case checks the mock's requests itself, after its own
// resource.Test, so that nothing is counted when TF_ACC is unset and the cases skip.
func TestAccProvider_environment(t *testing.T) {
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	read := []statecheck.StateCheck{attrCheck("status", knownvalue.StringExact("WAITING"))}
	t.Run("environment only", func(t *testing.T) {
		t.Setenv("TRIGGER_SECRET_KEY", testAPIKey)
		t.Setenv("TRIGGER_API_URL", url)
		before := len(mock.Requests())
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: fmt.Sprintf(tokenBlock, tok.ID), ConfigStateChecks: read}},
		})
		checkTokenReads(t, mock, before)
	})
	t.Run("block beats environment", func(t *testing.T) {
		t.Setenv("TRIGGER_SECRET_KEY", "tr_dev_wrong")
		t.Setenv("TRIGGER_API_URL", "http://127.0.0.1:1")
		before := len(mock.Requests())
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: tokenConfig(url, tok.ID, ""), ConfigStateChecks: read}},
		})
		checkTokenReads(t, mock, before)
	})
}

// checkTokenReads asserts that the mock saw requests after the first `before`,
// and that every one of them read a token.
func checkTokenReads(t *testing.T, mock *mockapi.Server, before int) {
	t.Helper()
	requests := mock.Requests()[before:]
	if len(requests) == 0 {
		t.Fatal("the mock saw no request")
	}
	for _, r := range requests {
		if !strings.HasPrefix(r.Path, "/api/v1/waitpoints/tokens/") {
			t.Fatalf("unexpected request %s %s", r.Method, r.Path)
		}
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
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	mock.InjectFault(mockapi.Fault{Status: 503})
	t.Setenv("TRIGGER_SECRET_KEY", testAPIKey)
	t.Setenv("TRIGGER_API_URL", url)
	callback := mock.CallbackURL(url, tok.ID)
	hash := callback[strings.LastIndex(callback, "/")+1:]
	go func() {
		time.Sleep(time.Second)
		_ = mock.Complete(tok.ID, []byte(`{"approved":true}`))
	}()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            fmt.Sprintf("data \"triggerdev_waitpoint_token\" \"test\" {\n id = %q\n wait = { interval = \"200ms\" }\n}\n", tok.ID),
			ConfigStateChecks: []statecheck.StateCheck{attrCheck("status", knownvalue.StringExact("COMPLETED"))},
		}},
	})
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"waiting for waitpoint token", "retrying Trigger.dev API request", "[TRACE]"} {
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
	t.Setenv("TF_APPEND_USER_AGENT", "  ci-pipeline/7 ")
	if got, want := userAgent("1.2.3", "1.11.4"), "terraform-provider-triggerdev/1.2.3 Terraform/1.11.4 ci-pipeline/7"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
