package mockapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

var runID = regexp.MustCompile(`^run_[0-9a-v]{24}01$`)

// withTasks scripts tasks for a fixture's mock.
func withTasks(tasks map[string]mockapi.TaskFixture) func(*mockapi.Options) {
	return func(o *mockapi.Options) { o.Tasks = tasks }
}

// trigger triggers task with body and returns the run's id, failing on any
// answer but 200.
func (f *fixture) trigger(task, body string) (id string, cached bool) {
	f.t.Helper()
	r := f.call(http.MethodPost, "/api/v1/tasks/"+task+"/trigger", body, true)
	if r.status != http.StatusOK {
		f.t.Fatalf("trigger %s: %d %s", task, r.status, r.raw)
	}
	if r.header.Get("x-trigger-jwt") == "" || !strings.Contains(r.header.Get("x-trigger-jwt-claims"), "read:runs:"+str(r.body["id"])) {
		f.t.Fatalf("trigger %s: no public token for the run in the headers %v", task, r.header)
	}
	return str(r.body["id"]), r.body["isCached"] == true
}

// retrieveRun retrieves a run, failing on any answer but 200 or on a null.
func (f *fixture) retrieveRun(id string) map[string]any {
	f.t.Helper()
	r := f.get("/api/v3/runs/" + id)
	if r.status != http.StatusOK {
		f.t.Fatalf("retrieve %s: %d %s", id, r.status, r.raw)
	}
	walkNoNulls(f.t, "run", r.body)
	return r.body
}

func TestRuns_scriptedProgression(t *testing.T) {
	cases := []struct {
		name, task   string
		script       mockapi.TaskFixture
		wantStatuses []string
		check        func(t *testing.T, run map[string]any)
	}{
		{
			name: "completes after two polls", task: "smoke-test",
			script:       mockapi.TaskFixture{Output: json.RawMessage(`{"passed":true,"n":1e2}`), Polls: 2},
			wantStatuses: []string{"QUEUED", "EXECUTING", "COMPLETED"},
			check: func(t *testing.T, run map[string]any) {
				out, _ := json.Marshal(run["output"])
				if string(out) != `{"n":100,"passed":true}` || run["isSuccess"] != true || run["isCompleted"] != true ||
					run["attemptCount"] != 1.0 || run["startedAt"] == nil || run["finishedAt"] == nil || run["error"] != nil {
					t.Errorf("completed run: %v", run)
				}
			},
		},
		{
			name: "fails at once with its error", task: "migrate",
			script:       mockapi.TaskFixture{Outcome: "FAILED", Error: &mockapi.RunError{Message: "relation exists", Name: "Error"}},
			wantStatuses: []string{"FAILED"},
			check: func(t *testing.T, run map[string]any) {
				e, _ := run["error"].(map[string]any)
				if e["message"] != "relation exists" || e["name"] != "Error" || run["isFailed"] != true || run["output"] != nil {
					t.Errorf("failed run: %v", run)
				}
			},
		},
		{
			name: "times out with the service's message", task: "canary",
			script:       mockapi.TaskFixture{Outcome: "TIMED_OUT", Polls: 1},
			wantStatuses: []string{"QUEUED", "TIMED_OUT"},
			check: func(t *testing.T, run map[string]any) {
				e, _ := run["error"].(map[string]any)
				// The service's isCompleted leaves TIMED_OUT and EXPIRED out.
				if !strings.Contains(str(e["message"]), "MAX_DURATION_EXCEEDED") || run["isCompleted"] != false {
					t.Errorf("timed-out run: %v", run)
				}
			},
		},
		{
			name: "completes with a string", task: "greet",
			script:       mockapi.TaskFixture{Output: json.RawMessage(`"hello"`)},
			wantStatuses: []string{"COMPLETED"},
			check: func(t *testing.T, run map[string]any) {
				if run["output"] != "hello" {
					t.Errorf("text output: %v", run["output"])
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0, withTasks(map[string]mockapi.TaskFixture{tc.task: tc.script}))
			id, _ := f.trigger(tc.task, `{"payload":{"env":"prod"}}`)
			if !runID.MatchString(id) {
				t.Fatalf("run id %q", id)
			}
			var statuses []string
			var run map[string]any
			for range tc.wantStatuses {
				run = f.retrieveRun(id)
				statuses = append(statuses, str(run["status"]))
			}
			if !slices.Equal(statuses, tc.wantStatuses) {
				t.Fatalf("statuses %v, want %v", statuses, tc.wantStatuses)
			}
			if again := f.retrieveRun(id); again["status"] != run["status"] {
				t.Fatalf("an ended run changed: %v", again["status"])
			}
			if run["taskIdentifier"] != tc.task || run["payload"].(map[string]any)["env"] != "prod" || run["triggerFunction"] != "trigger" {
				t.Errorf("run %v", run)
			}
			tc.check(t, run)
		})
	}
}

