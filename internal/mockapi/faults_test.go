package mockapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestFaults_afterWork: the request does its work, then the client gets the
// fault instead of the answer: a create makes its token, a complete completes.
func TestFaults_afterWork(t *testing.T) {
	cases := []struct {
		name  string
		fault mockapi.Fault
	}{
		{"502", mockapi.Fault{Status: http.StatusBadGateway, AfterWork: true}},
		{"reset", mockapi.Fault{Reset: true, AfterWork: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			f.mock.InjectFault(tc.fault)
			req, _ := http.NewRequest(http.MethodPost, f.url+createPath, strings.NewReader(`{"idempotencyKey":"release-1"}`))
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := http.DefaultClient.Do(req)
			switch {
			case tc.fault.Reset && err == nil:
				_ = resp.Body.Close()
				t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
			case !tc.fault.Reset && err != nil:
				t.Fatal(err)
			case !tc.fault.Reset:
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusBadGateway {
					t.Fatalf("got %d, want 502", resp.StatusCode)
				}
			}
			tokens := f.mock.Tokens()
			if len(tokens) != 1 || tokens[0].IdempotencyKey != "release-1" {
				t.Fatalf("the create's work was not done: %+v", tokens)
			}
			// A retry finds the token the lost answer made.
			if r := f.call(http.MethodPost, createPath, `{"idempotencyKey":"release-1"}`, true); r.body["id"] != tokens[0].ID || r.body["isCached"] != true {
				t.Fatalf("the retry: %d %s", r.status, r.raw)
			}
			wantStatus := tc.fault.Status
			if got := f.mock.Requests(); len(got) != 2 || got[0].Status != wantStatus {
				t.Fatalf("logged %+v, want the first with status %d", got, wantStatus)
			}
		})
	}
}

// TestFaults_afterWorkComplete: a complete whose answer is lost completed the token.
func TestFaults_afterWorkComplete(t *testing.T) {
	f := newFixture(t, 0)
	tok := f.mock.CreateToken(mockapi.TokenSpec{})
	f.mock.InjectFault(mockapi.Fault{Status: http.StatusBadGateway, Body: "<html>Bad gateway</html>", ContentType: "text/html", AfterWork: true})
	r := f.call(http.MethodPost, createPath+"/"+tok.ID+"/complete", `{"data":{"ok":true}}`, true)
	if r.status != http.StatusBadGateway || string(r.raw) != "<html>Bad gateway</html>" {
		t.Fatalf("got %d %s", r.status, r.raw)
	}
	if got, _ := f.mock.Token(tok.ID); got.Status != "COMPLETED" || deref(got.Output) != `{"json":{"ok":true}}` {
		t.Fatalf("the complete's work was not done: %+v", got)
	}
}
