package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const testKey = "tr_dev_client_test_key_42"

// hangBound is the one time bound of a test, as in the provider's tests:
// long enough for a slow, busy machine, there only to stop a hang.
const hangBound = 5 * time.Minute

// newMock starts a mock API on loopback and a client for it.
func newMock(t testing.TB, tokens int, cfg client.Config) (*mockapi.Server, *client.Client, string) {
	t.Helper()
	mock, url := mockapi.Start(t, mockapi.Options{APIKey: testKey, Tokens: tokens, Seed: 7})
	return mock, newClient(t, url, cfg), url
}

func newClient(t testing.TB, baseURL string, cfg client.Config) *client.Client {
	t.Helper()
	cfg.BaseURL = baseURL
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	if cfg.MinRetryWait == 0 {
		cfg.MinRetryWait = 10 * time.Millisecond
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func collect(t *testing.T, c *client.Client, p client.ListParams) ([]client.Token, error) {
	t.Helper()
	var out []client.Token
	for tok, err := range c.ListTokens(context.Background(), p).All() {
		if err != nil {
			return out, err
		}
		out = append(out, tok)
	}
	return out, nil
}

func TestNew_validatesBaseURL(t *testing.T) {
	cases := []struct {
		baseURL string
		ok      bool
	}{
		{baseURL: "", ok: true}, // the default
		{baseURL: "https://api.trigger.dev", ok: true},
		{baseURL: "https://api.trigger.dev/", ok: true},
		{baseURL: "http://127.0.0.1:8080/prefix/", ok: true},
		{baseURL: "api.trigger.dev"},
		{baseURL: "ftp://api.trigger.dev"},
		{baseURL: "http://"},
		{baseURL: "://x"},
		{baseURL: "https://api.trigger.dev/?key=" + testKey},
		{baseURL: "https://api.trigger.dev/#frag"},
		{baseURL: "https://api.trigger.dev/?"},
	}
	for _, tc := range cases {
		t.Run(tc.baseURL, func(t *testing.T) {
			_, err := client.New(client.Config{BaseURL: tc.baseURL, APIKey: testKey})
			if tc.ok != (err == nil) {
				t.Fatalf("got %v, want ok: %v", err, tc.ok)
			}
			if err == nil {
				return
			}
			msg := err.Error()
			if !strings.Contains(msg, "must be an absolute http:// or https:// URL without query or fragment") || strings.Contains(msg, testKey) {
				t.Fatalf("error %q must say what is wrong, without the key", msg)
			}
			if !strings.Contains(tc.baseURL, testKey) && !strings.Contains(msg, strconv.Quote(tc.baseURL)) {
				t.Fatalf("error %q must name the value", msg)
			}
		})
	}
}

// TestNew_boundsMaxRetries: nil is the default, 0 is none, and New refuses a
// count outside 0 to MaxRetriesLimit, naming max_retries and the bound.
func TestNew_boundsMaxRetries(t *testing.T) {
	cases := []struct {
		name       string
		maxRetries *int
		requests   int // attempts against a server that always answers 503; 0: New refuses
	}{
		{name: "nil is the default", requests: 1 + client.DefaultMaxRetries},
		{name: "zero is none", maxRetries: new(0), requests: 1},
		{name: "the limit", maxRetries: new(client.MaxRetriesLimit), requests: 1 + client.MaxRetriesLimit},
		{name: "over the limit", maxRetries: new(client.MaxRetriesLimit + 1)},
		{name: "negative", maxRetries: new(-1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, url := mockapi.Start(t, mockapi.Options{APIKey: testKey, Tokens: 1})
			cfg := client.Config{BaseURL: url, APIKey: testKey, MaxRetries: tc.maxRetries, MinRetryWait: time.Millisecond, MaxRetryWait: time.Millisecond}
			c, err := client.New(cfg)
			if tc.requests == 0 {
				want := fmt.Sprintf("max_retries must be 0 to %d, got %d", client.MaxRetriesLimit, *tc.maxRetries)
				if err == nil || err.Error() != want {
					t.Fatalf("got %v, want %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mock.InjectFault(mockapi.Fault{Status: 503, Count: 100})
			if _, err := c.GetToken(context.Background(), mock.Tokens()[0].ID); err == nil {
				t.Fatal("got no error from a server answering 503")
			}
			if n := len(mock.Requests()); n != tc.requests {
				t.Fatalf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}

// TestRequests_carryHeadersAndTolerateTrailingSlash: every request has the bearer
// key, asks for JSON, names the caller, and a base URL's trailing slash or path
// prefix does not bend the route.
func TestRequests_carryHeadersAndTolerateTrailingSlash(t *testing.T) {
	seen := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r
		_, _ = w.Write([]byte(`{"id":"waitpoint_a","status":"WAITING","tags":[],"createdAt":"2026-01-05T10:00:00.000Z"}`))
	}))
	defer srv.Close()
	c := newClient(t, srv.URL+"/prefix/", client.Config{UserAgent: "terraform-provider-triggerdev/1.2.3 Terraform/1.11.4"})
	if _, err := c.GetToken(context.Background(), "waitpoint_a"); err != nil {
		t.Fatal(err)
	}
	r := <-seen
	want := map[string]string{
		"Authorization": "Bearer " + testKey,
		"Accept":        "application/json",
		"User-Agent":    "terraform-provider-triggerdev/1.2.3 Terraform/1.11.4",
	}
	for name, value := range want {
		if got := r.Header.Get(name); got != value {
			t.Errorf("%s: %q, want %q", name, got, value)
		}
	}
	if r.URL.Path != "/prefix/api/v1/waitpoints/tokens/waitpoint_a" {
		t.Errorf("path %q", r.URL.Path)
	}
}

func TestGetToken_emptyIDIsRefusedBeforeAnyRequest(t *testing.T) {
	mock, c, _ := newMock(t, 1, client.Config{})
	if _, err := c.GetToken(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "id is empty") {
		t.Fatalf("got %v", err)
	}
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("%d requests, want none", n)
	}
}

func TestGetToken_errors(t *testing.T) {
	cases := []struct {
		name     string
		key      string
		id       string
		fault    *mockapi.Fault
		status   int
		message  string
		notFound bool
	}{
		{name: "unauthorized", key: "wrong", id: "waitpoint_x", status: 401, message: "Invalid API key"},
		{name: "not found (the spec's 404)", id: "waitpoint_missing", fault: &mockapi.Fault{Status: 404, Body: `{"error":"Waitpoint not found"}`}, status: 404, message: "Waitpoint not found", notFound: true},
		{name: "bad request", id: "waitpoint_x", fault: &mockapi.Fault{Status: 400, Body: `{"error":"Query Error","details":["page[size]"]}`}, status: 400, message: "Query Error"},
		{name: "unprocessable", id: "waitpoint_x", fault: &mockapi.Fault{Status: 422, Body: `{"error":"Invalid status"}`}, status: 422, message: "Invalid status"},
		{name: "forbidden", id: "waitpoint_x", fault: &mockapi.Fault{Status: 403, Body: `{"error":"Forbidden for this environment"}`}, status: 403, message: "Forbidden for this environment"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, url := newMock(t, 3, client.Config{})
			if tc.key != "" {
				c = newClient(t, url, client.Config{APIKey: tc.key})
			}
			if tc.fault != nil {
				mock.InjectFault(*tc.fault)
			}
			_, err := c.GetToken(context.Background(), tc.id)
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("got %v, want HTTP %d with %q", err, tc.status, tc.message)
			}
			if _, unknown := client.UnknownToken(err); unknown != tc.notFound {
				t.Errorf("UnknownToken = %v", !tc.notFound)
			}
			if strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), tc.id) {
				t.Errorf("error must name the id and not the key: %v", err)
			}
			if n := len(mock.Requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no retry)", n)
			}
		})
	}
}

