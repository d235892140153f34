package mockapi_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// The real service the differential test and TestOfficialSDK compare the mock
// with: variables of the tests' own, never the provider's TRIGGER_* names, so
// that no test reaches an environment by accident.
const (
	realURLVar = "TRIGGERDEV_REAL_API_URL"
	realKeyVar = "TRIGGERDEV_REAL_SECRET_KEY"
)

// hangBound only catches a hang; nothing here is timed.
const hangBound = 5 * time.Minute

// realService returns the service's URL and key, or skips the test.
func realService(t *testing.T) (string, string) {
	t.Helper()
	apiURL, apiKey := os.Getenv(realURLVar), os.Getenv(realKeyVar)
	if apiURL == "" || apiKey == "" {
		t.Skipf("needs a real Trigger.dev development environment: set %s and %s", realURLVar, realKeyVar)
	}
	return strings.TrimSuffix(apiURL, "/"), apiKey
}

// target is one API the differential test talks to, with what it learned:
// the tokens it created, by the name of the step that created them.
type target struct {
	name, base, key string
	ids             map[string]string // step name → token id
	urls            map[string]string // step name → callback path
	jwts            map[string]string // step name → the create's x-trigger-jwt
	symbols         map[string]string // token id or its body → step name
	environment     string            // the environment's id, a public token's subject
}

func newTarget(name, base, key string) *target {
	return &target{name: name, base: base, key: key, ids: map[string]string{}, urls: map[string]string{}, jwts: map[string]string{}, symbols: map[string]string{}}
}

// step is one request sent to both targets. In path, query, body and header
// values, {run} is the run's unique tag, {uuid} a v4 UUID of its own, {key}
// the target's key, {id:X},
// {body:X}, {url:X} and {jwt:X} the id, id without waitpoint_, callback path
// and public token of the token or run that step X created, and {pat:S} or
// {pat:S;V} a public token of the environment with the space-separated
// scopes S (and the variant V of publicToken).
type step struct {
	name    string
	method  string
	path    string
	body    string
	headers map[string]string
	// noKey sends no Authorization header unless headers sets one.
	noKey bool
	// creates registers the answer's token under the step's name.
	creates bool
	// exactRemaining compares x-ratelimit-remaining's value, not only its presence.
	exactRemaining bool
}

// answer is a response reduced to what the test compares.
type answer struct {
	status  int
	headers map[string]string
	body    any // parsed JSON, or the text
}

// comparedHeaders are the headers clients read.
var comparedHeaders = []string{"Content-Type", "Location", "Allow", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "X-Trigger-Jwt", "X-Trigger-Jwt-Claims", "X-Should-Retry", "Retry-After"}

var (
	isoTime      = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)
	hexHash      = regexp.MustCompile(`(?i)\b[0-9a-f]{64}\b`)
	origin       = regexp.MustCompile(`https?://[^/"\s]+`)
	tokenID      = regexp.MustCompile(`(waitpoint|run)_[a-z0-9]+|\b[a-z0-9]{25}\b`)
	generated    = regexp.MustCompile(`^[A-Za-z0-9_-]{24}$`)
	allDigits    = regexp.MustCompile(`^\d+$`)
	placeholders = regexp.MustCompile(`\{(id|body|url|jwt):([^}]+)\}`)
	scopedToken  = regexp.MustCompile(`\{pat:([^};]*)(?:;([^}]*))?\}`)
)