func TestRuns_unscriptedTaskStaysQueued(t *testing.T) {
	f := newFixture(t, 0, withControl)
	id, _ := f.trigger("never-deployed", `{}`)
	for range 3 {
		if run := f.retrieveRun(id); run["status"] != "QUEUED" || run["isQueued"] != true || run["payload"] != nil {
			t.Fatalf("an unscripted run: %v", run)
		}
	}
	if r := f.call(http.MethodPost, "/_mock/runs/"+id+"/complete", `{"output":{"ok":1}}`, true); r.status != http.StatusOK {
		t.Fatalf("control complete: %d %s", r.status, r.raw)
	}
	if run := f.retrieveRun(id); run["status"] != "COMPLETED" || run["output"].(map[string]any)["ok"] != 1.0 {
		t.Fatalf("after the control API completed it: %v", run)
	}
}

// TestRuns_developmentTTL: a trigger without a ttl gets the development
// environment's 10m, after which a run still queued expires; a ttl of 0 is none.
func TestRuns_developmentTTL(t *testing.T) {
	f := newFixture(t, 0)
	queued, _ := f.trigger("never-deployed", `{}`)
	none, _ := f.trigger("never-deployed", `{"options":{"ttl":0}}`)
	if run := f.retrieveRun(queued); run["ttl"] != "10m" || run["status"] != "QUEUED" {
		t.Fatalf("a run triggered without a ttl: %v", run)
	}
	f.now = f.now.Add(10 * time.Minute)
	if run := f.retrieveRun(queued); run["status"] != "EXPIRED" || run["expiredAt"] != "2026-01-05T10:10:00.000Z" {
		t.Fatalf("its 10m passed: %v", run)
	}
	if run := f.retrieveRun(none); run["ttl"] != nil || run["status"] != "QUEUED" {
		t.Fatalf("a run triggered with a ttl of 0: %v", run)
	}
}

