package mockapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const key = "tr_dev_mock_test_key"

var (
	isoMillis  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	friendlyID = regexp.MustCompile(`^waitpoint_[a-z0-9]{25}$`)
)

// fixture is a mock on loopback with a clock the test moves.
type fixture struct {
	t    *testing.T
	mock *mockapi.Server
	url  string
	now  time.Time
}

func newFixture(t *testing.T, tokens int, opts ...func(*mockapi.Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, now: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}
	o := mockapi.Options{APIKey: key, Tokens: tokens, Seed: 3, Now: func() time.Time { return f.now }}
	for _, opt := range opts {
		opt(&o)
	}
	f.mock, f.url = mockapi.Start(t, o)
	return f
}

type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// call sends a request with the API key (unless withKey is false) and decodes a
// JSON object answer.
func (f *fixture) call(method, target string, body string, withKey bool) response {
	f.t.Helper()
	return f.send(method, target, strings.NewReader(body), withKey)
}

// send is call with any body: one of unknown length goes without Content-Length.
func (f *fixture) send(method, target string, body io.Reader, withKey bool) response {
	f.t.Helper()
	header := http.Header{}
	if withKey {
		header.Set("Authorization", "Bearer "+key)
	}
	return f.do(method, target, body, header)
}

// do sends a request with header, and decodes a JSON object answer.
func (f *fixture) do(method, target string, body io.Reader, header http.Header) response {
	f.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = f.url + target
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (f *fixture) get(path string) response { return f.call(http.MethodGet, path, "", true) }

func (f *fixture) list(t *testing.T, query string) (items []map[string]any, pagination map[string]any) {
	t.Helper()
	r := f.get("/api/v1/waitpoints/tokens?" + query)
	if r.status != http.StatusOK {
		t.Fatalf("list %s: %d %s", query, r.status, r.raw)
	}
	for _, item := range r.body["data"].([]any) {
		items = append(items, item.(map[string]any))
	}
	return items, r.body["pagination"].(map[string]any)
}

func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = item["id"].(string)
	}
	return out
}

// walkNoNulls fails on any null: the service omits absent values.
func walkNoNulls(t *testing.T, where string, v any) {
	t.Helper()
	switch v := v.(type) {
	case nil:
		t.Fatalf("%s is null; the service omits absent keys", where)
	case map[string]any:
		for k, e := range v {
			walkNoNulls(t, where+"."+k, e)
		}
	case []any:
		for _, e := range v {
			walkNoNulls(t, where+"[]", e)
		}
	}
}

func TestWireFormat(t *testing.T) {
	f := newFixture(t, 60)
	items, pagination := f.list(t, "page[size]=100")
	if len(items) != 60 {
		t.Fatalf("got %d items", len(items))
	}
	if _, ok := pagination["next"]; ok {
		t.Error("the last page must have no next key")
	}
	if _, ok := pagination["previous"]; ok {
		t.Error("the first page must have no previous key")
	}
	for _, item := range items {
		walkNoNulls(t, "list item", item)
		id := item["id"].(string)
		tok, _ := f.mock.Token(id)
		t.Run(id, func(t *testing.T) {
			if !friendlyID.MatchString(id) {
				t.Errorf("id %q is not a friendly id", id)
			}
			for _, k := range []string{"output", "outputType", "outputIsError"} {
				if _, ok := item[k]; ok {
					t.Errorf("list items carry no %s", k)
				}
			}
			if _, ok := item["idempotencyKey"]; ok != (tok.IdempotencyKey != "") {
				t.Errorf("list item has idempotencyKey: %v; the user gave one: %v", ok, tok.IdempotencyKey != "")
			}
			tags, ok := item["tags"].([]any)
			if !ok || !slices.IsSortedFunc(tags, func(a, b any) int { return strings.Compare(a.(string), b.(string)) }) {
				t.Errorf("tags %v must be a sorted array", item["tags"])
			}
			for _, k := range []string{"createdAt", "timeoutAt", "completedAt", "idempotencyKeyExpiresAt"} {
				if v, ok := item[k]; ok && !isoMillis.MatchString(v.(string)) {
					t.Errorf("%s %q is not ISO 8601 with milliseconds and Z", k, v)
				}
			}

			got := f.get("/api/v1/waitpoints/tokens/" + id)
			walkNoNulls(t, "retrieve", got.body)
			if got.body["type"] != "MANUAL" || got.body["idempotencyKey"] == nil || got.body["outputType"] == nil || got.body["outputIsError"] == nil {
				t.Errorf("retrieve lacks a key it always has: %s", got.raw)
			}
			if got.body["userProvidedIdempotencyKey"] != (tok.IdempotencyKey != "") {
				t.Errorf("userProvidedIdempotencyKey = %v", got.body["userProvidedIdempotencyKey"])
			}
			if got.body["completedAfter"] != item["timeoutAt"] || item["completedAfter"] != item["timeoutAt"] {
				t.Errorf("completedAfter %v (list: %v) must equal timeoutAt %v", got.body["completedAfter"], item["completedAfter"], item["timeoutAt"])
			}
			if fmt.Sprint(got.body["tags"]) != fmt.Sprint(tok.Tags) {
				t.Errorf("retrieve tags %v, want the stored order %v", got.body["tags"], tok.Tags)
			}
			if _, ok := got.body["output"]; ok != (tok.Output != nil) {
				t.Errorf("output present: %v, token has one: %v", ok, tok.Output != nil)
			}
			bare := f.get("/api/v1/waitpoints/tokens/" + strings.TrimPrefix(id, "waitpoint_"))
			if bare.status != http.StatusOK || bare.body["id"] != id {
				t.Errorf("retrieve by bare body: %d %s", bare.status, bare.raw)
			}
		})
	}
}

