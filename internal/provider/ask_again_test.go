package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestAccWaitpointTokenResource_keyOfEndedToken: a create whose live key
// names a token that has ended adopts it with a warning that gives its
// status, when it ended and how to ask again (the next attempt's key); a
// token still WAITING is adopted without one.
func TestAccWaitpointTokenResource_keyOfEndedToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, status string
		// The key is base+attempt, named for the test; the warning's next key base+next.
		base, attempt, next string
		spec                mockapi.TokenSpec // when it was created; the key, timeout and tags are the configuration's
		complete            bool
	}{
		{name: "completed", status: "COMPLETED", base: "release-7", next: "-attempt-2", complete: true},
		{name: "timed out", status: "TIMED_OUT", base: "release-7", attempt: "-attempt-3", next: "-attempt-4",
			spec: mockapi.TokenSpec{CreatedAt: time.Now().Add(-2 * time.Hour)}},
		{name: "waiting", status: "WAITING", base: "release-7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !tc.spec.CreatedAt.IsZero() {
				// Timed out by the configuration's own timeout of an hour: the
				// token was made two hours ago, which the service cannot do.
				needsMock(t, "fixtures (a token created in the past)")
			}
			ws := newCLIWorkspace(t)
			mock, url := startTarget(t)
			key := mock.name(tc.base) + tc.attempt
			tc.spec.IdempotencyKey, tc.spec.Timeout, tc.spec.Tags = key, time.Hour, []string{"approval"}
			id := mock.CreateToken(tc.spec).ID
			if tc.complete {
				if err := mock.Complete(id, []byte(`{"approved":false}`)); err != nil {
					t.Fatal(err)
				}
			}
			tok, _ := mock.Token(id)
			if tok.Status != tc.status {
				t.Fatalf("the mock's token is %s, not %s: the test proves nothing", tok.Status, tc.status)
			}
			ws.writeConfig(tokenResourceConfig(url, attrs{"idempotency_key": key, "timeout": "1h", "tags": []string{"approval"}}))
			out, err := ws.run("apply", "-auto-approve", "-input=false")
			if err != nil {
				t.Fatalf("the apply must adopt the token: %v\n%s", err, out)
			}
			if got := ws.stateInstances()[tokenResourceAddress]; got["id"] != id || got["status"] != tc.status {
				t.Fatalf("the state must hold token %s, %s; it holds %v", id, tc.status, got)
			}
			if n := len(mock.Tokens()); n != 1 {
				t.Fatalf("the mock holds %d tokens, want the one adopted", n)
			}
			warned := strings.Contains(out, "Warning: Waitpoint token has already ended")
			if tc.status == "WAITING" {
				if warned {
					t.Fatalf("a WAITING token is adopted without a warning:\n%s", out)
				}
				return
			}
			want := wrappedText(fmt.Sprintf(`The idempotency key %q is live and names waitpoint token %q, which has ended: %s at %s. `+
				`Trigger.dev returned it instead of creating a new token, so nobody is asked again, and its callback URL changes nothing. `+
				`To ask again, use a new idempotency_key, such as one with an attempt number (%q), or wait until the key expires (never: it has no TTL).`,
				key, id, tc.status, formatInstant(tok.CompletedAt), mock.name(tc.base)+tc.next))
			if !warned || !want.MatchString(out) {
				t.Fatalf("the apply must warn %q:\n%s", want, out)
			}
		})
	}
}