// TestRuns_regionAndTaskKind: the retrieve answer names the run's region,
// in a development environment the environment's id (the public token's
// subject); only list items carry taskKind.
func TestRuns_regionAndTaskKind(t *testing.T) {
	f := newFixture(t, 0)
	r := f.call(http.MethodPost, "/api/v1/tasks/t/trigger", `{"options":{"tags":["region"]}}`, true)
	var claims struct{ Sub string }
	if err := json.Unmarshal([]byte(r.header.Get("x-trigger-jwt-claims")), &claims); err != nil || claims.Sub == "" {
		t.Fatalf("the trigger's claims: %q %v", r.header.Get("x-trigger-jwt-claims"), err)
	}
	run := f.retrieveRun(str(r.body["id"]))
	if run["region"] != claims.Sub || run["taskKind"] != nil {
		t.Fatalf("retrieve: region %v (want %s), taskKind %v (want none)", run["region"], claims.Sub, run["taskKind"])
	}
	list := f.get("/api/v1/runs?filter[tag]=region")
	items, _ := list.body["data"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["taskKind"] != "STANDARD" {
		t.Fatalf("list: %s", list.raw)
	}
}

// TestRuns_publicTokens: the trigger's public token reads its run, and only
// it; it cannot cancel or trigger. A scope names an action, a type and an
// id (everything after the second colon), or the type all, or a bare admin.
func TestRuns_publicTokens(t *testing.T) {
	f := newFixture(t, 0)
	r := f.call(http.MethodPost, "/api/v1/tasks/t/trigger", `{"options":{"tags":["env:prod"]}}`, true)
	id, own := str(r.body["id"]), r.header.Get("x-trigger-jwt")
	other, _ := f.trigger("t", `{}`)
	token := func(scopes ...string) string { return f.publicToken(r, scopes, nil) }
	const forbidden = `{"code":"unauthorized","error":"Unauthorized","param":"access_token","type":"authorization"}`
	cases := []struct {
		name, method, path, token string
		status                    int
	}{
		{"its own run", http.MethodGet, "/api/v3/runs/" + id, own, 200},
		{"another run", http.MethodGet, "/api/v3/runs/" + other, own, 403},
		{"an unknown run: 404 first", http.MethodGet, "/api/v3/runs/run_nosuchrun", own, 404},
		{"cancel its run", http.MethodPost, "/api/v2/runs/" + id + "/cancel", own, 403},
		{"trigger", http.MethodPost, "/api/v1/tasks/t/trigger", own, 403},
		{"a tag's scope, with its colon", http.MethodGet, "/api/v3/runs/" + id, token("read:tags:env:prod"), 200},
		{"a task's scope", http.MethodGet, "/api/v3/runs/" + other, token("read:tasks:t"), 200},
		{"read of all runs", http.MethodGet, "/api/v3/runs/" + other, token("read:runs"), 200},
		{"read of all", http.MethodGet, "/api/v3/runs/" + other, token("read:all"), 200},
		{"admin", http.MethodPost, "/api/v2/runs/" + other + "/cancel", token("admin"), 200},
		{"write of the task", http.MethodPost, "/api/v2/runs/" + id + "/cancel", token("write:tasks:t"), 200},
		{"trigger of the task", http.MethodPost, "/api/v1/tasks/t/trigger", token("trigger:tasks:t"), 200},
		{"trigger of another task", http.MethodPost, "/api/v1/tasks/u/trigger", token("trigger:tasks:t"), 403},
		{"no scopes", http.MethodGet, "/api/v3/runs/" + id, token(), 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.withToken(tc.method, tc.path, tc.token)
			if r.status != tc.status || tc.status == 403 && compact(t, r.raw) != forbidden {
				t.Fatalf("%d %s, want %d", r.status, r.raw, tc.status)
			}
		})
	}
}

// TestRuns_publicTokenClaims: a public token passes jose's checks as on the
// service, or is refused as invalid (and spends a bucket of its own, not the
// public token's 60 a minute).
func TestRuns_publicTokenClaims(t *testing.T) {
	f := newFixture(t, 0)
	r := f.call(http.MethodPost, "/api/v1/tasks/t/trigger", `{}`, true)
	cases := []struct {
		name   string
		edit   func(claims map[string]any)
		status int
	}{
		{"as the service signs them", func(map[string]any) {}, 200},
		{"no expiry", func(c map[string]any) { delete(c, "exp") }, 200},
		{"audiences in an array", func(c map[string]any) { c["aud"] = []string{"https://other.example", "https://api.trigger.dev"} }, 200},
		{"expired", func(c map[string]any) { c["exp"] = f.now.Add(-time.Second).Unix() }, 401},
		{"no issuer and audience", func(c map[string]any) { delete(c, "iss"); delete(c, "aud") }, 401},
		{"another audience", func(c map[string]any) { c["aud"] = "https://other.example" }, 401},
		{"another issuer", func(c map[string]any) { c["iss"] = "https://other.example" }, 401},
		{"not valid before an hour", func(c map[string]any) { c["nbf"] = f.now.Add(time.Hour).Unix() }, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := f.withToken(http.MethodGet, "/api/v3/runs/"+str(r.body["id"]), f.publicToken(r, []string{"read:all"}, tc.edit))
			limit := got.header.Get("x-ratelimit-limit")
			if got.status != tc.status || tc.status == 401 && (compact(t, got.raw) != `{"error":"Public Access Token is invalid"}` || limit == "60") || tc.status == 200 && limit != "60" {
				t.Fatalf("%d %s (limit %s), want %d", got.status, got.raw, limit, tc.status)
			}
		})
	}
}

// publicToken is a public token of the environment of the trigger that
// answered r, with scopes, signed as the service signs them (HS256 with the
// secret key) and lasting an hour; edit changes its claims.
func (f *fixture) publicToken(r response, scopes []string, edit func(claims map[string]any)) string {
	var sub struct{ Sub string }
	if err := json.Unmarshal([]byte(r.header.Get("x-trigger-jwt-claims")), &sub); err != nil {
		f.t.Fatal(err)
	}
	claims := map[string]any{"sub": sub.Sub, "pub": true, "scopes": scopes, "iss": "https://id.trigger.dev", "aud": "https://api.trigger.dev", "exp": f.now.Add(time.Hour).Unix()}
	if edit != nil {
		edit(claims)
	}
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(claims)
	signed := enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(signed))
	return signed + "." + enc.EncodeToString(mac.Sum(nil))
}

