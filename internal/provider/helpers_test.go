package provider

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
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
// configurations and checks they use, and the CLI driven directly.

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

// requireEphemeral skips an acceptance test where the CLI of the run has no
// ephemeral resources, and without TF_ACC.
func requireEphemeral(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	cli := cmp.Or(os.Getenv("TF_ACC_TERRAFORM_PATH"), "terraform")
	skipWithoutEphemeral(t, os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org", cliVersion(t, cli))
}

// skipWithoutEphemeral skips where the CLI has no ephemeral resources:
// Terraform before 1.10, OpenTofu before 1.11, each judged by its own numbers.
func skipWithoutEphemeral(t *testing.T, openTofu bool, v *version.Version) {
	t.Helper()
	least := version.Must(version.NewVersion("1.10.0"))
	if openTofu {
		least = version.Must(version.NewVersion("1.11.0"))
	}
	if v.LessThan(least) {
		t.Skipf("this CLI (%s) has no ephemeral resources", v)
	}
}

// skipOnOpenTofu skips a test that OpenTofu cannot run. The harness's version
// checks read only the CLI's version number, which says nothing of OpenTofu's
// features; OpenTofu runs need TF_ACC_PROVIDER_HOST set to its registry.
func skipOnOpenTofu(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		t.Skip(why)
	}
}

func readFileString(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// planText is every file of a saved plan (a zip archive), uncompressed.
func planText(t *testing.T, name string) string {
	t.Helper()
	archive, err := zip.OpenReader(name)
	if err != nil {
		t.Fatalf("the saved plan: %v", err)
	}
	defer func() { _ = archive.Close() }()
	var all strings.Builder
	for _, f := range archive.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(&all, r)
		_ = r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return all.String()
}

// cliWorkspace runs the acceptance tests' CLI itself, for what the test harness
// does not drive (`apply -invoke`, saved plan files): the provider is built and
// served through dev_overrides in a CLI configuration of the test's own.
type cliWorkspace struct {
	t        *testing.T
	cli, dir string
	version  *version.Version
	openTofu bool
	env      []string
	runs     int
}

func newCLIWorkspace(t *testing.T) *cliWorkspace {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no terraform on PATH")
		}
	}
	ws := &cliWorkspace{t: t, cli: cli, dir: t.TempDir(), openTofu: os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org"}
	ws.version = cliVersion(t, cli)
	bin, err := providerBinary()
	if err != nil {
		t.Fatal(err)
	}
	host := "registry.terraform.io"
	if ws.openTofu {
		host = "registry.opentofu.org"
	}
	cliConfig := filepath.Join(ws.dir, ".cli.tfrc")
	writeFile(t, cliConfig, fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		host+"/triggerdev-terraform/triggerdev", bin))
	ws.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig)
	return ws
}

// providerBinary builds the provider once per test process, for every
// workspace: the folder dev_overrides names.
var providerBinary = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(testDir, "bin")
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-triggerdev"), "../..").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return bin, nil
})

// writeConfig writes main.tf: config, with the provider's source declared.
func (ws *cliWorkspace) writeConfig(config string) {
	writeFile(ws.t, filepath.Join(ws.dir, "main.tf"),
		"terraform {\n  required_providers {\n    triggerdev = { source = \"triggerdev-terraform/triggerdev\" }\n  }\n}\n"+config)
}

// run runs the CLI in the workspace, its trace log kept where the secrets scan
// reads the harness's logs.
func (ws *cliWorkspace) run(args ...string) (string, error) {
	ws.runs++
	cmd := exec.Command(ws.cli, append(args, "-no-color")...)
	cmd.Dir = ws.dir
	cmd.Env = ws.env
	if mask := os.Getenv("TF_LOG_PATH_MASK"); mask != "" {
		cmd.Env = append(cmd.Env, "TF_LOG_PATH="+strings.ReplaceAll(mask, "%s", fmt.Sprintf("%s-%d", strings.ReplaceAll(ws.t.Name(), "/", "_"), ws.runs)))
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// cliVersion is the version the CLI reports of itself (Terraform's or OpenTofu's).
func cliVersion(t *testing.T, cli string) *version.Version {
	t.Helper()
	out, err := exec.Command(cli, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v", cli, err)
	}
	return version.Must(version.NewVersion(v.Version))
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// copyExample copies examples/dir's Terraform files into the workspace.
func (ws *cliWorkspace) copyExample(dir string) {
	ws.t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", dir, "*.tf"))
	if err != nil || len(files) == 0 {
		ws.t.Fatalf("no example in %s", dir)
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			ws.t.Fatal(err)
		}
		writeFile(ws.t, filepath.Join(ws.dir, filepath.Base(f)), string(text))
	}
}

// stateInstances maps each managed resource instance of the workspace's state,
// by its address as `terraform state list` prints it, to its attributes; none
// without a state.
func (ws *cliWorkspace) stateInstances() map[string]map[string]any {
	ws.t.Helper()
	data, err := os.ReadFile(filepath.Join(ws.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		ws.t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Mode, Type, Name string
			Instances        []struct {
				IndexKey   any `json:"index_key"`
				Attributes map[string]any
			}
		}
	}
	if err := json.Unmarshal(data, &state); err != nil {
		ws.t.Fatalf("reading the state: %v", err)
	}
	instances := map[string]map[string]any{}
	for _, r := range state.Resources {
		if r.Mode != "managed" {
			continue
		}
		for _, inst := range r.Instances {
			address := r.Type + "." + r.Name
			switch key := inst.IndexKey.(type) {
			case string:
				address += fmt.Sprintf("[%q]", key)
			case float64:
				address += fmt.Sprintf("[%d]", int(key))
			}
			instances[address] = inst.Attributes
		}
	}
	return instances
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
