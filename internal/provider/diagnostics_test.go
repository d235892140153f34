package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const htmlErrorPage = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"

// TestAccProvider_faults: a server misbehaving in each way a real one does ends
// in success within the retry budget, or in one clear error naming the
// endpoint. The request counts tell a failure at once from one after retries;
// time is bounded only to catch a hang. The provider's retry waits are its
// defaults (1s doubling), so bursts are kept short.
func TestAccProvider_faults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		list     bool            // read through triggerdev_waitpoint_tokens instead of one token
		settings attrs           // provider settings besides the key and URL
		faults   []mockapi.Fault // queued in order
		want     string          // the error's words (TOKEN is the token's id); empty for success
		requests int
		atLeast  time.Duration // the waits the server asked for
	}{
		{name: "500 and 502 within the retry budget", faults: []mockapi.Fault{{Status: 500}, {Status: 502}}, requests: 3},
		{name: "503 burst beyond the budget", settings: attrs{"max_retries": 1}, faults: []mockapi.Fault{{Status: 503, Count: 3}},
			want: `Could not read waitpoint token "TOKEN": HTTP 503: Service Unavailable`, requests: 2},
		{name: "502 burst beyond the budget of a list", list: true, settings: attrs{"max_retries": 1}, faults: []mockapi.Fault{{Status: 502, Count: 3}},
			want: `Could not list waitpoint tokens: HTTP 502: Bad Gateway`, requests: 2},
		{name: "429 reset two seconds ahead is waited out", faults: []mockapi.Fault{{RateLimitReset: 2 * time.Second}},
			requests: 2, atLeast: 1900 * time.Millisecond},
		{name: "Retry-After of a day fails at once", faults: []mockapi.Fault{{Status: 503, Header: http.Header{"Retry-After": {"86400"}}}},
			want: `HTTP 503: Service Unavailable. The service asked to retry after 24h, longer than the 1m the client waits at most`, requests: 1},
		{name: "rate-limit reset an hour ahead fails at once", list: true, faults: []mockapi.Fault{{RateLimitReset: time.Hour}},
			want: `Could not list waitpoint tokens: HTTP 429: Rate limit exceeded 0/750 requests remaining. Retry in 3600 seconds. The service asked to retry after 1h`, requests: 1},
		{name: "slow server hits request_timeout", settings: attrs{"request_timeout": "500ms", "max_retries": 0}, faults: []mockapi.Fault{{Latency: time.Minute}},
			want: `retrieve waitpoint token "TOKEN": no answer within the request timeout of 500ms: Get "URL/api/v1/waitpoints/tokens/TOKEN": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, requests: 1},
		{name: "slow server retried within the budget", settings: attrs{"request_timeout": "500ms"}, faults: []mockapi.Fault{{Latency: time.Minute}}, requests: 2},
		{name: "connection reset then answered", faults: []mockapi.Fault{{Reset: true}}, requests: 2},
		{name: "connection resets beyond the budget", settings: attrs{"max_retries": 1}, faults: []mockapi.Fault{{Reset: true, Count: 2}},
			want: `retrieve waitpoint token "TOKEN": Get "URL/api/v1/waitpoints/tokens/TOKEN": read tcp 127.0.0.1:`, requests: 2},
		{name: "HTML error page", settings: attrs{"max_retries": 0}, faults: []mockapi.Fault{{Status: 502, Body: htmlErrorPage, ContentType: "text/html"}},
			want: `Could not read waitpoint token "TOKEN": HTTP 502: Bad Gateway`, requests: 1},
		{name: "HTML page with 200", faults: []mockapi.Fault{{Body: htmlErrorPage, ContentType: "text/html"}},
			want: `retrieve waitpoint token "TOKEN": malformed response body from /api/v1/waitpoints/tokens/TOKEN (Content-Type "text/html"): invalid character '<'`, requests: 1},
		{name: "malformed JSON", list: true, faults: []mockapi.Fault{{Body: `{"data":[{"id":"waitpoint_a",]}`}},
			want: `Could not list waitpoint tokens: malformed response body from /api/v1/waitpoints/tokens (Content-Type "application/json"): invalid character ']'`, requests: 1},
		{name: "truncated body", faults: []mockapi.Fault{{Truncate: true}},
			want: `malformed response body from /api/v1/waitpoints/tokens/TOKEN (Content-Type "application/json; charset=utf-8"): unexpected end of JSON input`, requests: 1},
		{name: "200 of the wrong shape", faults: []mockapi.Fault{{Body: `{"data":[],"pagination":{}}`}},
			want: `malformed response body from /api/v1/waitpoints/tokens/TOKEN (Content-Type "application/json"): not a waitpoint token: it has no id or no status`, requests: 1},
		{name: "200 of the wrong shape on a list", list: true, faults: []mockapi.Fault{{Body: `{"tokens":[]}`}},
			want: `Could not list waitpoint tokens: malformed response body from /api/v1/waitpoints/tokens (Content-Type "application/json"): not a page of waitpoint tokens: it has no "data" array`, requests: 1},
		{name: "error body echoing the key and a callback URL", settings: attrs{"max_retries": 0},
			faults: []mockapi.Fault{{Status: 502, Body: `{"error":"proxy refused Bearer KEY for CALLBACK"}`}},
			want:   `Could not read waitpoint token "TOKEN": HTTP 502: proxy refused Bearer (API key) for URL/api/v1/waitpoints/tokens/TOKEN/callback/(redacted)`, requests: 1},
		{name: "repeated cursor", list: true, faults: []mockapi.Fault{{Body: `{"data":[],"pagination":{"next":"cursor_1"}}`, Count: 2}},
			want: `Could not list waitpoint tokens: the service returned a cursor it had already returned: "cursor_1"`, requests: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, 0)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			for _, f := range tc.faults {
				// The secrets a misbehaving server may echo; the suite's log
				// scan (TestMain) fails if either reaches TF_LOG.
				f.Body = strings.NewReplacer("KEY", testAPIKey, "CALLBACK", mock.CallbackURL(url, tok.ID)).Replace(f.Body)
				mock.InjectFault(f)
			}
			step := resource.TestStep{Config: faultConfig(url, tok.ID, tc.list, tc.settings)}
			if tc.want != "" {
				step.ExpectError = wrappedText(strings.NewReplacer("TOKEN", tok.ID, "URL", url).Replace(tc.want))
			} else if !tc.list {
				step.ConfigStateChecks = []statecheck.StateCheck{attrCheck("status", knownvalue.StringExact("WAITING"))}
			}
			start := time.Now()
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
			took := time.Since(start)
			t.Logf("took %s", took.Round(time.Millisecond))
			if took < tc.atLeast || took > hangBound {
				t.Fatalf("took %s, want %s to %s", took, tc.atLeast, hangBound)
			}
			checkRequests(t, mock, tc.want == "", tc.requests)
		})
	}
}

// checkRequests asserts the requests of the first read: all of them when it
// failed (nothing follows), else the failed attempts before its success (the
// CLI reads again at apply and after).
func checkRequests(t *testing.T, mock *mockapi.Server, succeeded bool, want int) {
	t.Helper()
	requests := mock.Requests()
	failed := 0
	for _, r := range requests {
		if r.Status != http.StatusOK {
			failed++
		}
	}
	switch {
	case !succeeded && len(requests) != want:
		t.Fatalf("the mock saw %d requests, want %d", len(requests), want)
	case succeeded && failed != want-1:
		t.Fatalf("the mock saw %d failed attempts, want %d before the success", failed, want-1)
	}
}

// faultConfig reads the token, or lists tokens, with the provider settings.
func faultConfig(url, id string, list bool, settings attrs) string {
	provider := attrs{"api_key": testAPIKey, "api_url": url}
	for k, v := range settings {
		provider[k] = v
	}
	read := fmt.Sprintf(tokenBlock, id)
	if list {
		read = "data \"triggerdev_waitpoint_tokens\" \"test\" {}\n"
	}
	return "provider \"triggerdev\" " + hcl(provider, "") + "\n" + read
}

// TestAddClientError_interrupted: an interrupt says so, and nothing else: not
// an API error, not Go's "context canceled".
func TestAddClientError_interrupted(t *testing.T) {
	var diags diag.Diagnostics
	addClientError(&diags, `wait for waitpoint token "waitpoint_a"`, fmt.Errorf("waitpoint token %q: %w", "waitpoint_a", context.Canceled))
	if diags.ErrorsCount() != 1 {
		t.Fatalf("got %v, want one error", diags)
	}
	d := diags.Errors()[0]
	if d.Summary() != "Interrupted" || d.Detail() != `Stopped trying to wait for waitpoint token "waitpoint_a": the operation was interrupted.` {
		t.Fatalf("got %q: %q", d.Summary(), d.Detail())
	}
}
