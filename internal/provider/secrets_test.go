package provider

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// The acceptance tests run at TF_LOG=trace, one log file per test, and TestMain
// then searches every file for the API key and for the callback hash of every
// token any test's mock held: a secret in any log line, diagnostic or plan the
// CLI or the provider wrote fails the suite.

var (
	mocksMu sync.Mutex
	mocks   []*mockapi.Server
	// testSecrets are the tests' own secrets (completion data), by what they are.
	testSecrets = map[string]string{}
)

// registerSecret adds a test's own secret, such as completion data, to the scan.
func registerSecret(secret, name string) {
	mocksMu.Lock()
	defer mocksMu.Unlock()
	testSecrets[secret] = name
}

// registerMock remembers a mock whose callback hashes the scan looks for.
func registerMock(m *mockapi.Server) {
	mocksMu.Lock()
	defer mocksMu.Unlock()
	mocks = append(mocks, m)
}

// startTraceLogs points the CLI's, the harness's and the provider's logs at
// dir, one file per test, at trace level. It returns false, changing nothing,
// when the caller chose its own logging.
func startTraceLogs(dir string) bool {
	for _, name := range []string{"TF_LOG", "TF_LOG_PATH_MASK", "TF_ACC_LOG_PATH", "TF_ACC_LOG"} {
		if os.Getenv(name) != "" {
			return false
		}
	}
	for name, value := range map[string]string{"TF_LOG": "trace", "TF_ACC_LOG": "trace", "TF_LOG_PATH_MASK": filepath.Join(dir, "%s.log")} {
		if err := os.Setenv(name, value); err != nil {
			panic(err)
		}
	}
	return true
}

// scanTraceLogs searches every log in dir for the secrets, and reports what it
// covered.
func scanTraceLogs(dir string) error {
	found := secretSet{}
	found.add(testAPIKey, "the API key")
	mocksMu.Lock()
	for secret, name := range testSecrets {
		found.add(secret, name)
	}
	for _, m := range mocks {
		for _, tok := range m.Tokens() {
			callback := m.CallbackURL("", tok.ID)
			found.add(callback[strings.LastIndex(callback, "/")+1:], "the callback hash of "+tok.ID)
		}
	}
	mocksMu.Unlock()
	files, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return err
	}
	var lines, bytes int
	for _, file := range files {
		n, size, err := scanFile(file, found)
		if err != nil {
			return err
		}
		lines, bytes = lines+n, bytes+size
	}
	if len(files) == 0 || lines == 0 {
		return fmt.Errorf("trace scan: no log lines written to %s: the scan would prove nothing", dir)
	}
	fmt.Printf("trace scan: %d log files, %d lines, %d MB, searched for %d secrets: none found\n", len(files), lines, bytes>>20, found.len())
	return nil
}

const harnessConfigEntry = "sdk.helper_resource: Setting Terraform configuration:"

func scanFile(file string, secrets secretSet) (lines, size int, err error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = f.Close() }()
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 64<<20)
	inConfig := false
	for scanner.Scan() {
		line := scanner.Text()
		lines++
		size += len(line) + 1
		// The harness echoes the configuration the test wrote (with its key),
		// as one entry continued on indented lines: the test's input, not
		// anything the CLI or the provider logged.
		if strings.Contains(line, harnessConfigEntry) {
			inConfig = true
			continue
		}
		if inConfig && strings.HasPrefix(line, "  ") {
			continue
		}
		inConfig = false
		if name, found := secrets.find(line); found {
			return lines, size, fmt.Errorf("trace scan: %s appears in %s line %d", name, filepath.Base(file), lines)
		}
	}
	return lines, size, scanner.Err()
}

// secretSet finds any of thousands of secrets in a line in one pass per
// secret length (two: the key's and the callback hashes'), not one per secret.
type secretSet map[int]map[string]string

func (s secretSet) add(secret, name string) {
	if s[len(secret)] == nil {
		s[len(secret)] = map[string]string{}
	}
	s[len(secret)][secret] = name
}

func (s secretSet) len() int {
	n := 0
	for _, byLength := range s {
		n += len(byLength)
	}
	return n
}

func (s secretSet) find(line string) (string, bool) {
	for length, secrets := range s {
		for i := 0; i+length <= len(line); i++ {
			if name, ok := secrets[line[i:i+length]]; ok {
				return name, true
			}
		}
	}
	return "", false
}

// TestProvider_secretAttributesAreSensitive: the key, and every attribute that
// holds a callback URL, in every data source the provider has or gains, are
// sensitive, so the CLI never shows them in a plan.
func TestProvider_secretAttributesAreSensitive(t *testing.T) {
	schemas, err := providerserver.NewProtocol6(New("test")())().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	secret := map[string]bool{"api_key": true, "url": true, "urls": true}
	blocks := map[string]*tfprotov6.Schema{"provider": schemas.Provider}
	for name, s := range schemas.DataSourceSchemas {
		blocks[name] = s
	}
	for name, s := range schemas.EphemeralResourceSchemas {
		blocks[name] = s
	}
	found := 0
	for block, s := range blocks {
		for _, a := range s.Block.Attributes {
			if secret[a.Name] {
				found++
				if !a.Sensitive {
					t.Errorf("%s.%s is not sensitive", block, a.Name)
				}
			}
		}
	}
	if found < 3 {
		t.Fatalf("found %d secret attributes, want api_key, url and urls at least", found)
	}
}

// TestScanFile: the scan finds each kind of secret anywhere in a line, and
// skips only the harness's echo of the test's own configuration.
func TestScanFile(t *testing.T) {
	secrets := secretSet{}
	secrets.add(testAPIKey, "the API key")
	secrets.add("0123456789abcdef0123456789abcdef01234567", "the callback hash of waitpoint_a")
	cases := []struct{ name, log, want string }{
		{"clean", "a line\nanother line with 0123456789abcdef\n", ""},
		{"hash mid-line", "x\nPOST /callback/0123456789abcdef0123456789abcdef01234567?y=1\n", "the callback hash of waitpoint_a appears in scan.log line 2"},
		{"key at the end", "Authorization: Bearer " + testAPIKey, "the API key appears in scan.log line 1"},
		{"the harness's config echo", harnessConfigEntry + "\n  api_key = \"" + testAPIKey + "\"\nafter\n", ""},
		{"after the echo", harnessConfigEntry + "\n  ok\n" + testAPIKey + "\n", "the API key appears in scan.log line 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "scan.log")
			if err := os.WriteFile(file, []byte(tc.log), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := scanFile(file, secrets)
			if got := fmt.Sprint(err); tc.want == "" && err != nil || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