// runUUID is a v4 UUID of the run's own, drawn from its tag.
func runUUID(run string) string {
	b := sha256.Sum256([]byte(run))
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// fill replaces a step's placeholders with the target's values.
func (tg *target) fill(s, run string) string {
	s = strings.ReplaceAll(s, "{uuid}", runUUID(run))
	s = strings.ReplaceAll(s, "{run}", run)
	s = strings.ReplaceAll(s, "{key}", tg.key)
	s = placeholders.ReplaceAllStringFunc(s, func(m string) string {
		p := placeholders.FindStringSubmatch(m)
		switch p[1] {
		case "id":
			return tg.ids[p[2]]
		case "body":
			return strings.TrimPrefix(tg.ids[p[2]], "waitpoint_")
		case "url":
			return tg.urls[p[2]]
		}
		return tg.jwts[p[2]]
	})
	// After the others, which its scopes may hold.
	return scopedToken.ReplaceAllStringFunc(s, func(m string) string {
		p := scopedToken.FindStringSubmatch(m)
		return tg.publicToken(strings.Fields(p[1]), p[2])
	})
}

// send makes a step's request, waiting out the service's live rate limiter
// (a 429 the step did not provoke) as its headers say.
func (tg *target) send(t *testing.T, st step, run string) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangBound)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, st.method, tg.base+tg.fill(st.path, run), strings.NewReader(tg.fill(st.body, run)))
		if err != nil {
			t.Fatal(err)
		}
		if st.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if !st.noKey {
			req.Header.Set("Authorization", "Bearer "+tg.key)
		}
		for k, v := range st.headers {
			req.Header.Set(k, tg.fill(v, run))
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tg.name, st.name, err)
		}
		if len(st.body) > 1<<20 {
			// The service refuses a body over its limit unread, and the
			// connection then stalls for a minute: it must not be reused.
			defer client.CloseIdleConnections()
		}
		raw, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode == http.StatusTooManyRequests {
			reset, _ := strconv.ParseInt(res.Header.Get("X-Ratelimit-Reset"), 10, 64)
			t.Logf("%s rate-limited at %s: waiting until %d", tg.name, st.name, reset)
			select {
			case <-ctx.Done():
				t.Fatalf("%s %s: still rate-limited: %v", tg.name, st.name, ctx.Err())
			case <-time.After(time.Until(time.UnixMilli(reset)) + 100*time.Millisecond):
			}
			continue
		}
		a := answer{status: res.StatusCode, headers: map[string]string{}}
		for _, h := range comparedHeaders {
			if v := res.Header.Get(h); v != "" {
				a.headers[h] = v
			}
		}
		switch {
		case strings.HasPrefix(a.headers["Content-Type"], "text/html"):
			a.body = "<the dashboard's page>" // a page, not an API answer
		case json.Unmarshal(raw, &a.body) != nil:
			a.body = string(raw)
		}
		if st.creates && a.status == http.StatusOK {
			tg.register(st.name, a)
		}
		return a
	}
}

func (tg *target) register(name string, a answer) {
	body, _ := a.body.(map[string]any)
	id, _ := body["id"].(string)
	u, _ := body["url"].(string)
	tg.ids[name], tg.jwts[name] = id, a.headers["X-Trigger-Jwt"]
	tg.urls[name] = origin.ReplaceAllString(u, "")
	if _, known := tg.symbols[id]; !known {
		tg.symbols[id] = name
		tg.symbols[strings.TrimPrefix(id, "waitpoint_")] = name
	}
	// A run's region in a development environment is the environment's id,
	// the public token's subject.
	var claims struct{ Sub string }
	if json.Unmarshal([]byte(a.headers["X-Trigger-Jwt-Claims"]), &claims) == nil && claims.Sub != "" {
		tg.symbols[claims.Sub] = "environment"
		tg.environment = claims.Sub
	}
}

// publicToken signs a public access token of the environment with scopes,
// as the service does (HS256 with the secret key), lasting an hour; variant
// changes its claims: "bare" has no issuer and audience, "forever" no
// expiry, "expired" one past, "audiences" an array of them, "not yet" a
// not-before to come.
func (tg *target) publicToken(scopes []string, variant string) string {
	now := time.Now().Unix()
	claims := map[string]any{"sub": tg.environment, "pub": true, "scopes": scopes, "iss": "https://id.trigger.dev", "aud": "https://api.trigger.dev", "iat": now, "exp": now + 3600}
	switch variant {
	case "bare":
		delete(claims, "iss")
		delete(claims, "aud")
	case "forever":
		delete(claims, "exp")
	case "expired":
		claims["exp"] = now - 60
	case "audiences":
		claims["aud"] = []string{"https://other.example", "https://api.trigger.dev"}
	case "not yet":
		claims["nbf"] = now + 3600
	}
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(claims)
	signed := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(tg.key))
	mac.Write([]byte(signed))
	return signed + "." + enc.EncodeToString(mac.Sum(nil))
}

