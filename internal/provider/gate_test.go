package provider

import (
	"encoding/json"
	"testing"

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
			if got := tokenGate.outputProblem(tc.token, tc.contains); got != tc.want {
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
