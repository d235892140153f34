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

// TestRun_faults: each -fault queues a fault for the API's first requests,
// in the flags' order, and with -control POST /_mock/faults queues more; the
// log line shows what the client got (0: the connection was dropped).
func TestRun_faults(t *testing.T) {
	base, stop := serve(t, "-control", "-tokens", "1",
		"-fault", `{"status":502,"count":2}`, "-fault", `{"body":"not json","status":200}`)
	const list = "/api/v1/waitpoints/tokens"
	for i, want := range []struct {
		status int
		body   string
	}{{502, `"error":"Bad Gateway"`}, {502, `"error":"Bad Gateway"`}, {200, "not json"}, {200, `"data":[{`}} {
		if status, body := call(t, http.MethodGet, base+list, "", "Bearer "+key); status != want.status || !strings.Contains(body, want.body) {
			t.Fatalf("request %d: %d %s, want %d with %s", i, status, body, want.status, want.body)
		}
	}
	if status, body := call(t, http.MethodPost, base+"/_mock/faults", `{"status":503,"header":{"x-should-retry":"false"}}`, "Bearer "+key); status != http.StatusOK {
		t.Fatalf("POST /_mock/faults: %d %s", status, body)
	}
	if status, _ := call(t, http.MethodGet, base+list, "", "Bearer "+key); status != http.StatusServiceUnavailable {
		t.Fatalf("after POST /_mock/faults: %d, want 503", status)
	}
	_, log := stop()
	for _, line := range []string{"GET " + list + " 502 ", "GET " + list + " 503 ", "POST /_mock/faults 200 "} {
		if !strings.Contains(log, line) {
			t.Errorf("stderr lacks %q:\n%s", line, log)
		}
	}
}
