package mockapi_test

import (
	"cmp"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

func TestCompletion(t *testing.T) {
	bigText := strings.Repeat("x", 600<<10)
	bigObject := `{"report":"` + bigText + `"}`
	cases := []struct {
		name, route, body string
		outputType        string
		output            *string // nil: no output
		stored            string  // the object's name in storage, for application/store
	}{
		{name: "callback with an object", route: "callback", body: `{"approved":true}`, outputType: "application/super+json", output: ptr(`{"json":{"approved":true}}`)},
		{name: "callback with a string", route: "callback", body: `"ship it"`, outputType: "text/plain", output: ptr(`ship it`)},
		{name: "callback without a body", route: "callback", body: ``, outputType: "application/super+json", output: ptr(`{"json":{}}`)},
		{name: "callback with invalid JSON", route: "callback", body: `{"a":`, outputType: "application/super+json", output: ptr(`{"json":{}}`)},
		{name: "complete with data", route: "complete", body: `{"data":{"by":"alice"}}`, outputType: "application/super+json", output: ptr(`{"json":{"by":"alice"}}`)},
		{name: "complete with a string", route: "complete", body: `{"data":"ok"}`, outputType: "text/plain", output: ptr(`ok`)},
		{name: "complete with null", route: "complete", body: `{"data":null}`, outputType: "application/super+json", output: ptr(`{"json":null}`)},
		{name: "complete without data", route: "complete", body: `{}`, outputType: "application/json"},
		{name: "a callback object over 512 KB goes to storage", route: "callback", body: bigObject, outputType: "application/super+json",
			output: ptr(`{"json":` + bigObject + `}`), stored: "http-callback.json"},
		{name: "a callback string over 512 KB goes to storage as text", route: "callback", body: `"` + bigText + `"`, outputType: "text/plain",
			output: &bigText, stored: "http-callback.txt"},
		{name: "completed text over 512 KB goes to storage as text", route: "complete", body: `{"data":"` + bigText + `"}`, outputType: "text/plain",
			output: &bigText, stored: "token.txt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			tok := f.mock.CreateToken(mockapi.TokenSpec{})
			target, withKey := f.mock.CallbackURL(f.url, tok.ID), false
			if tc.route == "complete" {
				target, withKey = "/api/v1/waitpoints/tokens/"+tok.ID+"/complete", true
			}
			if r := f.call(http.MethodPost, target, tc.body, withKey); r.status != http.StatusOK || r.body["success"] != true {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
			got := f.get("/api/v1/waitpoints/tokens/" + tok.ID).body
			wantType := tc.outputType
			if tc.stored != "" {
				wantType = "application/store"
			}
			if got["status"] != "COMPLETED" || got["outputType"] != wantType || got["completedAt"] == nil {
				t.Fatalf("after completion: %v", got)
			}
			switch {
			case tc.stored != "":
				checkStored(t, f, got["output"], tok.ID+"/"+tc.stored, tc.outputType, *tc.output)
			case tc.output == nil:
				if _, ok := got["output"]; ok {
					t.Fatalf("output must be omitted: %v", got["output"])
				}
			case got["output"] != *tc.output:
				t.Fatalf("output %q, want %q", got["output"], *tc.output)
			}
			// Completing again is a no-op success.
			if r := f.call(http.MethodPost, f.mock.CallbackURL(f.url, tok.ID), `{"again":true}`, false); r.status != http.StatusOK {
				t.Fatalf("second completion: %d", r.status)
			}
			if again, _ := f.mock.Token(tok.ID); again.OutputType != wantType {
				t.Fatal("a second completion changed the output")
			}
		})
	}
}

// checkStored follows a stored output as the SDK does: the packets route gives
// a presigned URL, valid for 300 s, that serves the data with its type.
func checkStored(t *testing.T, f *fixture, output any, wantPath, wantType, wantData string) {
	t.Helper()
	if output != wantPath {
		t.Fatalf("store path %v, want %s", output, wantPath)
	}
	packet := f.get("/api/v1/packets/" + strings.ReplaceAll(wantPath, "/", "%2F"))
	presigned, _ := packet.body["presignedUrl"].(string)
	data := f.call(http.MethodGet, presigned, "", false)
	if data.status != http.StatusOK || string(data.raw) != wantData || data.header.Get("Content-Type") != wantType {
		t.Fatalf("presigned GET: %d, %d bytes, %s", data.status, len(data.raw), data.header.Get("Content-Type"))
	}
	if r := f.call(http.MethodGet, strings.Split(presigned, "?")[0], "", false); r.status != http.StatusForbidden {
		t.Fatalf("an unsigned storage GET answered %d", r.status)
	}
	f.now = f.now.Add(299 * time.Second)
	if r := f.call(http.MethodGet, presigned, "", false); r.status != http.StatusOK {
		t.Fatalf("the presigned URL expired early: %d", r.status)
	}
	f.now = f.now.Add(time.Second)
	if r := f.call(http.MethodGet, presigned, "", false); r.status != http.StatusForbidden || r.body["error"] != "Request has expired" {
		t.Fatalf("a presigned URL 300 s old answered %d %s", r.status, r.raw)
	}
}

func TestCompletionRefusals(t *testing.T) {
	tokensPath := "/api/v1/waitpoints/tokens/"
	cases := []struct {
		name, method, target, body string
		withKey, chunked           bool
		status                     int
		error                      string
	}{
		{name: "wrong callback hash", target: "{id}/callback/0000", body: `{}`, status: http.StatusUnauthorized, error: "Invalid URL, hash doesn't match"},
		{name: "callback of an unknown token", target: "waitpoint_nope/callback/0000", body: `{}`, status: http.StatusNotFound, error: "Waitpoint not found"},
		{name: "callback GET: the route has no loader", method: http.MethodGet, target: "{callback}", status: http.StatusBadRequest},
		{name: "callback PUT", method: http.MethodPut, target: "{callback}", body: `{}`, status: http.StatusMethodNotAllowed, error: "Method not allowed"},
		{name: "callback without Content-Length", target: "{callback}", body: `{}`, chunked: true, status: http.StatusLengthRequired},
		{name: "callback payload over 3 MB", target: "{callback}", body: `"` + strings.Repeat("x", 3<<20) + `"`, status: http.StatusRequestEntityTooLarge},
		{name: "complete without the key", target: "{id}/complete", body: `{}`, status: http.StatusUnauthorized},
		{name: "complete with an empty body", target: "{id}/complete", body: ``, withKey: true, status: http.StatusBadRequest},
		{name: "complete with invalid JSON", target: "{id}/complete", body: `{"data":`, withKey: true, status: http.StatusBadRequest},
		{name: "complete of an unknown token", target: "waitpoint_nope/complete", body: `{}`, withKey: true, status: http.StatusNotFound, error: "Waitpoint not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			tok := f.mock.CreateToken(mockapi.TokenSpec{})
			target := strings.NewReplacer("{callback}", f.mock.CallbackURL(f.url, tok.ID), "{id}", tokensPath+tok.ID).Replace(tc.target)
			if !strings.HasPrefix(target, "http") && !strings.HasPrefix(target, "/") {
				target = tokensPath + target
			}
			method := cmp.Or(tc.method, http.MethodPost)
			var r response
			if tc.chunked {
				r = f.send(method, target, io.MultiReader(strings.NewReader(tc.body)), tc.withKey)
			} else {
				r = f.call(method, target, tc.body, tc.withKey)
			}
			if r.status != tc.status || tc.error != "" && r.body["error"] != tc.error {
				t.Fatalf("got %d %s, want %d %q", r.status, r.raw, tc.status, tc.error)
			}
			if got, _ := f.mock.Token(tok.ID); got.Status != "WAITING" {
				t.Fatal("a refused completion changed the token")
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	f := newFixture(t, 0)
	tok := f.mock.CreateToken(mockapi.TokenSpec{Timeout: time.Hour})
	if got := f.get("/api/v1/waitpoints/tokens/" + tok.ID).body; got["status"] != "WAITING" || got["outputIsError"] != false {
		t.Fatalf("before the timeout: %v", got)
	}
	f.now = f.now.Add(time.Hour)
	got := f.get("/api/v1/waitpoints/tokens/" + tok.ID).body
	wantOutput := `{"code":"TRIGGER_WAITPOINT_TIMEOUT","message":"Waitpoint timed out at 2026-01-05T11:00:00.000Z"}`
	if got["status"] != "TIMED_OUT" || got["outputIsError"] != true || got["outputType"] != "application/json" ||
		got["output"] != wantOutput || got["completedAt"] != "2026-01-05T11:00:00.000Z" {
		t.Fatalf("after the timeout: %v", got)
	}
	// A timed-out token is stored as completed with an error: completing it is a no-op.
	for _, route := range []struct{ target, body string }{
		{f.mock.CallbackURL(f.url, tok.ID), `{}`},
		{"/api/v1/waitpoints/tokens/" + tok.ID + "/complete", `{"data":{"late":true}}`},
	} {
		if r := f.call(http.MethodPost, route.target, route.body, true); r.status != http.StatusOK || r.body["success"] != true {
			t.Fatalf("completing a timed-out token answered %d %s", r.status, r.raw)
		}
	}
	if again := f.get("/api/v1/waitpoints/tokens/" + tok.ID).body; again["status"] != "TIMED_OUT" || again["output"] != wantOutput {
		t.Fatalf("completing a timed-out token changed it: %v", again)
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, 3, func(o *mockapi.Options) {
		o.RateLimit = &mockapi.RateLimit{Burst: 2, Refill: 1, Period: 10 * time.Second}
	})
	wantReset := strconv.FormatInt(f.now.Add(10*time.Second).UnixMilli(), 10)
	for i, want := range []struct {
		status    int
		remaining string
	}{{200, "1"}, {200, "0"}, {429, "0"}} {
		r := f.get("/api/v1/waitpoints/tokens")
		if r.status != want.status || r.header.Get("x-ratelimit-remaining") != want.remaining ||
			r.header.Get("x-ratelimit-limit") != "2" || r.header.Get("x-ratelimit-reset") != wantReset {
			t.Fatalf("request %d: %d remaining %s reset %s", i, r.status, r.header.Get("x-ratelimit-remaining"), r.header.Get("x-ratelimit-reset"))
		}
		if r.status == 429 {
			if r.header.Get("Content-Type") != "application/problem+json; charset=utf-8" {
				t.Fatalf("a 429 is problem+json: %s", r.header.Get("Content-Type"))
			}
			detail := "Rate limit exceeded 0/2 requests remaining. Retry in 10 seconds."
			for k, v := range map[string]any{"title": "Rate Limit Exceeded", "status": 429.0, "error": detail, "detail": detail,
				"type":  "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/429",
				"reset": float64(f.now.Add(10 * time.Second).UnixMilli()), "limit": 2.0, "remaining": -1.0, "secondsUntilReset": 10.0} {
				if r.body[k] != v {
					t.Errorf("429 body %s = %v, want %v", k, r.body[k], v)
				}
			}
			if detail, _ := r.body["detail"].(string); !strings.Contains(detail, "10 seconds") {
				t.Errorf("429 detail %q", detail)
			}
		}
	}
	f.now = f.now.Add(10 * time.Second)
	if r := f.get("/api/v1/waitpoints/tokens"); r.status != 200 {
		t.Fatalf("after the reset: %d", r.status)
	}
}

func TestFaults(t *testing.T) {
	cases := []struct {
		name  string
		fault mockapi.Fault
		check func(t *testing.T, r response)
	}{
		{"status", mockapi.Fault{Status: 503, Count: 2}, func(t *testing.T, r response) {
			if r.status != 503 || r.body["error"] == nil {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
		}},
		{"rate limit reset", mockapi.Fault{RateLimitReset: 3 * time.Second}, func(t *testing.T, r response) {
			if r.status != 429 || r.header.Get("x-ratelimit-reset") != strconv.FormatInt(time.Date(2026, 1, 5, 10, 0, 3, 0, time.UTC).UnixMilli(), 10) {
				t.Fatalf("got %d reset %s", r.status, r.header.Get("x-ratelimit-reset"))
			}
		}},
		{"malformed body", mockapi.Fault{Body: `{"data":[`}, func(t *testing.T, r response) {
			if r.status != 200 || string(r.raw) != `{"data":[` {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
		}},
		{"HTML error page", mockapi.Fault{Status: 502, Body: "<html><body>Bad gateway</body></html>", ContentType: "text/html"}, func(t *testing.T, r response) {
			if r.status != 502 || r.header.Get("Content-Type") != "text/html" || !strings.HasPrefix(string(r.raw), "<html>") {
				t.Fatalf("got %d %v %s", r.status, r.header, r.raw)
			}
		}},
		{"truncated body", mockapi.Fault{Truncate: true}, func(t *testing.T, r response) {
			if r.status != 200 || r.body != nil || len(r.raw) == 0 {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
		}},
		{"extra header", mockapi.Fault{Status: 500, Header: http.Header{"X-Should-Retry": {"false"}}}, func(t *testing.T, r response) {
			if r.status != 500 || r.header.Get("x-should-retry") != "false" {
				t.Fatalf("got %d %v", r.status, r.header)
			}
		}},
		{"latency", mockapi.Fault{Latency: 150 * time.Millisecond}, func(t *testing.T, r response) {
			if r.status != 200 {
				t.Fatalf("got %d", r.status)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 3)
			f.mock.InjectFault(tc.fault)
			start := time.Now()
			for range max(tc.fault.Count, 1) {
				tc.check(t, f.get("/api/v1/waitpoints/tokens"))
			}
			if tc.fault.Latency > 0 && time.Since(start) < tc.fault.Latency {
				t.Fatalf("answered after %s, before the latency", time.Since(start))
			}
			if r := f.get("/api/v1/waitpoints/tokens"); r.status != 200 || r.body["data"] == nil {
				t.Fatalf("the fault outlived its count: %d %s", r.status, r.raw)
			}
			if n := len(f.mock.Requests()); n != max(tc.fault.Count, 1)+1 {
				t.Fatalf("%d requests recorded", n)
			}
		})
	}
}

// TestFaults_reset: a reset fault drops the connection without an answer.
func TestFaults_reset(t *testing.T) {
	f := newFixture(t, 1)
	f.mock.InjectFault(mockapi.Fault{Reset: true})
	resp, err := http.Get(f.url + "/api/v1/waitpoints/tokens")
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
	}
	if r := f.get("/api/v1/waitpoints/tokens"); r.status != 200 {
		t.Fatalf("after the reset: %d", r.status)
	}
	if got := f.mock.Requests(); len(got) != 2 || got[0].Status != 0 {
		t.Fatalf("recorded %+v, want the reset with status 0", got)
	}
}

func ptr(s string) *string { return &s }

// TestRateLimit_routes: the callback URL, the packets route and object storage
// are not rate-limited and send no rate-limit headers; the API routes are.
func TestRateLimit_routes(t *testing.T) {
	_, url := mockapi.Start(t, mockapi.Options{APIKey: "tr_dev_k", RateLimit: &mockapi.RateLimit{Burst: 1, Refill: 1, Period: time.Hour}})
	get := func(path string) (int, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, url+path, nil)
		req.Header.Set("Authorization", "Bearer tr_dev_k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	get("/api/v1/waitpoints/tokens") // spends the bucket
	for path, limited := range map[string]bool{
		"/api/v1/waitpoints/tokens":                true,
		"/api/v1/packets/waitpoint_a%2Ftoken.json": false,
		"/storage/waitpoint_a%2Ftoken.json":        false,
	} {
		status, header := get(path)
		if (status == http.StatusTooManyRequests) != limited || (header.Get("x-ratelimit-limit") != "") != limited {
			t.Errorf("%s: status %d, x-ratelimit-limit %q; rate-limited should be %v", path, status, header.Get("x-ratelimit-limit"), limited)
		}
	}
}

// TestRateLimit_perHeader: the service's limiter keys a bucket on the
// environment for its secret key, and on the header's value for anything
// else, so a wrong key empties its own bucket, never the environment's.
func TestRateLimit_perHeader(t *testing.T) {
	f := newFixture(t, 1, func(o *mockapi.Options) {
		o.RateLimit = &mockapi.RateLimit{Burst: 2, Refill: 1, Period: 10 * time.Second}
	})
	wrong := func() response {
		req, _ := http.NewRequest(http.MethodGet, f.url+"/api/v1/waitpoints/tokens", nil)
		req.Header.Set("Authorization", "Bearer tr_dev_wrong")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return response{status: res.StatusCode, header: res.Header}
	}
	for i, want := range []int{401, 401, 429} {
		if r := wrong(); r.status != want {
			t.Fatalf("wrong key, request %d: %d, want %d", i, r.status, want)
		}
	}
	if r := f.get("/api/v1/waitpoints/tokens"); r.status != 200 || r.header.Get("x-ratelimit-remaining") != "1" {
		t.Fatalf("the secret key after a wrong key's 429: %d remaining %s, want 200 with 1", r.status, r.header.Get("x-ratelimit-remaining"))
	}
}