func TestSeedMixAndDeterminism(t *testing.T) {
	a, b := newFixture(t, 40), newFixture(t, 40)
	tokensA, tokensB := a.mock.Tokens(), b.mock.Tokens()
	seen := map[string]bool{}
	for i := range tokensA {
		if tokensA[i].ID != tokensB[i].ID || tokensA[i].Status != tokensB[i].Status || !slices.Equal(tokensA[i].Tags, tokensB[i].Tags) {
			t.Fatalf("token %d differs between two mocks of the same seed", i)
		}
		if i > 0 && !tokensA[i].CreatedAt.Before(tokensA[i-1].CreatedAt) {
			t.Fatalf("token %d is not older than token %d", i, i-1)
		}
		seen[tokensA[i].Status] = true
		seen[tokensA[i].OutputType] = tokensA[i].Output != nil || seen[tokensA[i].OutputType]
		for _, tag := range tokensA[i].Tags {
			seen[tag] = true
		}
	}
	for _, want := range []string{"WAITING", "COMPLETED", "TIMED_OUT", "application/super+json", "application/json", "text/plain", "application/store",
		"approval", "deploy:prod", "deploy:staging", "team:payments", "team:platform", "release"} {
		if !seen[want] {
			t.Errorf("the seed of 40 tokens has no %s", want)
		}
	}
	other := newFixture(t, 40, func(o *mockapi.Options) { o.Seed = 4 })
	if other.mock.Tokens()[0].ID == tokensA[0].ID {
		t.Error("another seed must give other tokens")
	}
}

