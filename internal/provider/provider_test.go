package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// testAPIKey is the key every test mock accepts.
const testAPIKey = "tr_dev_test_secret_key_0123456789"

// TestMain gives the CLI a configuration file of the tests' own, so no user
// setting (or a missing file) changes what the tests see, and for acceptance
// tests searches their trace logs for secrets (secrets_test.go).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "triggerdev-test")
	if err != nil {
		panic(err)
	}
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

// testAccProtoV6ProviderFactories serve the provider in-process to the real CLI.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"triggerdev": providerserver.NewProtocol6WithError(New("test")()),
}

// startMock starts a mock API on loopback for one test, seeded with tokens
// tokens, and returns it with its base URL. opts may tune it further.
func startMock(t *testing.T, tokens int, opts ...func(*mockapi.Options)) (*mockapi.Server, string) {
	t.Helper()
	o := mockapi.Options{APIKey: testAPIKey, Tokens: tokens, Seed: 1}
	for _, f := range opts {
		f(&o)
	}
	mock := mockapi.New(o)
	registerMock(mock)
	srv := httptest.NewServer(mock)
	t.Cleanup(srv.Close)
	return mock, srv.URL
}

// providerBlock configures the provider against a mock.
func providerBlock(apiURL string) string {
	return fmt.Sprintf(`
provider "triggerdev" {
  api_url = %q
  api_key = %q
}
`, apiURL, testAPIKey)
}

// wrappedText matches text in a CLI error, which wraps lines at any space.
func wrappedText(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}
