package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

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

func TestRun(t *testing.T) {
	const key = "tr_dev_command_test_key"
	ctx, stop := context.WithCancel(context.Background())
	stdout, stdoutWriter := io.Pipe()
	var stderr syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, []string{"-listen", "127.0.0.1:0", "-api-key", key, "-tokens", "12"}, stdoutWriter, &stderr)
		_ = stdoutWriter.Close()
	}()

	ready, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(ready, "ready: http://127.0.0.1:") {
		t.Fatalf("first line %q, %v", ready, err)
	}
	base := strings.TrimSpace(strings.TrimPrefix(ready, "ready: "))
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/waitpoints/tokens?page[size]=100", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.Count(string(body), `"id":"waitpoint_`) != 12 {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}

	stop() // as SIGINT does
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit status %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
	log := stderr.String()
	if !strings.Contains(log, "GET /api/v1/waitpoints/tokens 200") || strings.Contains(log, key) {
		t.Fatalf("the request log must have one line per request and no key:\n%s", log)
	}
}

func TestRunRefusesMissingKey(t *testing.T) {
	var stderr syncBuffer
	if code := run(context.Background(), []string{"-tokens", "3"}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "-api-key is required") {
		t.Fatalf("exit %d, %s", code, stderr.String())
	}
}