// TestAccExamples_createAndWaitAskAgain runs the create-and-wait example as
// a release is declined, asked for again and approved. -replace of the token
// keeps its key, so it takes the declined token back: the apply warns, the
// notifier sends nothing and the rollout stays out. The next attempt makes a
// new token, notifies its URL, and the rollout lands once the approver, asked
// while the action waits, approves. The mock's requests at each step are
// logged. A CLI without actions (OpenTofu, Terraform before 1.14) runs main.tf
// alone: the approver answers at once, and nothing waits or rolls out.
func TestAccExamples_createAndWaitAskAgain(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	skipWithoutEphemeral(t, ws.openTofu, ws.version)
	waits := !ws.openTofu && !ws.version.LessThan(tfversion.Version1_14_0)
	mock, url := startTarget(t)
	release := mock.name("42")
	answers := make(chan string, 1) // the approver's answer to the next notification
	notified := make(chan string, 3)
	notify := startNotifier(t, func(n notification) error {
		notified <- n.ApproveURL
		select {
		case answer := <-answers:
			if !waits {
				return postDecision(n.ApproveURL, answer)
			}
			go answerWhenPolled(t, mock, n.ApproveURL, answer)
			return nil
		default:
			return fmt.Errorf("a notification nobody expected: %s", n.Text)
		}
	})
	ws.copyExample("gating/create-and-wait")
	if !waits {
		if err := os.Remove(filepath.Join(ws.dir, "rollout.tf")); err != nil {
			t.Fatal(err)
		}
	}
	ws.env = append(ws.env, envAPIURL+"="+url, envAPIKey+"="+testAPIKey, "TF_VAR_release="+release, "TF_VAR_notify_url="+notify)
	const rollout, approval = "terraform_data.rollout", "triggerdev_waitpoint_token.approval"
	declined := wrappedText(`its output's member "approved" is false, not true`)

	// step runs one apply and checks what each step has: one create request,
	// as many notifications as callbacks the approver posted, the rollout
	// applied or not. It returns the output, the notified URLs and the requests.
	step := func(name string, wantApplied bool, notifications int, args ...string) (string, []string, []mockapi.Request) {
		t.Helper()
		mock.ResetRequests()
		out, err := ws.run(append([]string{"apply", "-auto-approve", "-input=false"}, args...)...)
		requests := mock.Requests()
		kinds := requestKinds(requests)
		t.Logf("step %s: %d requests to the mock: %v", name, len(requests), kinds)
		var urls []string
		for len(notified) > 0 {
			urls = append(urls, <-notified)
		}
		_, applied := ws.stateInstances()[rollout]
		switch {
		case !waits && err != nil:
			t.Fatalf("step %s: the apply must succeed: %v\n%s", name, err, out)
		case waits && wantApplied && (err != nil || !applied):
			t.Fatalf("step %s: the rollout must land: %v\n%s", name, err, out)
		case waits && !wantApplied && (applied || err == nil || !declined.MatchString(out)):
			t.Fatalf("step %s: the declined token must fail the apply, the rollout left out (in state: %t): %v\n%s", name, applied, err, out)
		case kinds["create"] != 1 || kinds["callback"] != notifications || len(urls) != notifications:
			t.Fatalf("step %s: want one create, %d notifications and as many callbacks; got %v and %d notifications\n%s", name, notifications, kinds, len(urls), out)
		}
		return out, urls, requests
	}

	answers <- `{"approved":false,"by":"alice"}`
	_, urls, _ := step("1 (declined)", false, 1)
	first := ws.stateInstances()[approval]["id"]
	if urls[0] != mock.CallbackURL(url, fmt.Sprint(first)) {
		t.Fatal("the first notification does not carry the token's callback URL")
	}

	out, _, _ := step("2 (-replace, same key)", false, 0, "-replace="+approval)
	switch {
	case ws.stateInstances()[approval]["id"] != first || len(mock.Tokens()) != 1:
		t.Fatalf("the same key must take back token %s, and make no other:\n%s", first, out)
	case !wrappedText(`Warning: Waitpoint token has already ended`).MatchString(out) ||
		!wrappedText(fmt.Sprintf(`names waitpoint token %q, which has ended: COMPLETED at`, first)).MatchString(out) ||
		!wrappedText(fmt.Sprintf(`such as one with an attempt number (%q)`, "approval-"+release+"-attempt-2")).MatchString(out):
		t.Fatalf("the apply must warn that the token has ended, and how to ask again:\n%s", out)
	}

	ws.env = append(ws.env, "TF_VAR_attempt=2")
	answers <- `{"approved":true,"by":"alice"}`
	_, urls, requests := step("3 (next attempt, approved)", true, 1)
	second, _ := mock.Token(fmt.Sprint(ws.stateInstances()[approval]["id"]))
	switch {
	case second.ID == first || second.IdempotencyKey != "approval-"+release+"-attempt-2" || len(mock.Tokens()) != 2:
		t.Fatalf("the next attempt must create a new token with key approval-%s-attempt-2, not %+v", release, second)
	case urls[0] != mock.CallbackURL(url, second.ID):
		t.Fatal("the second notification must carry the new token's callback URL, not the declined one's")
	case second.Status != "COMPLETED" || second.Output == nil || !strings.Contains(*second.Output, `"approved":true`):
		t.Fatalf("the new token must be the one approved: %+v", second)
	case waits && !readAfterCallback(requests, second.ID):
		t.Fatalf("the wait action must read the new token after its approval, before the rollout: %v", requests)
	}
}

// requestKinds counts requests by what they do to the tokens API.
func requestKinds(requests []mockapi.Request) map[string]int {
	kinds := map[string]int{}
	for _, r := range requests {
		segments := strings.Split(strings.TrimPrefix(r.Path, "/api/v1/waitpoints/tokens"), "/")
		switch {
		case r.Method == http.MethodPost && len(segments) == 1:
			kinds["create"]++
		case slices.Contains(segments, "callback"):
			kinds["callback"]++
		case r.Method == http.MethodGet && len(segments) == 2:
			kinds["read"]++
		default:
			kinds[r.Method+" "+r.Path]++
		}
	}
	return kinds
}

// readAfterCallback reports whether token id was read after its callback.
func readAfterCallback(requests []mockapi.Request, id string) bool {
	called := slices.IndexFunc(requests, func(r mockapi.Request) bool { return strings.Contains(r.Path, "/"+id+"/callback/") })
	return called >= 0 && slices.ContainsFunc(requests[called:], func(r mockapi.Request) bool {
		return r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/"+id)
	})
}

// answerWhenPolled posts answer to the callback URL once the mock has
// answered a read of its token after the notification, that is while the
// wait action waits: the rollout cannot land before the answer.
func answerWhenPolled(t *testing.T, mock interface {
	requestWatcher
	Requests() []mockapi.Request
}, callback, answer string) {
	segments := strings.Split(callback, "/") // …/tokens/{id}/callback/{hash}
	id := segments[len(segments)-3]
	reads := func(rs []mockapi.Request) int {
		return len(slices.DeleteFunc(rs, func(r mockapi.Request) bool {
			return r.Method != http.MethodGet || !strings.HasSuffix(r.Path, "/"+id) || r.Status == 0
		}))
	}
	before := reads(mock.Requests())
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool { return reads(rs) > before })
	if err == nil {
		err = postDecision(callback, answer)
	}
	if err != nil {
		t.Errorf("answering token %s once polled: %v", id, err)
	}
}