// normalise turns an answer into comparable text, path by path: ids become
// the name of the step that created them, times, hashes, origins and live
// counters become placeholders.
func (tg *target) normalise(st step, a answer) map[string]string {
	out := map[string]string{"status": strconv.Itoa(a.status)}
	for h, v := range a.headers {
		switch h {
		case "X-Ratelimit-Reset", "X-Trigger-Jwt":
			v = "<present>"
		case "X-Ratelimit-Remaining":
			if !st.exactRemaining {
				v = "<present>"
			}
		case "Location":
			v = tg.text(origin.ReplaceAllString(v, "<origin>"))
		case "X-Trigger-Jwt-Claims":
			var claims map[string]any
			_ = json.Unmarshal([]byte(v), &claims)
			for k, c := range claims {
				if n, isNumber := c.(float64); isNumber && n > 1e9 {
					claims[k] = "<time>"
				}
			}
			if _, ok := claims["sub"]; ok {
				claims["sub"] = "<environment>"
			}
			v = tg.text(fmt.Sprint(claims))
		}
		out["header "+h] = v
	}
	tg.flatten("body", a.body, out)
	return out
}

func (tg *target) flatten(path string, v any, out map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			tg.flatten(path+"."+k, e, out)
		}
	case []any:
		out[path+".length"] = strconv.Itoa(len(v))
		for i, e := range v {
			tg.flatten(fmt.Sprintf("%s[%d]", path, i), e, out)
		}
	case string:
		if strings.HasSuffix(path, ".idempotencyKey") && generated.MatchString(v) {
			v = "<generated key>"
		}
		out[path] = tg.text(v)
	default:
		out[path] = fmt.Sprint(v)
	}
}

func (tg *target) text(s string) string {
	s = isoTime.ReplaceAllString(s, "<time>")
	s = hexHash.ReplaceAllString(s, "<hash>")
	s = origin.ReplaceAllString(s, "<origin>")
	s = tokenID.ReplaceAllStringFunc(s, func(id string) string {
		if name, ok := tg.symbols[id]; ok {
			return "<" + name + ">"
		}
		if strings.HasPrefix(id, "waitpoint_") {
			return "<other token>"
		}
		if strings.HasPrefix(id, "run_") {
			return "<other run>"
		}
		return id
	})
	if allDigits.MatchString(s) && len(s) >= 12 {
		s = "<ms>" // an epoch-ms time
	}
	return s
}

