package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const importPath = "github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/cmd/mockapi"

// TestInstall builds the command both ways the README gives: from a clone
// (`go install ./internal/cmd/mockapi` at its root), and by its import path
// from outside this module, as `go install …/internal/cmd/mockapi@VERSION`
// does for a user who never clones the repository: a module of its own
// requires this one (replaced by this checkout, so no network is needed).
// Each installs into a GOBIN of its own; the binary then starts and says
// where it serves.
func TestInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command: not in -short")
	}
	goTool, err := exec.LookPath("go") // go test puts its own first on PATH
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, target string
		dir          func(t *testing.T) string
	}{
		{"from a clone", "./internal/cmd/mockapi", func(*testing.T) string { return root }},
		{"by import path from another module", importPath, func(t *testing.T) string { return userModule(t, root) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gobin := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			install := exec.CommandContext(ctx, goTool, "install", tc.target)
			install.Dir = tc.dir(t)
			install.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=-mod=mod", "GOWORK=off")
			if out, err := install.CombinedOutput(); err != nil {
				t.Fatalf("go install %s in %s: %v\n%s", tc.target, install.Dir, err, out)
			}
			startInstalled(ctx, t, gobin)
		})
	}
}

// userModule is a module of a user's own that requires this one, replaced by
// the checkout at root.
func userModule(t *testing.T, root string) string {
	user := t.TempDir()
	goMod := "module example.com/gates\n\ngo 1.26\n\nrequire github.com/triggerdev-terraform/terraform-provider-triggerdev v0.0.0\n\n" +
		"replace github.com/triggerdev-terraform/terraform-provider-triggerdev => " + root + "\n"
	if err := os.WriteFile(filepath.Join(user, "go.mod"), []byte(goMod), 0o600); err != nil {
		t.Fatal(err)
	}
	// The checkout's sums cover its dependencies: with them and a module
	// cache that holds them (this test's own build filled it) no network is needed.
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(user, "go.sum"), sums, 0o600); err != nil {
		t.Fatal(err)
	}
	return user
}

// startInstalled starts the mockapi binary in gobin and checks its first line.
func startInstalled(ctx context.Context, t *testing.T, gobin string) {
	binary := filepath.Join(gobin, "mockapi")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	mock := exec.CommandContext(ctx, binary, "-listen", "127.0.0.1:0", "-api-key", key)
	stdout, err := mock.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.Start(); err != nil {
		t.Fatalf("the installed binary: %v", err)
	}
	defer func() {
		_ = mock.Process.Kill()
		_ = mock.Wait()
	}()
	ready, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(ready, "ready: http://127.0.0.1:") {
		t.Fatalf("the installed binary's first line: %q, %v", ready, err)
	}
}
