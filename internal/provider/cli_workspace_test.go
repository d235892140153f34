package provider

import (
	"archive/zip"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
)

// The CLI of the run, driven directly for what the test harness does not
// drive (`apply -invoke`, saved plan files, interrupts), and the checks of
// what that CLI has (actions, ephemeral resources, OpenTofu).

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

// skipWithoutActions skips on OpenTofu and on Terraform before 1.14.
func skipWithoutActions(t *testing.T, ws *cliWorkspace) {
	t.Helper()
	if ws.openTofu || ws.version.LessThan(version.Must(version.NewVersion("1.14.0"))) {
		t.Skipf("%s %s has no actions", ws.cli, ws.version)
	}
}
