package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// call sends a request with the key (unless header is given) and returns the
// status and body.
func call(t *testing.T, method, url, body, header string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// TestRun_control: -control serves the control API, with the key only; the
// flag is off by default.
func TestRun_control(t *testing.T) {
	const bearer = "Bearer " + key
	off, stopOff := serve(t, "-tokens", "1")
	defer stopOff()
	if status, _ := call(t, http.MethodPost, off+"/_mock/reset", "", bearer); status != http.StatusNotFound {
		t.Fatalf("without -control: %d, want 404", status)
	}

	base, stop := serve(t, "-control", "-tokens", "0")
	defer stop()
	if status, _ := call(t, http.MethodGet, base+"/_mock/requests", "", ""); status != http.StatusUnauthorized {
		t.Fatalf("without the key: %d, want 401", status)
	}
	steps := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{http.MethodPut, "/_mock/tokens", `[{"id":"waitpoint_a"},{"id":"waitpoint_b"}]`, 200, `{"success":true}`},
		{http.MethodPost, "/_mock/tokens/waitpoint_a/complete", `{"data":{"approved":true}}`, 200, `{"success":true}`},
		{http.MethodPost, "/_mock/tokens/waitpoint_b/timeout", ``, 200, `{"success":true}`},
		{http.MethodGet, "/api/v1/waitpoints/tokens/waitpoint_a", ``, 200, `"output":"{\"json\":{\"approved\":true}}"`},
		{http.MethodGet, "/api/v1/waitpoints/tokens/waitpoint_b", ``, 200, `"status":"TIMED_OUT"`},
		{http.MethodGet, "/_mock/requests", ``, 200,
			`[{"method":"GET","path":"/api/v1/waitpoints/tokens/waitpoint_a","status":200},{"method":"GET","path":"/api/v1/waitpoints/tokens/waitpoint_b","status":200}]`},
		{http.MethodPost, "/_mock/reset", ``, 200, `{"success":true}`},
		{http.MethodGet, "/api/v1/waitpoints/tokens", ``, 200, `{"data":[],"pagination":{}}`},
		{http.MethodGet, "/_mock/requests", ``, 200, `[{"method":"GET","path":"/api/v1/waitpoints/tokens","status":200}]`},
	}
	for _, step := range steps {
		status, body := call(t, step.method, base+step.path, step.body, bearer)
		if status != step.status || !strings.Contains(body, step.want) {
			t.Fatalf("%s %s: %d %s, want %d with %s", step.method, step.path, status, body, step.status, step.want)
		}
	}
}