// differences lists where two normalised answers disagree.
func differences(mock, service map[string]string) []string {
	var keys []string
	for k := range mock {
		keys = append(keys, k)
	}
	for k := range service {
		if _, ok := mock[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		m, inMock := mock[k]
		r, inReal := service[k]
		switch {
		case !inMock:
			out = append(out, fmt.Sprintf("%s: mock has none, service %q", k, r))
		case !inReal:
			out = append(out, fmt.Sprintf("%s: mock %q, service has none", k, m))
		case m != r:
			out = append(out, fmt.Sprintf("%s: mock %q, service %q", k, m, r))
		}
	}
	return out
}

// environmentDifferences are the differences the local service has from a
// hosted one, recorded in api-notes: step name → reason.
var environmentDifferences = map[string]string{
	"list runs": "the runs list reads ClickHouse, which the local build has not: it answers 500",
}

// TestDifferential sends the same requests to the mock and to a real
// Trigger.dev development environment (TRIGGERDEV_REAL_API_URL and
// TRIGGERDEV_REAL_SECRET_KEY) and compares status, the headers clients read
// and the bodies field by field, after normalising ids, times and hashes.
// Every token it makes carries the run's own tag and keys, so it runs
// beside other tests on a shared environment.
func TestDifferential(t *testing.T) {
	realURL, realKey := realService(t)
	started := time.Now()
	_, mockURL := mockapi.Start(t, mockapi.Options{APIKey: key})
	mockSide, realSide := newTarget("mock", mockURL, key), newTarget("service", realURL, realKey)
	run := fmt.Sprintf("diff-%d", time.Now().UnixNano())

	var unrecorded []string
	compare := func(t *testing.T, steps []step) {
		t.Helper()
		for _, st := range steps {
			m, r := mockSide.send(t, st, run), realSide.send(t, st, run)
			diffs := differences(mockSide.normalise(st, m), realSide.normalise(st, r))
			if len(diffs) == 0 {
				continue
			}
			if reason, ok := environmentDifferences[st.name]; ok {
				t.Logf("%s: recorded difference (%s): %s", st.name, reason, strings.Join(diffs, "; "))
				continue
			}
			for _, d := range diffs {
				unrecorded = append(unrecorded, st.name+": "+d)
				t.Errorf("%s %s %s: %s", st.name, st.method, st.path, d)
			}
		}
	}

	t.Run("create", func(t *testing.T) { compare(t, createSteps) })
	// The service times tokens out from a worker, a few seconds late.
	for _, tg := range []*target{mockSide, realSide} {
		awaitStatus(t, tg, tokens+"/{id:create past timeout}", "TIMED_OUT")
	}
	t.Run("retrieve", func(t *testing.T) { compare(t, retrieveSteps) })
	t.Run("list", func(t *testing.T) { compare(t, listSteps) })
	t.Run("complete", func(t *testing.T) { compare(t, completeSteps) })
	t.Run("callback", func(t *testing.T) { compare(t, callbackSteps) })
	t.Run("after completion", func(t *testing.T) { compare(t, afterCompletionSteps) })
	t.Run("auth", func(t *testing.T) { compare(t, authSteps(run)) })
	t.Run("trigger", func(t *testing.T) { compare(t, triggerSteps) })
	// A run's ttl is passed by the service's worker, a moment late.
	for _, tg := range []*target{mockSide, realSide} {
		awaitStatus(t, tg, runPath+"{id:trigger short ttl}", "EXPIRED")
	}
	t.Run("retrieve run", func(t *testing.T) { compare(t, runRetrieveSteps) })
	t.Run("cancel", func(t *testing.T) { compare(t, cancelSteps) })
	t.Run("after cancel", func(t *testing.T) { compare(t, afterCancelSteps) })
	t.Run("run auth", func(t *testing.T) { compare(t, runAuthSteps(run)) })
	t.Logf("%d unrecorded differences; took %s", len(unrecorded), time.Since(started).Round(time.Millisecond))
}

// awaitStatus polls a token or run (path) until it has the status, within
// hangBound.
func awaitStatus(t *testing.T, tg *target, path, status string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangBound)
	defer cancel()
	poll := time.NewTicker(500 * time.Millisecond)
	defer poll.Stop()
	for {
		a := tg.send(t, step{name: "poll", method: http.MethodGet, path: path}, "")
		if body, _ := a.body.(map[string]any); body["status"] == status {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %s never became %s: %v", tg.name, tg.fill(path, ""), status, a.body)
		case <-poll.C:
		}
	}
}

const tokens = "/api/v1/waitpoints/tokens"

func post(name, path, body string) step {
	return step{name: name, method: http.MethodPost, path: path, body: body}
}

func get(name, path string) step { return step{name: name, method: http.MethodGet, path: path} }

func list(name, query string) step { return get(name, tokens+"?filter[tags]={run}&"+query) }

func create(name, body string) step {
	return step{name: name, method: http.MethodPost, path: tokens, body: body, creates: true}
}

