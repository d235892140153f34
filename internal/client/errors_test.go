package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestAPIError_message: the error carries the server's own words, whichever of
// its error shapes it used.
func TestAPIError_message(t *testing.T) {
	final := http.Header{"X-Should-Retry": {"false"}}
	cases := []struct {
		name  string
		fault mockapi.Fault
		want  string
	}{
		{name: "error field", fault: mockapi.Fault{Status: 403, Body: `{"error":"Forbidden for this environment"}`},
			want: "HTTP 403: Forbidden for this environment"},
		{name: "validation issues", fault: mockapi.Fault{Status: 400, Body: `{"error":"Query Error","details":[{"code":"invalid_enum_value","message":"Invalid enum value","path":["filter[status]",0]},{"message":"Expected number","path":["page[size]"]}]}`},
			want: "HTTP 400: Query Error: filter[status].0: Invalid enum value; page[size]: Expected number"},
		{name: "details as strings", fault: mockapi.Fault{Status: 422, Body: `{"error":"Query Error","details":["page[size]: must be an integer from 1 to 100"]}`},
			want: "HTTP 422: Query Error: page[size]: must be an integer from 1 to 100"},
		{name: "details of another shape", fault: mockapi.Fault{Status: 400, Body: `{"error":"Bad","details":{"field":"x"}}`},
			want: `HTTP 400: Bad: {"field":"x"}`},
		{name: "long details shortened", fault: mockapi.Fault{Status: 400, Body: `{"error":"Bad","details":{"field":"` + strings.Repeat("x", 1000) + `"}}`},
			want: `HTTP 400: Bad: {"field":"` + strings.Repeat("x", 290) + "…"},
		{name: "problem+json detail", fault: mockapi.Fault{Status: 429, Header: final, Body: `{"title":"Rate Limit Exceeded","status":429,"detail":"Retry after the reset."}`},
			want: "HTTP 429: Retry after the reset."},
		{name: "problem+json title", fault: mockapi.Fault{Status: 409, Header: final, Body: `{"title":"Conflict over here"}`},
			want: "HTTP 409: Conflict over here"},
		{name: "not JSON", fault: mockapi.Fault{Status: 502, Header: final, Body: `<html>bad gateway</html>`},
			want: "HTTP 502: Bad Gateway"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 1, client.Config{})
			mock.InjectFault(tc.fault)
			id := mock.Tokens()[0].ID
			_, err := c.GetToken(context.Background(), id)
			var apiErr *client.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.fault.Status {
				t.Fatalf("got %v, want an *APIError with HTTP %d", err, tc.fault.Status)
			}
			if want := `retrieve waitpoint token "` + id + `": ` + tc.want; err.Error() != want {
				t.Fatalf("got  %q\nwant %q", err, want)
			}
			if n := len(mock.Requests()); n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
		})
	}
}

// TestAPIError_redactsSecrets: an error body that echoes the API key or a
// callback URL (a misbehaving server or proxy) reaches the error with both
// hidden, in each of the body's shapes, also where details are shortened
// across the key and where the JSON escapes the secret.
func TestAPIError_redactsSecrets(t *testing.T) {
	const hash = "0123456789abcdef0123456789abcdef01234567"
	callback := "https://api.trigger.dev/api/v1/waitpoints/tokens/waitpoint_a/callback/" + hash
	cases := []struct{ name, body, want string }{
		{"error field", `{"error":"bad header: Bearer ` + testKey + `"}`, "HTTP 401: bad header: Bearer (API key)"},
		{"callback url", `{"error":"already completed through ` + callback + `"}`,
			"HTTP 401: already completed through https://api.trigger.dev/api/v1/waitpoints/tokens/waitpoint_a/callback/(redacted)"},
		{"problem detail", `{"detail":"key ` + testKey + ` refused"}`, "HTTP 401: key (API key) refused"},
		{"escaped in JSON", `{"error":"key tr\u005fdev_client_test_key_42 at callback\/` + hash + `"}`, "HTTP 401: key (API key) at callback/(redacted)"},
		{"details shortened across the key", `{"error":"Bad","details":{"echo":"` + strings.Repeat("x", 288) + testKey + `"}}`,
			`HTTP 401: Bad: {"echo":"` + strings.Repeat("x", 288) + "(AP…"},
		{"raw details with an escaped callback", `{"error":"Bad","details":{"url":"callback\/` + hash + `"}}`, `HTTP 401: Bad: {"url":"callback\/(redacted)"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 1, client.Config{})
			mock.InjectFault(mockapi.Fault{Status: http.StatusUnauthorized, Body: tc.body})
			_, err := c.GetToken(context.Background(), mock.Tokens()[0].ID)
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
				t.Fatalf("got  %v\nwant the suffix %q", err, tc.want)
			}
			for _, secret := range []string{testKey, hash, "tr_dev_client"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("%q in the error: %v", secret, err)
				}
			}
		})
	}
}

// TestErrors_redactServerTextBesidesTheBody: the other server-provided text
// an error quotes, a content type and a repeated cursor, is redacted too.
func TestErrors_redactServerTextBesidesTheBody(t *testing.T) {
	mock, c, _ := newMock(t, 1, client.Config{})
	mock.InjectFault(mockapi.Fault{Body: "<html>", ContentType: "text/html; key=" + testKey})
	if _, err := c.GetToken(context.Background(), mock.Tokens()[0].ID); err == nil || strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), `key=(API key)`) {
		t.Fatalf("a content type echoing the key: %v", err)
	}
	mock.InjectFault(mockapi.Fault{Body: `{"data":[],"pagination":{"next":"` + testKey + `"}}`, Count: 2})
	_, err := collect(t, c, client.ListParams{})
	if err == nil || strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), `cursor it had already returned: "(API key)"`) {
		t.Fatalf("a cursor echoing the key: %v", err)
	}
}