// withToken sends a request with an empty JSON object and a bearer token.
func (f *fixture) withToken(method, path, bearer string) response {
	f.t.Helper()
	return f.do(method, path, strings.NewReader(`{}`), http.Header{"Authorization": {"Bearer " + bearer}})
}

func TestRuns_control(t *testing.T) {
	cases := []struct {
		name, path, body string
		wantStatus       string
		wantError        string
	}{
		{"complete without output", "complete", ``, "COMPLETED", ""},
		{"complete with null", "complete", `{"output":null}`, "COMPLETED", ""},
		{"fail", "fail", `{"error":{"message":"smoke test failed: 3 of 40"}}`, "FAILED", "smoke test failed: 3 of 40"},
		{"cancel", "cancel", ``, "CANCELED", "Canceled by user"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0, withControl)
			id, _ := f.trigger("deploy-check", `{"payload":1}`)
			if r := f.call(http.MethodPost, "/_mock/runs/"+id+"/"+tc.path, tc.body, true); r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", tc.path, r.status, r.raw)
			}
			r := f.get("/api/v3/runs/" + id) // not retrieveRun: an output of null is sent as null
			e, _ := r.body["error"].(map[string]any)
			if r.body["status"] != tc.wantStatus || str(e["message"]) != tc.wantError ||
				strings.Contains(tc.body, "null") != strings.Contains(string(r.raw), `"output":null`) {
				t.Fatalf("run %s", r.raw)
			}
			if r := f.call(http.MethodPost, "/_mock/runs/"+id+"/"+tc.path, tc.body, true); r.status != http.StatusConflict {
				t.Fatalf("ending an ended run again answered %d %s", r.status, r.raw)
			}
		})
	}
	f := newFixture(t, 0, withControl)
	for _, call := range []struct{ path, body string }{{"/_mock/runs/run_unknown/complete", ``}, {"/_mock/runs/run_unknown/cancel", ``}} {
		if r := f.call(http.MethodPost, call.path, call.body, true); r.status != http.StatusNotFound {
			t.Errorf("%s on an unknown run: %d", call.path, r.status)
		}
	}
	id, _ := f.trigger("t", `{}`)
	if r := f.call(http.MethodPost, "/_mock/runs/"+id+"/fail", `{"error":{}}`, true); r.status != http.StatusBadRequest {
		t.Errorf("fail without a message: %d", r.status)
	}
}

func TestRuns_cancelRoute(t *testing.T) {
	f := newFixture(t, 0, withTasks(map[string]mockapi.TaskFixture{"done": {}}))
	id, _ := f.trigger("slow", `{}`)
	r := f.call(http.MethodPost, "/api/v2/runs/"+id+"/cancel", "", true)
	if r.status != http.StatusOK || r.body["id"] != id {
		t.Fatalf("cancel: %d %s", r.status, r.raw)
	}
	// A run cancelled before it started has no finish time, as on the service.
	if run := f.retrieveRun(id); run["status"] != "CANCELED" || run["isCancelled"] != true || run["finishedAt"] != nil {
		t.Fatalf("cancelled run: %v", run)
	}
	done, _ := f.trigger("done", `{}`)
	f.retrieveRun(done)
	if r := f.call(http.MethodPost, "/api/v2/runs/"+done+"/cancel", "", true); r.status != http.StatusOK || f.retrieveRun(done)["status"] != "COMPLETED" {
		t.Fatalf("cancelling a completed run: %d; it must stay COMPLETED", r.status)
	}
	if r := f.call(http.MethodPost, "/api/v2/runs/run_nosuchrun/cancel", "", true); r.status != http.StatusNotFound || r.body["error"] != "Resource not found" {
		t.Fatalf("cancel of an unknown run: %d %s", r.status, r.raw)
	}
	if r := f.get("/api/v3/runs/run_nosuchrun"); r.status != http.StatusNotFound || r.body["error"] != "Not found" || r.header.Get("x-should-retry") != "true" {
		t.Fatalf("retrieve of an unknown run: %d %s %v", r.status, r.raw, r.header)
	}
}

