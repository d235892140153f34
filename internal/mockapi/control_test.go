package mockapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

func withControl(o *mockapi.Options) { o.Control = true }

// TestControl_offByDefault: without Options.Control the control paths are
// unknown routes.
func TestControl_offByDefault(t *testing.T) {
	f := newFixture(t, 3)
	for _, c := range controlCalls(f.mock.Tokens()[0].ID) {
		if r := f.call(c.method, c.path, c.body, true); r.status != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", c.method, c.path, r.status)
		}
	}
	if got, _ := f.mock.Token(f.mock.Tokens()[0].ID); got.Status != "WAITING" {
		t.Fatal("a control call worked while the control API is off")
	}
}

// TestControl_needsTheKey: every control endpoint refuses a request without
// the mock's key, or with another.
func TestControl_needsTheKey(t *testing.T) {
	f := newFixture(t, 3, withControl)
	id := f.mock.Tokens()[0].ID
	for _, c := range controlCalls(id) {
		for _, header := range []string{"", "Bearer tr_dev_other", key} {
			req, _ := http.NewRequest(c.method, f.url+c.path, nil)
			if header != "" {
				req.Header.Set("Authorization", header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: %d, want 401", c.method, c.path, header, resp.StatusCode)
			}
		}
	}
	if got, _ := f.mock.Token(id); got.Status != "WAITING" || len(f.mock.Tokens()) != 3 {
		t.Fatal("a refused control call changed the tokens")
	}
}

type controlCall struct{ method, path, body string }

func controlCalls(id string) []controlCall {
	return []controlCall{
		{http.MethodPost, "/_mock/tokens/" + id + "/complete", `{"data":1}`},
		{http.MethodPost, "/_mock/tokens/" + id + "/timeout", ``},
		{http.MethodPut, "/_mock/tokens", `[]`},
		{http.MethodPost, "/_mock/faults", `{"status":500}`},
		{http.MethodPost, "/_mock/reset", ``},
		{http.MethodGet, "/_mock/requests", ``},
	}
}

// TestControl: each endpoint does what it says, is not rate-limited, not
// faulted and not logged.
func TestControl(t *testing.T) {
	f := newFixture(t, 0, withControl, func(o *mockapi.Options) {
		o.RateLimit = &mockapi.RateLimit{Burst: 1, Refill: 1, Period: time.Hour}
		o.Fixtures = []mockapi.Fixture{{ID: "waitpoint_a"}, {ID: "waitpoint_b"}}
	})
	f.get(createPath) // empties the bucket: the API would answer 429 from here on
	f.mock.InjectFault(mockapi.Fault{Status: http.StatusInternalServerError, Count: 100})

	if r := f.call(http.MethodPost, "/_mock/tokens/waitpoint_a/complete", `{"data":{"approved":true,"approved":false}}`, true); r.status != http.StatusOK || r.body["success"] != true {
		t.Fatalf("complete: %d %s", r.status, r.raw)
	}
	if got, _ := f.mock.Token("waitpoint_a"); got.Status != "COMPLETED" || deref(got.Output) != `{"json":{"approved":false}}` {
		t.Fatalf("after complete: %+v", got)
	}
	if r := f.call(http.MethodPost, "/_mock/tokens/waitpoint_a/complete", `[]`, true); r.status != http.StatusBadRequest {
		t.Fatalf("complete with an array: %d, want the service's 400", r.status)
	}

	if r := f.call(http.MethodPost, "/_mock/tokens/waitpoint_b/timeout", ``, true); r.status != http.StatusOK {
		t.Fatalf("timeout: %d %s", r.status, r.raw)
	}
	got, _ := f.mock.Token("waitpoint_b")
	wantOutput := `{"code":"TRIGGER_WAITPOINT_TIMEOUT","message":"Waitpoint timed out at 2026-01-05T10:00:00.000Z"}`
	if got.Status != "TIMED_OUT" || !got.OutputIsError || deref(got.Output) != wantOutput || got.TimeoutAt == nil || !got.TimeoutAt.Equal(f.now) {
		t.Fatalf("after timeout: %+v", got)
	}
	for id, status := range map[string]int{"waitpoint_b": http.StatusConflict, "waitpoint_none": http.StatusNotFound} {
		if r := f.call(http.MethodPost, "/_mock/tokens/"+id+"/timeout", ``, true); r.status != status {
			t.Fatalf("timeout of %s: %d, want %d", id, r.status, status)
		}
	}

	if r := f.call(http.MethodPut, "/_mock/tokens", `[{"id":"waitpoint_c","status":"COMPLETED","output":"ok","outputType":"text/plain"}]`, true); r.status != http.StatusOK {
		t.Fatalf("replace: %d %s", r.status, r.raw)
	}
	if tokens := f.mock.Tokens(); len(tokens) != 1 || tokens[0].ID != "waitpoint_c" || deref(tokens[0].Output) != "ok" {
		t.Fatalf("after replace: %+v", tokens)
	}
	if r := f.call(http.MethodPut, "/_mock/tokens", `[{"status":"DONE"}]`, true); r.status != http.StatusBadRequest || r.body["error"] != `entry 0: status "DONE" is not WAITING, COMPLETED or TIMED_OUT` {
		t.Fatalf("replace with a bad document: %d %s", r.status, r.raw)
	}

	logged := controlRequests(t, f)
	if len(logged) != 1 || logged[0].Method != http.MethodGet || logged[0].Path != createPath || logged[0].Status != http.StatusOK {
		t.Fatalf("request log %+v, want only the one API request", logged)
	}

	if r := f.call(http.MethodPost, "/_mock/reset", ``, true); r.status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.status, r.raw)
	}
	tokens := f.mock.Tokens()
	if len(tokens) != 2 || tokens[0].ID != "waitpoint_a" || tokens[0].Status != "WAITING" || tokens[1].Status != "WAITING" {
		t.Fatalf("after reset: %+v", tokens)
	}
	if logged := controlRequests(t, f); len(logged) != 0 {
		t.Fatalf("the request log after reset: %+v", logged)
	}
	if r := f.get(createPath); r.status != http.StatusOK {
		t.Fatalf("after reset the API answers %d; the bucket and the faults should be as at the start", r.status)
	}
}