var createSteps = []step{
	create("create every option", `{"idempotencyKey":"{run}-a","idempotencyKeyTTL":"1h","timeout":"1h","tags":["{run}","f","a:b","é","a-b","a_b"]}`),
	create("create cached", `{"idempotencyKey":"{run}-a","tags":["{run}","other"],"timeout":"2h"}`),
	create("create tag string", `{"tags":"{run}"}`),
	create("create to complete", `{"idempotencyKey":"{run}-c","tags":["{run}","{run}-complete"]}`),
	create("create to complete by jwt", `{"tags":["{run}"],"timeout":"1d"}`),
	create("create for callback", `{"tags":["{run}","{run}-callback"]}`),
	create("create for bad callback", `{"tags":["{run}"],"timeout":"2w"}`),
	create("create for null data", `{"tags":["{run}"]}`),
	create("create for empty data", `{"tags":["{run}"]}`),
	create("create for no data", `{"tags":["{run}"]}`),
	create("create for array data", `{"tags":["{run}"]}`),
	create("create for string callback", `{"tags":["{run}"]}`),
	create("create for number callback", `{"tags":["{run}"]}`),
	create("create past timeout", `{"tags":["{run}","{run}-late"],"timeout":1000}`),
	create("create ttl without key", `{"tags":["{run}"],"idempotencyKeyTTL":"10m"}`),
	create("create invalid ttl and timeout", `{"tags":["{run}"],"idempotencyKeyTTL":"10 minutes","timeout":"soon"}`),
	create("create past ISO timeout", `{"tags":["{run}"],"timeout":"2001-01-01T00:00:00Z"}`),
	// The literal key "" is one key for the whole environment: whose token
	// it holds depends on who asked first, so only the answer's shape counts.
	create("create empty key", `{"idempotencyKey":""}`),
	create("create duration timeout", `{"tags":["{run}"],"timeout":"1h30m"}`),
	post("create empty body", tokens, ``),
	post("create null body", tokens, `null`),
	post("create array body", tokens, `[]`),
	post("create invalid JSON", tokens, `{"tags":`),
	post("create null key", tokens, `{"idempotencyKey":null}`),
	post("create numeric key", tokens, `{"idempotencyKey":5}`),
	post("create long key", tokens, `{"idempotencyKey":"`+strings.Repeat("k", 2049)+`"}`),
	post("create numeric ttl", tokens, `{"idempotencyKeyTTL":60}`),
	post("create object timeout", tokens, `{"timeout":{}}`),
	post("create huge timeout", tokens, `{"timeout":1e300}`),
	post("create numeric tags", tokens, `{"tags":5}`),
	post("create numeric tag", tokens, `{"tags":["{run}",5]}`),
	post("create long tag", tokens, `{"tags":["`+strings.Repeat("t", 129)+`"]}`),
	post("create eleven tags", tokens, `{"tags":["1","2","3","4","5","6","7","8","9","10","11"]}`),
	post("create too large", tokens, `{"tags":["`+strings.Repeat("x", 11<<10)+`"]}`),
	{name: "create with PUT", method: http.MethodPut, path: tokens, body: `{}`},
	post("create trailing slash", tokens+"/", `{"tags":["{run}"]}`),
}

var retrieveSteps = []step{
	get("retrieve every option", tokens+"/{id:create every option}"),
	get("retrieve by body", tokens+"/{body:create every option}"),
	get("retrieve generated key", tokens+"/{id:create tag string}"),
	get("retrieve ttl without key", tokens+"/{id:create ttl without key}"),
	get("retrieve invalid ttl and timeout", tokens+"/{id:create invalid ttl and timeout}"),
	get("retrieve past ISO timeout", tokens+"/{id:create past ISO timeout}"),
	get("retrieve timed out", tokens+"/{id:create past timeout}"),
	get("retrieve unknown", tokens+"/waitpoint_zzzzzzzzzzzzzzzzzzzzzzzzz"),
	get("retrieve malformed", tokens+"/waitpoint_a_b"),
	get("retrieve trailing slash", tokens+"/{id:create every option}/"),
	{name: "retrieve with POST", method: http.MethodPost, path: tokens + "/{id:create every option}", body: `{}`},
}

