package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// Helpers every test file shares: the mock, the provider under test, the
// configurations and checks they use. The CLI driven directly, and the
// checks of which CLI runs, are in cli_workspace_test.go.

// hangBound is the one time bound of a test: long enough for a slow, busy
// machine, there only to stop a hang. Speed belongs in benchmarks.
const hangBound = 5 * time.Minute

// whenPolled runs act once the mock has answered a read of token id: an
// approver acting while the provider waits, ordered by what the mock saw,
// whatever the machine's speed.
func whenPolled(t *testing.T, mock requestWatcher, id string, act func() error) {
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool {
		return slices.ContainsFunc(rs, func(r mockapi.Request) bool { return strings.HasSuffix(r.Path, "/"+id) })
	})
	if err == nil {
		err = act()
	}
	if err != nil {
		t.Errorf("acting on %s once polled: %v", id, err)
	}
}

// requestWatcher is a mock, or a target (target_test.go): what saw the requests.
type requestWatcher interface {
	WaitForRequests(ctx context.Context, done func([]mockapi.Request) bool) error
}

// tokenMaker is a mock, or a target: what makes and completes tokens.
type tokenMaker interface {
	CreateToken(spec mockapi.TokenSpec) mockapi.Token
	Complete(id string, data []byte) error
}

// unlimited lifts the mock's rate limit, which a benchmark's loop would reach.
func unlimited(o *mockapi.Options) { o.RateLimit = mockapi.NoRateLimit }

// testAPIKey is the key every test mock accepts.
const testAPIKey = "tr_dev_test_secret_key_0123456789"

// testAccProtoV6ProviderFactories serve the provider in-process to the real
// CLI, with an empty environment: no test depends on the developer's.
var testAccProtoV6ProviderFactories = factoriesWithEnv(nil)

// factoriesWithEnv serve providers whose whole environment is vars, so that a
// test of the environment changes nothing of the process's and runs in parallel.
func factoriesWithEnv(vars map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){"triggerdev": newServer("test", envOf(vars))}
}

func envOf(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// startMock starts a mock API on loopback for one test, seeded with tokens
// tokens, and returns it with its base URL. opts may tune it further. In the
// real-service mode an acceptance test skips here: it needs the mock
// (needsMock, called first, says for what); startTarget serves both modes.
func startMock(t testing.TB, tokens int, opts ...func(*mockapi.Options)) (*mockapi.Server, string) {
	t.Helper()
	if strings.HasPrefix(t.Name(), "TestAcc") {
		needsMock(t, "own server (startMock)")
	}
	o := mockapi.Options{APIKey: testAPIKey, Tokens: tokens, Seed: 1}
	for _, f := range opts {
		f(&o)
	}
	mock, url := mockapi.Start(t, o)
	registerMock(mock)
	return mock, url
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

func tokenConfig(apiURL, id, extra string) string {
	return providerBlock(apiURL) + fmt.Sprintf(`
data "triggerdev_waitpoint_token" "test" {
  id = %q
  %s
}
`, id, extra)
}

func attrCheck(name string, v knownvalue.Check) statecheck.StateCheck {
	return attrCheckAt(tokenAddress, name, v)
}

func attrCheckAt(address, name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(name), v)
}

// tokenBlocks reads each id in a data source of its own, named by its key:
// one run of the CLI checks them all.
func tokenBlocks(apiURL string, ids map[string]string) string {
	config := providerBlock(apiURL)
	for _, name := range slices.Sorted(maps.Keys(ids)) {
		config += fmt.Sprintf("data \"triggerdev_waitpoint_token\" %q {\n  id = %q\n}\n", name, ids[name])
	}
	return config
}

func timeCheck(t *time.Time) knownvalue.Check {
	if t == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(t.UTC().Format("2006-01-02T15:04:05.000Z")) // the service's precision
}

func firstToken(t testing.TB, mock *mockapi.Server, keep func(mockapi.Token) bool) mockapi.Token {
	t.Helper()
	for _, tok := range mock.Tokens() {
		if keep(tok) {
			return tok
		}
	}
	t.Fatal("the mock seeded no such token")
	return mockapi.Token{}
}

// checkTokenReads asserts that the mock saw requests after the first `before`,
// and that every one of them read a token.
func checkTokenReads(t *testing.T, mock interface{ Requests() []mockapi.Request }, before int) {
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

// configuredServer is the provider's protocol server configured against url.
func configuredServer(t testing.TB, url string) *protocolServer {
	t.Helper()
	server, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	config := objectConfig(t, schemas.Provider.ValueType().(tftypes.Object), map[string]tftypes.Value{
		"api_key": tftypes.NewValue(tftypes.String, testAPIKey), "api_url": tftypes.NewValue(tftypes.String, url),
	})
	resp, err := server.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: config})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", resp.Diagnostics, err)
	}
	return server.(*protocolServer)
}

// tokensProtocolConfig is the list data source's configuration: set holds the
// given attributes, every other is null.
func tokensProtocolConfig(t testing.TB, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	return objectConfig(t, tokensStateShape().typ, set)
}

// objectConfig is a configuration of type typ: set holds the given attributes,
// every other is null.
func objectConfig(t testing.TB, typ tftypes.Object, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	maps.Copy(values, set)
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &config
}

func readFileString(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runExample runs one directory of examples/ against the mock at url, with the
// provider configured from the environment as the examples advise (each test's
// provider has an environment of its own, so examples run in parallel).
func runExample(t *testing.T, dir, url string, vars config.Variables, step resource.TestStep) {
	t.Helper()
	factories := factoriesWithEnv(map[string]string{envAPIURL: url, envAPIKey: testAPIKey})
	step.ConfigDirectory = config.StaticDirectory(exampleDir(t, dir))
	step.ConfigVariables = vars
	step.ProtoV6ProviderFactories = factories
	// An empty last step destroys what the example made: the harness cannot read
	// back a state holding for_each instances.
	steps := []resource.TestStep{step}
	if step.ExpectError == nil {
		steps = append(steps, resource.TestStep{Config: "# nothing", ProtoV6ProviderFactories: factories})
	}
	resource.Test(t, resource.TestCase{Steps: steps})
}

// registrySource is how the examples name the provider.
const registrySource = `source = "triggerdev-terraform/triggerdev"`

// exampleDir is the example's directory, or a copy of it naming the provider
// by the address the harness serves it at (hashicorp/triggerdev, as in every
// other test): the harness reads that namespace from the process's
// environment, which parallel tests must not change. Only the source string
// differs; scripts/demo.sh and the CLI-driven tests use the registry address.
func exampleDir(t *testing.T, dir string) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", dir)
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example in %s", dir)
	}
	copied := t.TempDir()
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		served := strings.ReplaceAll(string(text), registrySource, `source = "hashicorp/triggerdev"`)
		if err := os.WriteFile(filepath.Join(copied, filepath.Base(f)), []byte(served), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return copied
}

// approvedToken is a token completed with an approval, as a person would.
func approvedToken(t *testing.T, mock tokenMaker, approved bool) string {
	t.Helper()
	tok := mock.CreateToken(mockapi.TokenSpec{Tags: []string{"approval"}})
	body := `{"approved":false,"by":"bob"}`
	if approved {
		body = `{"approved":true,"by":"alice"}`
	}
	if err := mock.Complete(tok.ID, []byte(body)); err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

func idVariable(id string) config.Variables {
	return config.Variables{"approval_token_id": config.StringVariable(id)}
}
