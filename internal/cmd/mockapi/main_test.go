package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const key = "tr_dev_command_test_key"

// syncBuffer is a bytes.Buffer the server's goroutines may write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serve runs the command with args until the test calls the returned stop,
// which returns the exit status and what it logged.
func serve(t *testing.T, args ...string) (base string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stdoutWriter := io.Pipe()
	var stderr syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, append([]string{"-listen", "127.0.0.1:0", "-api-key", key}, args...), stdoutWriter, &stderr)
		_ = stdoutWriter.Close()
	}()
	ready, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(ready, "ready: http://127.0.0.1:") {
		t.Fatalf("first line %q, %v; log: %s", ready, err, stderr.String())
	}
	return strings.TrimSpace(strings.TrimPrefix(ready, "ready: ")), func() (int, string) {
		cancel() // as SIGINT does
		select {
		case code := <-exit:
			return code, stderr.String()
		case <-time.After(10 * time.Second):
			t.Fatal("the server did not stop")
			return 0, ""
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestRun(t *testing.T) {
	base, stop := serve(t, "-tokens", "12")
	if status, body := get(t, base+"/api/v1/waitpoints/tokens?page[size]=100"); status != http.StatusOK || strings.Count(body, `"id":"waitpoint_`) != 12 {
		t.Fatalf("got %d %s", status, body)
	}
	code, log := stop()
	if code != 0 {
		t.Fatalf("exit status %d", code)
	}
	if !strings.Contains(log, "GET /api/v1/waitpoints/tokens 200") || strings.Contains(log, key) {
		t.Fatalf("the request log must have one line per request and no key:\n%s", log)
	}
}

// TestRun_fixtures: -fixtures serves exactly the file's tokens.
func TestRun_fixtures(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens.json")
	fixtures := `[{"id":"waitpoint_approval1","status":"COMPLETED","completedAt":"2026-11-23T16:00:12.266Z",
		"output":"{\"json\":{\"approved\":true}}","outputType":"application/super+json","tags":["deploy:prod"]},
		{"id":"waitpoint_pending1"}]`
	if err := os.WriteFile(file, []byte(fixtures), 0o600); err != nil {
		t.Fatal(err)
	}
	base, stop := serve(t, "-fixtures", file, "-tokens", "40")
	defer stop()
	_, list := get(t, base+"/api/v1/waitpoints/tokens")
	if strings.Count(list, `"id":"waitpoint_`) != 2 || strings.Index(list, "waitpoint_approval1") > strings.Index(list, "waitpoint_pending1") {
		t.Fatalf("list: %s", list)
	}
	if status, body := get(t, base+"/api/v1/waitpoints/tokens/waitpoint_approval1"); status != http.StatusOK ||
		!strings.Contains(body, `"completedAt":"2026-11-23T16:00:12.266Z"`) || !strings.Contains(body, `"url":"`+base+`/api/v1/waitpoints/tokens/waitpoint_approval1/callback/`) {
		t.Fatalf("retrieve: %d %s", status, body)
	}
}

// TestRun_refusals: bad flags and malformed fixtures exit 2 with a message
// naming what is wrong, before serving anything.
func TestRun_refusals(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"missing key", []string{"-tokens", "3"}, []string{"-api-key is required"}},
		{"unknown-id status", []string{"-api-key", key, "-unknown-id-status", "418"}, []string{"-unknown-id-status must be 500 or 404, got 418"}},
		{"fixtures not found", []string{"-api-key", key, "-fixtures", filepath.Join(dir, "absent.json")}, []string{"absent.json", "no such file"}},
		{"fixtures not an array", []string{"-api-key", key, "-fixtures", write("object.json", `{"id":"waitpoint_a"}`)}, []string{"object.json", "not a JSON array"}},
		{"fixture with a bad status", []string{"-api-key", key, "-fixtures", write("status.json", `[{}, {"id":"waitpoint_b","status":"DONE"}]`)},
			[]string{"status.json", "entry 1 (waitpoint_b)", `status "DONE"`}},
		{"fixture with a misspelt key", []string{"-api-key", key, "-fixtures", write("typo.json", `[{"staus":"WAITING"}]`)},
			[]string{"typo.json", "entry 0", `unknown field "staus"`}},
		{"fault that does nothing", []string{"-api-key", key, "-fault", `{}`}, []string{`invalid value "{}" for flag -fault`, "the fault does nothing"}},
		{"fault with a bad duration", []string{"-api-key", key, "-fault", `{"latency":"2"}`}, []string{"-fault", `latency must be a positive Go duration such as "2s", got "2"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stderr syncBuffer
			code := run(context.Background(), tc.args, io.Discard, &stderr)
			for _, want := range tc.want {
				if code != 2 || !strings.Contains(stderr.String(), want) {
					t.Fatalf("exit %d, want 2 with %q in: %s", code, want, stderr.String())
				}
			}
		})
	}
}