var listSteps = []step{
	list("list run", ""),
	list("list waiting", "filter[status]=WAITING"),
	list("list timed out", "filter[status]=TIMED_OUT"),
	list("list completed", "filter[status]=COMPLETED"),
	list("list two statuses", "filter[status]=WAITING,TIMED_OUT"),
	list("list repeated status", "filter[status]=TIMED_OUT,TIMED_OUT"),
	list("list unknown status", "filter[status]=NOPE,WAITING"),
	list("list trailing comma", "filter[status]=WAITING,"),
	list("list repeated key", "filter[status]=NOPE&filter[status]=TIMED_OUT"),
	get("list two tags", tokens+"?filter[tags]={run}-late,{run}-callback"),
	get("list repeated tags", tokens+"?filter[tags]={run}-nothing&filter[tags]={run}-late"),
	list("list by key", "filter[idempotencyKey]={run}-a"),
	list("list period", "filter[createdAt][period]=1h"),
	list("list long period", "filter[createdAt][period]=2%20hours"),
	list("list bare period", "filter[createdAt][period]=3600000"),
	list("list bogus period", "filter[createdAt][period]=bogus"),
	list("list from", "filter[createdAt][from]=2001-01-01T00:00:00Z"),
	list("list from ms", "filter[createdAt][from]=1000"),
	list("list future from", "filter[createdAt][from]=2999-01-01T00:00:00Z"),
	list("list to", "filter[createdAt][to]=2999-01-01"),
	list("list empty to", "filter[createdAt][to]="),
	list("list bad from", "filter[createdAt][from]=yesterday"),
	list("list size 2", "page[size]=2"),
	list("list size empty", "page[size]="),
	list("list size 0", "page[size]=0"),
	list("list size 101", "page[size]=101"),
	list("list size 1e1", "page[size]=1e1"),
	list("list size space", "page[size]=%205"),
	list("list size 1.0", "page[size]=1.0"),
	list("list size hex", "page[size]=0x2"),
	list("list size abc", "page[size]=abc"),
	list("list after id", "page[size]=2&page[after]={body:create to complete}"),
	list("list before id", "page[size]=2&page[before]={body:create to complete}"),
	list("list after unknown", "page[size]=2&page[after]=zzzzzzzzzzzzzzzzzzzzzzzzz"),
	list("list before and after", "page[size]=2&page[after]={body:create to complete}&page[before]={body:create tag string}"),
	get("list trailing slash", tokens+"/?filter[tags]={run}"),
}

var completeSteps = []step{
	post("complete", tokens+"/{id:create to complete}/complete", `{"data":{"ok":true,"n":1e2}}`),
	post("complete again", tokens+"/{id:create to complete}/complete", `{"data":{"ok":false}}`),
	{name: "complete by public token", method: http.MethodPost, path: tokens + "/{id:create to complete by jwt}/complete", body: `{"data":"ship it"}`, headers: map[string]string{"Authorization": "Bearer {jwt:create to complete by jwt}"}},
	{name: "complete by another token's public token", method: http.MethodPost, path: tokens + "/{id:create for bad callback}/complete", body: `{"data":1}`, headers: map[string]string{"Authorization": "Bearer {jwt:create to complete by jwt}"}},
	post("complete with null data", tokens+"/{id:create for null data}/complete", `{"data":null}`),
	post("complete with empty data", tokens+"/{id:create for empty data}/complete", `{"data":""}`),
	post("complete without data", tokens+"/{id:create for no data}/complete", `{"other":1}`),
	post("complete with an array", tokens+"/{id:create for array data}/complete", `{"data":[1, -0, 1e400, "x", {"b":2,"a":1,"b":3}]}`),
	{name: "complete by a tampered public token", method: http.MethodPost, path: tokens + "/{id:create for bad callback}/complete", body: `{"data":1}`, headers: map[string]string{"Authorization": "Bearer {jwt:create to complete by jwt}x"}},
	post("complete timed out", tokens+"/{id:create past timeout}/complete", `{"data":1}`),
	post("complete empty body", tokens+"/{id:create for bad callback}/complete", ``),
	post("complete null body", tokens+"/{id:create for bad callback}/complete", `null`),
	post("complete array body", tokens+"/{id:create for bad callback}/complete", `[1]`),
	post("complete invalid JSON", tokens+"/{id:create for bad callback}/complete", `{"data":`),
	post("complete unknown", tokens+"/waitpoint_zzzzzzzzzzzzzzzzzzzzzzzzz/complete", `{"data":1}`),
	post("complete malformed", tokens+"/waitpoint_a_b/complete", `{"data":1}`),
	get("complete with GET", tokens+"/{id:create to complete}/complete"),
}

