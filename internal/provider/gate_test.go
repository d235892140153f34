package provider

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

func TestOutputProblem(t *testing.T) {
	superjson := "application/super+json"
	isError, noError := true, false
	token := func(status client.Status, output string, outputIsError bool) client.Token {
		tok := client.Token{ID: "waitpoint_a", Status: status, OutputIsError: &outputIsError}
		if output != "" {
			tok.Output, tok.OutputType = &output, &superjson
		}
		return tok
	}
	timedOut := `{"json":{"code":"TRIGGER_WAITPOINT_TIMEOUT","message":"Waitpoint timed out"}}`
	cases := []struct {
		name, contains string
		token          client.Token
		want           string
	}{
		{"approved", `{"approved":true}`, token(client.StatusCompleted, `{"json":{"approved":true,"by":"alice"}}`, noError), ""},
		{"declined", `{"approved":true}`, token(client.StatusCompleted, `{"json":{"approved":false}}`, noError), `its output's member "approved" is false, not true`},
		{"a listed TIMED_OUT is a success", `{"approved":true}`, token(client.StatusTimedOut, timedOut, isError), ""},
		{"a listed WAITING is a success", `{"approved":true}`, token(client.StatusWaiting, "", noError), ""},
		{"an error output when COMPLETED", ``, token(client.StatusCompleted, `{"json":{"message":"boom"}}`, isError), "its output is an error"},
		{"numbers past 2^53 compare exactly", `{"id":9007199254740992}`, token(client.StatusCompleted, `{"json":{"id":9007199254740993}}`, noError),
			`its output's member "id" is 9007199254740993, not 9007199254740992`},
		{"the same number past 2^53", `{"id":9007199254740993}`, token(client.StatusCompleted, `{"json":{"id":9007199254740993}}`, noError), ""},
		{"one number written two ways", `{"n":100,"x":0.5}`, token(client.StatusCompleted, `{"json":{"n":1e2,"x":5E-1}}`, noError), ""},
		{"arrays element by element", `{"ids":[1,2]}`, token(client.StatusCompleted, `{"json":{"ids":[1,3]}}`, noError), `its output's member "ids" is [1,3], not [1,2]`},
		{"nested members", `{"ticket":{"id":7}}`, token(client.StatusCompleted, `{"json":{"ticket":{"id":7,"url":"x"}}}`, noError), ""},
		{"no output", `{"approved":true}`, token(client.StatusCompleted, "", noError), "its output is not a JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := outputProblem(tc.token, tc.contains); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExactNumber(t *testing.T) {
	cases := []struct {
		a, b  string
		equal bool
	}{
		{"100", "1e2", true},
		{"100", "100.000", true},
		{"0.5", "5e-1", true},
		{"-0", "0", true},
		{"0.0e10", "0", true},
		{"1E+2", "100", true},
		{"9007199254740993", "9007199254740992", false},
		{"1e400", "1e400", true},
		{"1e400", "1e401", false},
		{"-1", "1", false},
		{"1.5", "15e-1", true},
		{"1e99999999999999999999", "1e99999999999999999999", true},
		{"1e99999999999999999999", "2e99999999999999999999", false},
	}
	for _, tc := range cases {
		if got := jsonEqual(json.Number(tc.a), json.Number(tc.b)); got != tc.equal {
			t.Errorf("%s == %s: got %t, want %t", tc.a, tc.b, got, tc.equal)
		}
	}
}

// TestProgressReporter: the first poll, each change of status, and otherwise
// one line every 30 s at most.
func TestProgressReporter(t *testing.T) {
	var r progressReporter
	polls := []struct {
		status  client.Status
		elapsed float64 // seconds
		due     bool
	}{
		{client.StatusWaiting, 0, true},
		{client.StatusWaiting, 5, false},
		{client.StatusWaiting, 29.9, false},
		{client.StatusWaiting, 30, true},
		{client.StatusWaiting, 35, false},
		{client.StatusCompleted, 36, true},
		{client.StatusCompleted, 37, false},
	}
	for _, p := range polls {
		if got := r.due(waitProgress{status: p.status, elapsed: seconds(p.elapsed)}); got != p.due {
			t.Errorf("%s after %gs: due %t, want %t", p.status, p.elapsed, got, p.due)
		}
	}
	// A 30-minute wait at the default interval: 360 polls, 60 lines (one
	// every 30 s and the first), not 360.
	r = progressReporter{}
	lines := 0
	for i := range 360 {
		if r.due(waitProgress{status: client.StatusWaiting, elapsed: seconds(float64(i * 5))}) {
			lines++
		}
	}
	if lines != 60 {
		t.Fatalf("%d lines for 360 polls 5 s apart, want 60", lines)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