// TestControl_resetSeeded: reset restores the seeded tokens exactly.
func TestControl_resetSeeded(t *testing.T) {
	f := newFixture(t, 20, withControl)
	before := tokensJSON(t, f.mock)
	f.now = f.now.Add(time.Minute)
	f.mock.CreateToken(mockapi.TokenSpec{})
	if err := f.mock.Complete(f.mock.Tokens()[3].ID, []byte(`1`)); err != nil {
		t.Fatal(err)
	}
	f.call(http.MethodPost, "/_mock/reset", ``, true)
	if after := tokensJSON(t, f.mock); after != before {
		t.Fatalf("reset gave other tokens:\n%s\nwant\n%s", after, before)
	}
}

// TestControl_resetNeverReusesIDs: a token created after a reset gets an id
// no earlier token had, as on the service, whose ids are never reused; the
// seeded tokens come back with theirs.
func TestControl_resetNeverReusesIDs(t *testing.T) {
	f := newFixture(t, 2, withControl)
	seen := map[string]bool{}
	for range 3 {
		id := str(f.call(http.MethodPost, createPath, `{}`, true).body["id"])
		if seen[id] || id == "" {
			t.Fatalf("create after a reset answered %q, an id seen before (%v)", id, seen)
		}
		seen[id] = true
		f.call(http.MethodPost, "/_mock/reset", ``, true)
	}
}

func tokensJSON(t *testing.T, mock *mockapi.Server) string {
	t.Helper()
	b, err := json.Marshal(mock.Tokens())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type loggedRequest struct {
	Method, Path string
	Status       int
}

func controlRequests(t *testing.T, f *fixture) []loggedRequest {
	t.Helper()
	r := f.call(http.MethodGet, "/_mock/requests", "", true)
	var out []loggedRequest
	if err := json.Unmarshal(r.raw, &out); r.status != http.StatusOK || err != nil {
		t.Fatalf("requests: %d %v %s", r.status, err, r.raw)
	}
	return out
}

// TestControl_faults: POST /_mock/faults queues a fault for the API's next
// requests, in order behind those queued; a bad one is a 400 naming what is
// wrong; reset clears the queue.
func TestControl_faults(t *testing.T) {
	f := newFixture(t, 1, withControl)
	for _, fault := range []string{`{"status":502,"count":2}`, `{"body":"<html>down</html>","contentType":"text/html","status":503}`} {
		if r := f.call(http.MethodPost, "/_mock/faults", fault, true); r.status != http.StatusOK || r.body["success"] != true {
			t.Fatalf("queue %s: %d %s", fault, r.status, r.raw)
		}
	}
	for i, want := range []int{502, 502, 503, 200} {
		if r := f.get(createPath); r.status != want {
			t.Fatalf("request %d: %d %s, want %d", i, r.status, r.raw, want)
		}
	}
	if r := f.call(http.MethodPost, "/_mock/faults", `{"status":42}`, true); r.status != http.StatusBadRequest || r.body["error"] != "status must be an HTTP status from 200 to 599, got 42" {
		t.Fatalf("a bad fault: %d %s", r.status, r.raw)
	}
	f.call(http.MethodPost, "/_mock/faults", `{"status":500,"count":5}`, true)
	f.call(http.MethodPost, "/_mock/reset", ``, true)
	if r := f.get(createPath); r.status != http.StatusOK {
		t.Fatalf("after reset: %d, want 200: reset clears queued faults", r.status)
	}
}