func TestGetToken_decodesRealAndSpecShapes(t *testing.T) {
	mock, c, _ := newMock(t, 30, client.Config{})
	for _, want := range mock.Tokens() {
		got, err := c.GetToken(context.Background(), want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != want.ID || string(got.Status) != want.Status || !got.CreatedAt.Equal(want.CreatedAt) ||
			got.OutputType == nil || *got.OutputType != want.OutputType || (got.Output == nil) != (want.Output == nil) ||
			strings.Join(got.Tags, ",") != strings.Join(slices.Sorted(slices.Values(want.Tags)), ",") || got.IdempotencyKey == nil {
			t.Fatalf("token %s decoded as %+v, mock has %+v", want.ID, got, want)
		}
	}

	// The OpenAPI pages' shape: nulls instead of omitted keys, previous: null.
	spec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/tokens") {
			_, _ = w.Write([]byte(`{"data":[{"id":"waitpoint_a","url":"u","status":"WAITING","idempotencyKey":null,"idempotencyKeyExpiresAt":null,"timeoutAt":null,"completedAt":null,"output":null,"outputType":null,"outputIsError":null,"tags":[],"createdAt":"2026-01-05T10:00:00.000Z","unknownKey":{"x":1}}],"pagination":{"next":null,"previous":null}}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"waitpoint_a","url":"u","status":"COMPLETED","idempotencyKey":null,"completedAt":"2026-01-05T10:00:01.000Z","output":"{\"a\":1}","outputType":"application/json","outputIsError":false,"tags":["x"],"createdAt":"2026-01-05T10:00:00Z"}`))
	}))
	defer spec.Close()
	sc := newClient(t, spec.URL, client.Config{})
	tokens, err := collect(t, sc, client.ListParams{})
	if err != nil || len(tokens) != 1 || tokens[0].IdempotencyKey != nil || tokens[0].TimeoutAt != nil || tokens[0].Output != nil {
		t.Fatalf("spec list shape: %v %+v", err, tokens)
	}
	tok, err := sc.GetToken(context.Background(), "waitpoint_a")
	if err != nil || tok.CompletedAt == nil || *tok.Output != `{"a":1}` || tok.IdempotencyKey != nil {
		t.Fatalf("spec retrieve shape: %v %+v", err, tok)
	}
}