func TestRuns_idempotency(t *testing.T) {
	f := newFixture(t, 0, withControl)
	first, cached := f.trigger("deploy", `{"payload":1,"options":{"idempotencyKey":"release-7","idempotencyKeyTTL":"1h"}}`)
	again, againCached := f.trigger("deploy", `{"payload":2,"options":{"idempotencyKey":"release-7"}}`)
	if cached || again != first || !againCached {
		t.Fatalf("same key: %s (cached %v), then %s (cached %v)", first, cached, again, againCached)
	}
	if other, _ := f.trigger("other-task", `{"options":{"idempotencyKey":"release-7"}}`); other == first {
		t.Fatal("a key is per task: another task's trigger returned the first run")
	}
	if byHeader := f.callWithHeader("deploy", `{}`, "idempotency-key", "release-7"); byHeader != first {
		t.Fatalf("the idempotency-key header: %s, want %s", byHeader, first)
	}
	if run := f.retrieveRun(first); run["idempotencyKey"] != "release-7" || run["payload"] != 1.0 {
		t.Fatalf("the first run: %v", run)
	}
	// A cancelled run keeps its key; a failed one lets it go.
	f.call(http.MethodPost, "/_mock/runs/"+first+"/cancel", "", true)
	if again, cached := f.trigger("deploy", `{"options":{"idempotencyKey":"release-7"}}`); again != first || !cached {
		t.Fatalf("after a cancel: %s, want the cancelled run, cached", again)
	}
	second, _ := f.trigger("deploy", `{"options":{"idempotencyKey":"release-8","idempotencyKeyTTL":"1h"}}`)
	f.call(http.MethodPost, "/_mock/runs/"+second+"/fail", `{"error":{"message":"boom"}}`, true)
	if third, cached := f.trigger("deploy", `{"options":{"idempotencyKey":"release-8"}}`); third == second || cached {
		t.Fatalf("after a failure the key makes a new run: got %s (cached %v)", third, cached)
	}
	fourth, _ := f.trigger("deploy", `{"options":{"idempotencyKey":"release-9","idempotencyKeyTTL":"1h"}}`)
	f.now = f.now.Add(time.Hour)
	if fifth, cached := f.trigger("deploy", `{"options":{"idempotencyKey":"release-9"}}`); fifth == fourth || cached {
		t.Fatalf("an expired key makes a new run: got %s (cached %v)", fifth, cached)
	}
}

// TestRuns_requestKeyIgnored: the service hashes a trigger's request-level
// idempotency key (x-trigger-request-idempotency-key) with its scope before
// checking that it is a v4 UUID, so it never is: a retried request makes
// another run, whatever the key.
func TestRuns_requestKeyIgnored(t *testing.T) {
	f := newFixture(t, 0)
	for _, requestKey := range []string{"0b7e6a52-8f6c-4e0a-9d1e-2f3a4b5c6d7e", "req-1"} {
		first := f.callWithHeader("deploy", `{}`, "x-trigger-request-idempotency-key", requestKey)
		retry := f.sendWithHeader("deploy", `{}`, "x-trigger-request-idempotency-key", requestKey)
		if retry.body["id"] == first || retry.body["isCached"] != false {
			t.Fatalf("request key %q: the retry answered %s, want a new run", requestKey, retry.raw)
		}
	}
}

func (f *fixture) callWithHeader(task, body, name, value string) string {
	f.t.Helper()
	return str(f.sendWithHeader(task, body, name, value).body["id"])
}

// sendWithHeader triggers task with body and one more header.
func (f *fixture) sendWithHeader(task, body, name, value string) response {
	f.t.Helper()
	header := http.Header{"Authorization": {"Bearer " + key}}
	header.Set(name, value)
	return f.do(http.MethodPost, "/api/v1/tasks/"+task+"/trigger", strings.NewReader(body), header)
}

