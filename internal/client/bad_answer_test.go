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

// TestBadAnswers_runs: a run operation's answer without the shape the API
// documents is an error naming the operation, never a run read as empty.
func TestBadAnswers_runs(t *testing.T) {
	cases := []struct {
		name string
		body string
		call func(c *client.Client) error
		want string
	}{
		{"trigger: no id", `{"isCached":false}`, func(c *client.Client) error {
			_, err := c.TriggerTask(context.Background(), "t", client.TriggerRequest{IdempotencyKey: "k"})
			return err
		}, `trigger task "t" with idempotency key "k": malformed response body from /api/v1/tasks/t/trigger (Content-Type "application/json"): not a triggered run: it has no id`},
		{"retrieve: a token instead of a run", `{"id":"waitpoint_a","status":"WAITING"}`, func(c *client.Client) error {
			_, err := c.RetrieveRun(context.Background(), "run_a")
			return err
		}, `retrieve run "run_a": malformed response body from /api/v3/runs/run_a (Content-Type "application/json"): not a task run: it has no id, status or taskIdentifier`},
		{"cancel: no id", `{}`, func(c *client.Client) error {
			_, err := c.CancelRun(context.Background(), "run_a")
			return err
		}, `not a canceled run: it has no id`},
		{"list: no data", `{"items":[]}`, func(c *client.Client) error { return firstRunError(c) }, `list runs: malformed response body from /api/v1/runs (Content-Type "application/json"): not a page of runs: it has no "data" array`},
		{"list: an item that is not a run", `{"data":[{"id":"run_a"}],"pagination":{}}`, func(c *client.Client) error { return firstRunError(c) }, `item 0: not a task run`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 0, client.Config{MaxRetries: new(0)})
			mock.InjectFault(mockapi.Fault{Body: tc.body})
			if err := tc.call(c); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// firstRunError ranges over a run listing and returns its first error.
func firstRunError(c *client.Client) error {
	for _, err := range c.ListRuns(context.Background(), client.RunListParams{}).All() {
		if err != nil {
			return err
		}
	}
	return nil
}