func TestGetToken_escapesID(t *testing.T) {
	mock, c, _ := newMock(t, 1, client.Config{})
	_, err := c.GetToken(context.Background(), "a/b?c#d")
	if _, ok := errors.AsType[*client.APIError](err); !ok {
		t.Fatalf("got %v, want the service's answer for an unknown id", err)
	}
	if got := mock.Requests()[0].Path; got != "/api/v1/waitpoints/tokens/a/b?c#d" {
		t.Fatalf("the id must stay one path segment, server saw path %q", got)
	}
}

// TestGetToken_sortsTags: retrieve answers tags in stored order; the client
// sorts them as the list endpoint does, so a token reads the same either way.
func TestGetToken_sortsTags(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"id":"waitpoint_a","url":"u","status":"WAITING","tags":["team:b","deploy:prod","approval"],"createdAt":"2026-01-05T10:00:00.266Z"}`))
	}))
	defer srv.Close()
	tok, err := newClient(t, srv.URL, client.Config{}).GetToken(context.Background(), "waitpoint_a")
	if err != nil || !slices.Equal(tok.Tags, []string{"approval", "deploy:prod", "team:b"}) {
		t.Fatalf("got %v, %v; want the tags sorted", tok.Tags, err)
	}
}

// TestUnknownToken: a retrieve answered 404 (the spec) or 500 (the real
// service, for an id its environment does not have) may mean no such token;
// other answers, and other operations, do not.
func TestUnknownToken(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		unknown bool
	}{
		{"the real service's 500", 500, `{"error":"Internal Server Error"}`, true},
		{"the spec's 404", 404, `{"error":"Waitpoint not found"}`, true},
		{"a refused key", 401, `{"error":"Invalid API key"}`, false},
		{"a bad request", 400, `{"error":"Params Error"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				requests++
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, err := newClient(t, srv.URL, client.Config{MaxRetries: new(0)}).GetToken(context.Background(), "waitpoint_gone")
			apiErr, unknown := client.UnknownToken(err)
			if unknown != tc.unknown {
				t.Fatalf("UnknownToken = %v for %v", unknown, err)
			}
			if unknown && (apiErr.TokenID != "waitpoint_gone" || !strings.Contains(apiErr.Reply(), strconv.Itoa(tc.status))) {
				t.Fatalf("the answer must name the id and the status: %+v", apiErr)
			}
			if requests != 1 {
				t.Fatalf("%d requests with retries off", requests)
			}
		})
	}
}
