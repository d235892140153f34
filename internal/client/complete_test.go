package client_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestCompleteToken: the data reaches the token as the official SDK's
// wait.completeToken would leave it, and reads back as sent.
func TestCompleteToken(t *testing.T) {
	cases := []struct {
		name       string
		data       json.RawMessage
		output     *string // the mock's stored output
		outputType string
	}{
		{name: "object", data: json.RawMessage(`{"endpoint":"https://tenant-7.example.com","id":7}`),
			output: new(`{"json":{"endpoint":"https://tenant-7.example.com","id":7}}`), outputType: client.OutputTypeSuperJSON},
		{name: "string", data: json.RawMessage(`"ready"`), output: new("ready"), outputType: client.OutputTypeText},
		{name: "number", data: json.RawMessage(`42`), output: new(`{"json":42}`), outputType: client.OutputTypeSuperJSON},
		{name: "null", data: json.RawMessage(`null`), output: new(`{"json":null}`), outputType: client.OutputTypeSuperJSON},
		{name: "absent", data: nil, outputType: client.OutputTypeJSON},
		{name: "empty", data: json.RawMessage{}, outputType: client.OutputTypeJSON},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, c, _ := newCreates(t)
			id := rec.mock.CreateToken(mockapi.TokenSpec{}).ID
			if err := c.CompleteToken(context.Background(), id, tc.data); err != nil {
				t.Fatal(err)
			}
			tok, _ := rec.mock.Token(id)
			if tok.Status != "COMPLETED" || deref(tok.Output) != deref(tc.output) || tok.OutputType != tc.outputType {
				t.Fatalf("the mock's token is %s with output %s (%s), want COMPLETED with %s (%s)",
					tok.Status, deref(tok.Output), tok.OutputType, deref(tc.output), tc.outputType)
			}
			read, err := c.GetToken(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			got, err := read.OutputJSON()
			want := (*string)(nil)
			if len(tc.data) > 0 {
				want = new(string(tc.data))
			}
			if err != nil || deref(got) != deref(want) {
				t.Fatalf("read back %s (%v), want %s", deref(got), err, deref(want))
			}
		})
	}
}

// TestCompleteToken_answers: a complete is retried like any call, is a no-op
// on a completed token, and its errors name the id, never the data.
func TestCompleteToken_answers(t *testing.T) {
	const secret = `{"password":"hunter2"}`
	cases := []struct {
		name     string
		id       string // "": the mock's token
		data     string
		fault    *mockapi.Fault
		again    bool // complete the token twice
		requests int
		status   int // of the APIError; 0: success
		unknown  bool
		want     string // in the error
	}{
		{name: "retried after a 502", data: secret, fault: &mockapi.Fault{Status: 502}, requests: 2},
		{name: "answer lost after the work: the retry is a no-op", data: secret, fault: &mockapi.Fault{Status: 502, AfterWork: true}, requests: 2},
		{name: "completed again: a no-op", data: secret, again: true, requests: 2},
		{name: "unknown id", id: "waitpoint_gone", data: secret, requests: 1, status: 404, unknown: true,
			want: `complete waitpoint token "waitpoint_gone": HTTP 404: Waitpoint not found`},
		{name: "refused", data: secret, fault: &mockapi.Fault{Status: 400, Body: `{"error":"Invalid request body"}`}, requests: 1, status: 400,
			want: `complete waitpoint token "ID": HTTP 400: Invalid request body`},
		{name: "data that is not JSON, refused unsent", data: `{"password":"hunter2"`, requests: 0,
			want: `complete waitpoint token "ID": the data is not valid JSON`},
		{name: "only dots", id: "..", data: secret, requests: 0, want: `the id is empty or only dots`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, c, _ := newCreates(t)
			id := tc.id
			if id == "" {
				id = rec.mock.CreateToken(mockapi.TokenSpec{}).ID
			}
			if tc.fault != nil {
				rec.mock.InjectFault(*tc.fault)
			}
			err := c.CompleteToken(context.Background(), id, json.RawMessage(tc.data))
			if tc.again && err == nil {
				err = c.CompleteToken(context.Background(), id, json.RawMessage(`"other"`))
			}
			if n := len(rec.mock.Requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
			if tc.want == "" {
				tok, _ := rec.mock.Token(id)
				if err != nil || tok.Status != "COMPLETED" || deref(tok.Output) != `{"json":`+secret+`}` {
					t.Fatalf("got %v; the token is %s with output %s, want the first data", err, tok.Status, deref(tok.Output))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), strings.ReplaceAll(tc.want, "ID", id)) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("got %v, want an error with %q and without the data", err, tc.want)
			}
			apiErr, unknown := client.UnknownToken(err)
			if unknown != tc.unknown || unknown && (apiErr.StatusCode != tc.status || apiErr.TokenID != id) {
				t.Fatalf("UnknownToken = %+v, %v; want %v with status %d", apiErr, unknown, tc.unknown, tc.status)
			}
		})
	}
}

// TestCompleteToken_sendsTheSDKsBody: the body is {"data": …} with the data
// as given, or {} without data, as JSON.
func TestCompleteToken_sendsTheSDKsBody(t *testing.T) {
	cases := map[string]string{`{"a":[1,2]}`: `{"data":{"a":[1,2]}}`, `"x<y"`: `{"data":"x<y"}`, ``: `{}`}
	for data, want := range cases {
		got := make(chan string, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if r.Header.Get("Content-Type") != "application/json" || r.URL.Path != "/api/v1/waitpoints/tokens/waitpoint_a/complete" {
				t.Errorf("%s %s (%s)", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
			}
			got <- string(body)
			_, _ = w.Write([]byte(`{"success":true}`))
		}))
		defer srv.Close()
		if err := newClient(t, srv.URL, client.Config{}).CompleteToken(context.Background(), "waitpoint_a", json.RawMessage(data)); err != nil {
			t.Fatal(err)
		}
		if body := <-got; body != want {
			t.Errorf("data %q sent as %q, want %q", data, body, want)
		}
	}
}