var callbackSteps = []step{
	{name: "callback", method: http.MethodPost, path: "{url:create for callback}", body: `{"by": "callback", "n": 2.50}`, noKey: true},
	{name: "callback again", method: http.MethodPost, path: "{url:create for callback}", body: `{"by":"again"}`, noKey: true},
	{name: "callback with a string", method: http.MethodPost, path: "{url:create for string callback}", body: `"approved"`, noKey: true},
	{name: "callback with a number", method: http.MethodPost, path: "{url:create for number callback}", body: `2.50e1`, noKey: true},
	{name: "callback timed out", method: http.MethodPost, path: "{url:create past timeout}", body: `{}`, noKey: true},
	{name: "callback wrong hash", method: http.MethodPost, path: tokens + "/{id:create for bad callback}/callback/" + strings.Repeat("0", 64), body: `{}`, noKey: true},
	{name: "callback short hash", method: http.MethodPost, path: tokens + "/{id:create for bad callback}/callback/abc", body: `{}`, noKey: true},
	{name: "callback unknown", method: http.MethodPost, path: tokens + "/waitpoint_zzzzzzzzzzzzzzzzzzzzzzzzz/callback/" + strings.Repeat("0", 64), body: `{}`, noKey: true},
	{name: "callback malformed", method: http.MethodPost, path: tokens + "/waitpoint_a_b/callback/" + strings.Repeat("0", 64), body: `{}`, noKey: true},
	{name: "callback with GET", method: http.MethodGet, path: "{url:create for bad callback}", noKey: true},
	{name: "callback with PUT", method: http.MethodPut, path: "{url:create for bad callback}", body: `{}`, noKey: true},
	{name: "callback invalid JSON", method: http.MethodPost, path: "{url:create for bad callback}", body: `not json`, noKey: true},
}

var afterCompletionSteps = []step{
	get("retrieve completed", tokens+"/{id:create to complete}"),
	get("retrieve completed by public token", tokens+"/{id:create to complete by jwt}"),
	get("retrieve called back", tokens+"/{id:create for callback}"),
	get("retrieve called back with invalid JSON", tokens+"/{id:create for bad callback}"),
	get("retrieve null data", tokens+"/{id:create for null data}"),
	get("retrieve empty data", tokens+"/{id:create for empty data}"),
	get("retrieve no data", tokens+"/{id:create for no data}"),
	get("retrieve array data", tokens+"/{id:create for array data}"),
	get("retrieve string callback", tokens+"/{id:create for string callback}"),
	get("retrieve number callback", tokens+"/{id:create for number callback}"),
	get("retrieve timed out after completions", tokens+"/{id:create past timeout}"),
	list("list completed after completions", "filter[status]=COMPLETED"),
	list("list timed out after completions", "filter[status]=TIMED_OUT"),
}

// authSteps need the run's own wrong key: the service limits unknown keys
// per header value.
func authSteps(run string) []step {
	withAuth := func(name, header string) step {
		s := list(name, "page[size]=1")
		s.headers = map[string]string{"Authorization": header}
		return s
	}
	wrongKey := withAuth("wrong key", "Bearer tr_dev_wrong_"+run)
	wrongKey.exactRemaining = true
	noHeader := list("no header", "page[size]=1")
	noHeader.noKey = true
	return []step{
		noHeader,
		wrongKey,
		withAuth("empty bearer", "Bearer "),
		withAuth("bearer and two spaces", "Bearer  {key}"),
		withAuth("bare key", "{key}"),
		withAuth("lower-case bearer", "bearer {key}"),
		withAuth("public token on list", "Bearer {jwt:create to complete by jwt}"),
		{name: "public token on retrieve", method: http.MethodGet, path: tokens + "/{id:create to complete by jwt}", headers: map[string]string{"Authorization": "Bearer {jwt:create to complete by jwt}"}},
		{name: "wrong key on create", method: http.MethodPost, path: tokens, body: `{}`, headers: map[string]string{"Authorization": "Bearer tr_dev_wrong_" + run}},
		{name: "wrong key on complete", method: http.MethodPost, path: tokens + "/{id:create for bad callback}/complete", body: `{}`, headers: map[string]string{"Authorization": "Bearer tr_dev_wrong_" + run}},
	}
}