func TestRuns_triggerRefusals(t *testing.T) {
	f := newFixture(t, 0, withTasks(map[string]mockapi.TaskFixture{"deployed": {Versions: []string{"20260101.1"}}}))
	cases := []struct {
		name, task, body string
		status           int
		want             string
	}{
		{"empty body", "t", ``, 400, "Request body is empty"},
		{"not JSON", "t", `{payload`, 400, "Invalid JSON"},
		{"not an object", "t", `[1]`, 400, "Validation error: Expected object, received array"},
		{"options not an object", "t", `{"options":"x"}`, 400, `Validation error: Expected object, received string at "options"`},
		{"maxAttempts a string", "t", `{"options":{"maxAttempts":"3"}}`, 400, `Expected number, received string at "options.maxAttempts"`},
		{"maxAttempts a fraction", "t", `{"options":{"maxAttempts":1.5}}`, 400, `Expected integer, received float at "options.maxAttempts"`},
		{"unknown machine", "t", `{"options":{"machine":"huge"}}`, 400, `Invalid enum value. Expected 'micro' | 'small-1x'`},
		{"negative ttl", "t", `{"options":{"ttl":-1}}`, 400, `Number must be greater than or equal to 0 at "options.ttl"`},
		{"queue without a name", "t", `{"options":{"queue":{}}}`, 400, `Required at "options.queue.name"`},
		{"long tag", "t", `{"options":{"tags":["` + strings.Repeat("a", 129) + `"]}}`, 400, `Tags must be less than 128 characters at "options.tags[0]"`},
		{"two problems at once", "t", `{"options":{"maxDuration":"1h","delay":{}}}`, 400, `at "options.delay"; Expected number`},
		{"problems in the schema's order", "t", `{"options":{"maxAttempts":"3","idempotencyKey":5,"queue":{}}}`, 400,
			`Validation error: Required at "options.queue.name"; Expected string, received number at "options.idempotencyKey"; Expected number, received string at "options.maxAttempts"`},
		{"concurrencyKey neither string nor number", "t", `{"options":{"concurrencyKey":{}}}`, 400,
			`Validation error: Expected string, received object at "options.concurrencyKey", or Expected number, received object at "options.concurrencyKey"`},
		{"ttl neither string nor number", "t", `{"options":{"ttl":[]}}`, 400,
			`Validation error: Expected string, received array at "options.ttl", or Expected number, received array at "options.ttl"`},
		{"key options' scope not one of the three", "t", `{"options":{"idempotencyKeyOptions":{"key":"k","scope":"task"}}}`, 400,
			`Validation error: Invalid enum value. Expected 'run' | 'attempt' | 'global', received 'task' at "options.idempotencyKeyOptions.scope"`},
		{"key options without a scope", "t", `{"options":{"idempotencyKeyOptions":{"key":"k"}}}`, 400,
			`Validation error: Required at "options.idempotencyKeyOptions.scope"`},
		{"delay not a date", "t", `{"options":{"delay":{}}}`, 400,
			`Validation error: Expected string, received object at "options.delay", or Invalid date at "options.delay"`},
		{"eleven tags", "t", `{"options":{"tags":["a","b","c","d","e","f","g","h","i","j","k"]}}`, 422, "Runs can only have 10 tags, you're trying to set 11."},
		{"a version no task has", "t", `{"options":{"lockToVersion":"1.0"}}`, 500, "Something went wrong"},
		{"a version without the task", "t", `{"options":{"lockToVersion":"20260101.1"}}`, 422, "Task 't' not found on locked version '20260101.1'."},
		{"metadata too large", "t", `{"options":{"metadata":{"a":"` + strings.Repeat("x", 256<<10) + `"}}}`, 413, "Metadata exceeds maximum size of 262144 bytes"},
		{"body too large", "t", `{"payload":"` + strings.Repeat("x", 3<<20) + `"}`, 413, "Request body too large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.call(http.MethodPost, "/api/v1/tasks/"+tc.task+"/trigger", tc.body, true)
			if r.status != tc.status || !strings.Contains(str(r.body["error"]), tc.want) {
				t.Fatalf("%d %s, want %d with %q", r.status, r.raw, tc.status, tc.want)
			}
		})
	}
	if len(f.mock.Runs()) != 0 {
		t.Fatalf("a refused trigger made a run: %v", f.mock.Runs())
	}
	if id, _ := f.trigger("deployed", `{"options":{"lockToVersion":"20260101.1","machine":"small-2x","maxDuration":1,"ttl":3600,"tags":"one"}}`); id != "" {
		run, _ := f.mock.Run(id)
		if run.Machine != "small-2x" || run.MaxDuration != 5 || run.TTL != "1h" || !slices.Equal(run.Tags, []string{"one"}) || run.LockToVersion != "20260101.1" {
			t.Fatalf("the options as stored: %+v", run)
		}
	}
	if r := f.get("/api/v1/tasks/t/trigger"); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("GET on the trigger route: %d", r.status)
	}
}