// TestAuth: each way of getting the key wrong gets the service's own answer.
func TestAuth(t *testing.T) {
	f := newFixture(t, 3)
	cases := []struct {
		name, header, contentType, error string
		absent                           bool
	}{
		{name: "no header", absent: true, contentType: "application/problem+json; charset=utf-8", error: "No authorization header provided"},
		{name: "wrong key", header: "Bearer tr_dev_other", contentType: "application/json; charset=utf-8", error: "Invalid API key"},
		// "Bearer " arrives as "Bearer", which is looked up as a key.
		{name: "empty bearer", header: "Bearer ", contentType: "application/json; charset=utf-8", error: "Invalid API key"},
		{name: "lower-case scheme", header: "bearer " + key, contentType: "application/json; charset=utf-8", error: "Invalid API key"},
		// The service trims what follows "Bearer ", so only spaces are missing.
		{name: "only spaces after the scheme", header: "Bearer \t ", contentType: "application/json; charset=utf-8", error: "Invalid API key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.url+"/api/v1/waitpoints/tokens", nil)
			if !tc.absent {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			var body map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != tc.contentType || body["error"] != tc.error {
				t.Fatalf("got %d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if tc.absent && (body["detail"] == nil || body["status"] != float64(401)) {
				t.Fatalf("problem+json without detail or status: %v", body)
			}
		})
	}
}

func TestPagination(t *testing.T) {
	f := newFixture(t, 60)
	all := f.mock.Tokens()
	items, pagination := f.list(t, "")
	if len(items) != 25 {
		t.Fatalf("default page size: got %d", len(items))
	}
	next, _ := pagination["next"].(string)
	if next == "" || strings.HasPrefix(next, "waitpoint_") || slices.Contains(ids(items), next) {
		t.Fatalf("next %q must be an opaque cursor, not a token id", next)
	}
	var walked []string
	cursor := ""
	for pages := 0; ; pages++ {
		query := "page[size]=7"
		if cursor != "" {
			query += "&page[after]=" + url.QueryEscape(cursor)
		}
		items, pagination := f.list(t, query)
		walked = append(walked, ids(items)...)
		if _, ok := pagination["previous"]; ok != (cursor != "") {
			t.Fatalf("page %d: previous present %v", pages, ok)
		}
		if cursor, _ = pagination["next"].(string); cursor == "" {
			break
		}
	}
	for i, tok := range all {
		if walked[i] != tok.ID {
			t.Fatalf("walking the cursors gave %d tokens, out of order at %d", len(walked), i)
		}
	}
	if len(walked) != len(all) {
		t.Fatalf("walked %d tokens, want %d", len(walked), len(all))
	}

	second, pagination := f.list(t, "page[size]=10&page[after]="+url.QueryEscape(next))
	back, _ := f.list(t, "page[size]=25&page[before]="+url.QueryEscape(pagination["previous"].(string)))
	if !slices.Equal(ids(back), ids(items)) || ids(second)[0] != all[25].ID {
		t.Fatalf("page[before] of the second page must give the first page back")
	}
}

func TestListQueryErrors(t *testing.T) {
	f := newFixture(t, 3)
	for _, query := range []string{"page[size]=0", "page[size]=101", "page[size]=ten", "filter[status]=DONE", "page[size]=", "page[size]=1.5",
		"filter[createdAt][from]=yesterday", "filter[createdAt][to]=2026-13-45"} {
		t.Run(query, func(t *testing.T) {
			r := f.get("/api/v1/waitpoints/tokens?" + query)
			if r.status != http.StatusBadRequest || r.body["error"] != "Query Error" || len(r.body["details"].([]any)) == 0 {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
		})
	}
}

func TestListFilters(t *testing.T) {
	f := newFixture(t, 120)
	all := f.mock.Tokens()
	day := func(n int) time.Time { return f.now.Add(-time.Duration(n) * 24 * time.Hour) }
	cases := []struct {
		query string
		keep  func(mockapi.Token) bool
	}{
		{"filter[status]=WAITING", func(t mockapi.Token) bool { return t.Status == "WAITING" }},
		{"filter[status]=COMPLETED", func(t mockapi.Token) bool { return t.Status == "COMPLETED" }},
		{"filter[status]=TIMED_OUT", func(t mockapi.Token) bool { return t.Status == "TIMED_OUT" }},
		// The quirk: several statuses cannot tell COMPLETED from TIMED_OUT.
		{"filter[status]=WAITING,COMPLETED", func(mockapi.Token) bool { return true }},
		{"filter[status]=WAITING,TIMED_OUT", func(mockapi.Token) bool { return true }},
		{"filter[tags]=deploy:staging,team:payments", func(t mockapi.Token) bool {
			return slices.Contains(t.Tags, "deploy:staging") || slices.Contains(t.Tags, "team:payments")
		}},
		{"filter[idempotencyKey]=release-7", func(t mockapi.Token) bool { return t.IdempotencyKey == "release-7" }},
		{"filter[createdAt][period]=1d12h", func(t mockapi.Token) bool { return !t.CreatedAt.Before(f.now.Add(-36 * time.Hour)) }},
		{"filter[createdAt][period]=2w", func(mockapi.Token) bool { return true }},
		{"filter[createdAt][from]=" + day(3).Format(time.RFC3339) + "&filter[createdAt][to]=" + day(1).Format(time.RFC3339),
			func(t mockapi.Token) bool { return !t.CreatedAt.Before(day(3)) && !t.CreatedAt.After(day(1)) }},
		{"filter[createdAt][from]=" + strconv.FormatInt(day(2).UnixMilli(), 10), func(t mockapi.Token) bool { return !t.CreatedAt.Before(day(2)) }},
		// Period and from together: the later lower bound wins, as on the service.
		{"filter[createdAt][period]=5d&filter[createdAt][from]=" + day(2).Format(time.RFC3339), func(t mockapi.Token) bool { return !t.CreatedAt.Before(day(2)) }},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			items, _ := f.list(t, tc.query+"&page[size]=100")
			var want []string
			for _, tok := range all {
				if tc.keep(tok) {
					want = append(want, tok.ID)
				}
			}
			if len(want) > 100 {
				want = want[:100]
			}
			if got := ids(items); !slices.Equal(got, want) || len(want) == 0 {
				t.Fatalf("got %d tokens, want %d", len(got), len(want))
			}
		})
	}
}

