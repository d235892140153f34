package client_test

import (
	"context"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestBadAnswers: an answer that is not what the API documents is an error
// naming the operation and the endpoint, never a token read as empty.
func TestBadAnswers(t *testing.T) {
	const html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
	cases := []struct {
		name  string
		list  bool
		fault mockapi.Fault
		want  string
	}{
		{"HTML error page", false, mockapi.Fault{Status: 502, Body: html, ContentType: "text/html"}, `retrieve waitpoint token "TOKEN": HTTP 502: Bad Gateway`},
		{"HTML page with 200", false, mockapi.Fault{Body: html, ContentType: "text/html"}, `malformed response body from /api/v1/waitpoints/tokens/TOKEN (Content-Type "text/html"): invalid character '<'`},
		{"malformed JSON", false, mockapi.Fault{Body: `{"id": "waitpoint_a", "status": }`}, `malformed response body from /api/v1/waitpoints/tokens/TOKEN`},
		{"truncated body", false, mockapi.Fault{Truncate: true}, `unexpected end of JSON input`},
		{"empty object", false, mockapi.Fault{Body: `{}`}, `not a waitpoint token: it has no id or no status`},
		{"a list page instead of a token", false, mockapi.Fault{Body: `{"data":[],"pagination":{}}`}, `not a waitpoint token`},
		{"wrong type", false, mockapi.Fault{Body: `{"id": 7, "status": "WAITING"}`}, `cannot unmarshal number into Go struct field Token.id of type string`},
		{"an array", false, mockapi.Fault{Body: `[]`}, `cannot unmarshal array`},
		{"list: HTML page", true, mockapi.Fault{Body: html, ContentType: "text/html"}, `list waitpoint tokens: malformed response body from /api/v1/waitpoints/tokens (Content-Type "text/html")`},
		{"list: no data", true, mockapi.Fault{Body: `{"items":[]}`}, `not a page of waitpoint tokens: it has no "data" array`},
		{"list: data of the wrong type", true, mockapi.Fault{Body: `{"data":{"id":"waitpoint_a"}}`}, `cannot unmarshal object`},
		{"list: an item that is not a token", true, mockapi.Fault{Body: `{"data":[{"name":"x"}]}`}, `item 0: not a waitpoint token`},
		{"list: truncated", true, mockapi.Fault{Truncate: true}, `unexpected end of JSON input`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 3, client.Config{MaxRetries: new(0)})
			mock.InjectFault(tc.fault)
			id := mock.Tokens()[0].ID
			var err error
			if tc.list {
				_, err = collect(t, c, client.ListParams{})
			} else {
				_, err = c.GetToken(context.Background(), id)
			}
			if want := strings.ReplaceAll(tc.want, "TOKEN", id); err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("got %v, want an error containing %q", err, want)
			}
		})
	}
}