func TestRuns_delayAndTTL(t *testing.T) {
	f := newFixture(t, 0)
	delayed, _ := f.trigger("later", `{"options":{"delay":"1h","ttl":"10m"}}`)
	if run := f.retrieveRun(delayed); run["status"] != "DELAYED" || run["delayedUntil"] != "2026-01-05T11:00:00.000Z" || run["isQueued"] != true {
		t.Fatalf("a delayed run: %v", run)
	}
	f.now = f.now.Add(time.Hour)
	if run := f.retrieveRun(delayed); run["status"] != "QUEUED" {
		t.Fatalf("its delay passed: %v", run["status"])
	}
	f.now = f.now.Add(10 * time.Minute)
	run := f.retrieveRun(delayed)
	if e, _ := run["error"].(map[string]any); run["status"] != "EXPIRED" || run["expiredAt"] != "2026-01-05T11:10:00.000Z" ||
		e["message"] != "Run expired because the TTL (10m) was reached" {
		t.Fatalf("its ttl passed: %v", run)
	}
}

func TestRuns_largeOutputStoredApart(t *testing.T) {
	report := strings.Repeat("x", 600<<10)
	f := newFixture(t, 0, withTasks(map[string]mockapi.TaskFixture{"report": {Output: json.RawMessage(`{"report":"` + report + `"}`)}}))
	id, _ := f.trigger("report", `{}`)
	run := f.retrieveRun(id)
	presigned := str(run["outputPresignedUrl"])
	if run["output"] != nil || !strings.Contains(presigned, "/storage/"+id+"%2Foutput.json?") {
		t.Fatalf("a large output: output %v, presigned %q", run["output"] != nil, presigned)
	}
	data := f.call(http.MethodGet, presigned, "", false)
	if data.status != http.StatusOK || data.header.Get("Content-Type") != "application/super+json" || string(data.raw) != `{"json":{"report":"`+report+`"}}` {
		t.Fatalf("the stored output: %d %s, %d bytes", data.status, data.header.Get("Content-Type"), len(data.raw))
	}
}

func TestRuns_list(t *testing.T) {
	f := newFixture(t, 0, withTasks(map[string]mockapi.TaskFixture{"smoke": {}}))
	var smoke []string
	for i := range 5 {
		id, _ := f.trigger("smoke", `{"options":{"tags":["deploy:prod","n`+string(rune('0'+i))+`"]}}`)
		smoke = append([]string{id}, smoke...) // newest first
		f.now = f.now.Add(time.Second)
	}
	other, _ := f.trigger("other", `{"options":{"tags":"deploy:staging"}}`)
	f.retrieveRun(smoke[0]) // completes the newest smoke run
	listRuns := func(query string) ([]string, map[string]any) {
		t.Helper()
		r := f.get("/api/v1/runs?" + query)
		if r.status != http.StatusOK {
			t.Fatalf("list %s: %d %s", query, r.status, r.raw)
		}
		walkNoNulls(t, "page", r.body)
		var got []string
		for _, item := range r.body["data"].([]any) {
			got = append(got, str(item.(map[string]any)["id"]))
		}
		return got, r.body["pagination"].(map[string]any)
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"", append([]string{other}, smoke...)},
		{"filter[taskIdentifier]=smoke", smoke},
		{"filter[tag]=deploy:staging,n4", []string{other, smoke[0]}},
		{"filter[status]=COMPLETED", smoke[:1]},
		{"filter[status]=QUEUED&filter[taskIdentifier]=smoke", smoke[1:]},
		// Each key's last value, as the service reads a query.
		{"filter[status]=DONE&filter[status]=COMPLETED", smoke[:1]},
		// A period wins over from and to (the service's timeFilters).
		{"filter[createdAt][period]=1d&filter[createdAt][from]=" + f.now.Add(time.Hour).UTC().Format(time.RFC3339), append([]string{other}, smoke...)},
		{"filter[createdAt][from]=" + f.now.Add(time.Hour).UTC().Format(time.RFC3339), nil},
	}
	for _, tc := range cases {
		if got, _ := listRuns(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("list %q: %v, want %v", tc.query, got, tc.want)
		}
	}
	var paged []string
	query := "page[size]=4"
	for {
		got, pagination := listRuns(query)
		paged = append(paged, got...)
		next := str(pagination["next"])
		if next == "" {
			break
		}
		query = "page[size]=4&page[after]=" + next
	}
	if !slices.Equal(paged, append([]string{other}, smoke...)) {
		t.Errorf("two pages of 4: %v", paged)
	}
	f.now = f.now.Add(7*24*time.Hour + time.Second)
	if got, _ := listRuns(""); len(got) != 0 {
		t.Errorf("without a createdAt filter the list looks 7 days back: %v", got)
	}
	if got, _ := listRuns("filter[createdAt][period]=8d"); len(got) != 6 {
		t.Errorf("a period of 8d: %v", got)
	}
	if r := f.get("/api/v1/runs?filter[status]=DONE"); r.status != http.StatusBadRequest || r.body["error"] != "Query Error" ||
		!strings.Contains(string(r.raw), "Invalid status values: DONE") {
		t.Errorf("an unknown status: %d %s", r.status, r.raw)
	}
}