// TestLatency: Options.Latency delays every answer, as a distant service does.
func TestLatency(t *testing.T) {
	f := newFixture(t, 3, func(o *mockapi.Options) { o.Latency = 60 * time.Millisecond })
	for _, path := range []string{"/api/v1/waitpoints/tokens", "/api/v1/waitpoints/tokens/" + f.mock.Tokens()[0].ID} {
		start := time.Now()
		if r := f.get(path); r.status != http.StatusOK || time.Since(start) < 60*time.Millisecond {
			t.Fatalf("%s: %d after %s, want 200 after the latency", path, r.status, time.Since(start))
		}
	}
}

func TestWaitForRequests(t *testing.T) {
	f := newFixture(t, 1)
	retrieves := func(n int) func([]mockapi.Request) bool {
		return func(rs []mockapi.Request) bool {
			seen := 0
			for _, r := range rs {
				if r.Method == http.MethodGet && r.Status == http.StatusOK {
					seen++
				}
			}
			return seen >= n
		}
	}
	done := make(chan error, 1)
	go func() { done <- f.mock.WaitForRequests(t.Context(), retrieves(2)) }()
	id := f.mock.Tokens()[0].ID
	f.call(http.MethodGet, "/api/v1/waitpoints/tokens/"+id, "", true)
	select {
	case err := <-done:
		t.Fatalf("returned after one retrieve of two: %v", err)
	default:
	}
	f.call(http.MethodGet, "/api/v1/waitpoints/tokens/"+id, "", true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := f.mock.WaitForRequests(ctx, retrieves(3)); err == nil || !strings.Contains(err.Error(), "saw 2 answered requests") {
		t.Fatalf("a cancelled wait returned %v, want the count seen and the context's error", err)
	}
}

// compact is a JSON body without its indentation.
func compact(t *testing.T, raw []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return b.String()
}

// TestListQuery_asTheServiceReads: the query is read as the service's
// Object.fromEntries and zod do (the differential test found each case): a
// repeated key keeps its last value, page[size] goes through JavaScript's
// Number(), a period is never refused, and an empty to= is the epoch.
func TestListQuery_asTheServiceReads(t *testing.T) {
	f := newFixture(t, 30)
	cases := []struct {
		query string
		want  int // tokens on the page
	}{
		{"page[size]=1e1", 10},
		{"page[size]=%205", 5},
		{"page[size]=0x3", 3},
		{"page[size]=1.0", 1},
		{"page[size]=7&page[size]=2", 2},
		{"page[size]=30&filter[status]=DONE&filter[status]=WAITING", 12},
		{"page[size]=30&filter[createdAt][period]=bogus", 30},
		{"page[size]=30&filter[createdAt][period]=0", 0},
		{"page[size]=30&filter[createdAt][period]=about%202%20weeks", 30},
		{"page[size]=30&filter[createdAt][to]=", 0},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			if items, _ := f.list(t, tc.query); len(items) != tc.want {
				t.Fatalf("got %d tokens, want %d", len(items), tc.want)
			}
		})
	}
	r := f.get("/api/v1/waitpoints/tokens?page[size]=0")
	details, _ := r.body["details"].([]any)
	if r.status != http.StatusBadRequest || len(details) != 2 {
		t.Fatalf("page[size]=0: got %d %s, want 400 with two issues (positive, min 1)", r.status, r.raw)
	}
}

// TestPagination_idCursor: a cursor is the token's id without waitpoint_, as
// on the service, so a cursor made from an id resumes after that token.
func TestPagination_idCursor(t *testing.T) {
	f := newFixture(t, 6)
	first, _ := f.list(t, "page[size]=6")
	all := ids(first)
	items, pagination := f.list(t, "page[size]=2&page[after]="+strings.TrimPrefix(all[1], "waitpoint_"))
	if got := ids(items); !slices.Equal(got, all[2:4]) || pagination["next"] != strings.TrimPrefix(all[3], "waitpoint_") {
		t.Fatalf("after %s: %v %v, want %v", all[1], got, pagination, all[2:4])
	}
}