func TestRuns_requestLogAndReset(t *testing.T) {
	f := newFixture(t, 0, withControl)
	id, _ := f.trigger("t", `{}`)
	f.retrieveRun(id)
	logged := controlRequests(t, f)
	if len(logged) != 2 || logged[0].Path != "/api/v1/tasks/t/trigger" || logged[1].Path != "/api/v3/runs/"+id {
		t.Fatalf("request log: %+v", logged)
	}
	if r := f.call(http.MethodPost, "/_mock/reset", "", true); r.status != http.StatusOK {
		t.Fatalf("reset: %d", r.status)
	}
	if r := f.get("/api/v3/runs/" + id); r.status != http.StatusNotFound || len(f.mock.Runs()) != 0 {
		t.Fatalf("a run outlived reset: %d", r.status)
	}
	if r := f.call(http.MethodPut, "/_mock/tasks", `{"t":{"outcome":"CRASHED","polls":0}}`, true); r.status != http.StatusOK {
		t.Fatalf("PUT tasks: %d %s", r.status, r.raw)
	}
	id, _ = f.trigger("t", `{}`)
	if run := f.retrieveRun(id); run["status"] != "CRASHED" {
		t.Fatalf("a run of a task scripted by PUT /_mock/tasks: %v", run["status"])
	}
	if r := f.call(http.MethodPut, "/_mock/tasks", `{"t":{"outcome":"DONE"}}`, true); r.status != http.StatusBadRequest || !strings.Contains(str(r.body["error"]), `task "t": outcome "DONE"`) {
		t.Fatalf("a bad script: %d %s", r.status, r.raw)
	}
}

func TestParseFixtureDocument(t *testing.T) {
	doc, err := mockapi.ParseFixtureDocument([]byte(`{"tokens":[{"id":"waitpoint_a"}],"tasks":{"smoke":{"output":{"passed":true},"polls":2}}}`))
	if err != nil || len(doc.Tokens) != 1 || doc.Tasks["smoke"].Polls != 2 {
		t.Fatalf("%+v %v", doc, err)
	}
	if doc, err := mockapi.ParseFixtureDocument([]byte(`[{"id":"waitpoint_a"}]`)); err != nil || len(doc.Tokens) != 1 {
		t.Fatalf("an array of tokens: %+v %v", doc, err)
	}
	for body, want := range map[string]string{
		`{"tasks":{"x":{"outcome":"FAILED","output":1}}}`: `task "x": an output is for a COMPLETED run`,
		`{"tasks":{"x":{"error":{"message":"m"}}}}`:       `task "x": an error is for a run that does not complete`,
		`{"tasks":{"x":{"polls":-1}}}`:                    `task "x": polls -1 is negative`,
		`{"tasks":{"x":{"outcom":"FAILED"}}}`:             `unknown field "outcom"`,
		`{"tokens":[{"status":"DONE"}]}`:                  `tokens: entry 0: status "DONE"`,
		`{"tasks":{"x":{"outcome":"FAILED","error":{}}}}`: `task "x": the error has no message`,
		`{"id":"waitpoint_a"}`:                            "not a JSON array",
	} {
		if _, err := mockapi.ParseFixtureDocument([]byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}
