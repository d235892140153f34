package provider

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestWaitForToken_cancelReturnsAtOnce: Ctrl-C during a wait ends it at once,
// not at the next poll or the timeout.
func TestWaitForToken_cancelReturnsAtOnce(t *testing.T) {
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go whenPolled(t, mock, tok.ID, func() error { cancel(); return nil })
	_, err = waitForToken(ctx, c, tokenRef{id: tok.ID}, waitSettings{statuses: []string{string(client.StatusCompleted)}, timeout: time.Hour, interval: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := len(mock.Requests()); n != 1 {
		t.Fatalf("%d polls, want 1", n)
	}
}

// TestWaitForToken_endsAtItsTimeout: neither a 429 whose reset is far ahead
// nor a request that hangs holds a wait past its timeout (it used to overrun
// by the whole retry wait). The bound is far above the 2 s timeout and far
// below the server's asked-for waits.
func TestWaitForToken_endsAtItsTimeout(t *testing.T) {
	cases := []struct {
		name     string
		fault    mockapi.Fault
		lastSeen string
	}{
		{"rate limited, reset far ahead", mockapi.Fault{RateLimitReset: 55 * time.Second}, "no such token had been created, or Trigger.dev had not answered yet"},
		{"a request that hangs", mockapi.Fault{Latency: 55 * time.Second}, "no such token had been created, or Trigger.dev had not answered yet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, url := startMock(t, 0)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			mock.InjectFault(tc.fault)
			c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey, RequestTimeout: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = waitForToken(t.Context(), c, tokenRef{id: tok.ID}, waitSettings{statuses: []string{string(client.StatusCompleted)}, timeout: 2 * time.Second, interval: time.Second})
			var waitErr *waitError
			if !errors.As(err, &waitErr) || !strings.Contains(err.Error(), "timed out after 2s") || !strings.Contains(err.Error(), tc.lastSeen) {
				t.Fatalf("got %v, want a timeout after 2s: %s", err, tc.lastSeen)
			}
			if elapsed := time.Since(start); elapsed > 40*time.Second {
				t.Fatalf("the 2 s wait ended after %s: it waited for the server", elapsed)
			}
		})
	}
}

// TestWaitForToken_byKeyBeforeItExists: a wait by idempotency key waits for
// the token to be created, one request a poll, then for its status.
func TestWaitForToken_byKeyBeforeItExists(t *testing.T) {
	mock, url := startMock(t, 0)
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	created := make(chan string, 1)
	go func() { // the task creating its token once the wait has polled twice in vain
		err := mock.WaitForRequests(t.Context(), func(rs []mockapi.Request) bool { return len(rs) >= 2 })
		if err != nil {
			t.Error(err)
			return
		}
		tok := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: "release-42"})
		if err := mock.Complete(tok.ID, []byte(`{"approved":true}`)); err != nil {
			t.Error(err)
		}
		created <- tok.ID
	}()
	settings := waitSettings{statuses: []string{string(client.StatusCompleted)}, timeout: hangBound, interval: time.Second}
	token, err := waitForToken(t.Context(), c, tokenRef{key: "release-42"}, settings)
	if err != nil {
		t.Fatal(err)
	}
	if id := <-created; token.ID != id || token.Status != client.StatusCompleted {
		t.Fatalf("got %s %s, want %s COMPLETED", token.ID, token.Status, id)
	}
	requests := mock.Requests()
	for _, r := range requests[:2] {
		if r.Path != "/api/v1/waitpoints/tokens" || r.Query.Get("filter[idempotencyKey]") != "release-42" {
			t.Fatalf("a poll before the token existed sent %s %s?%s, want one list by key", r.Method, r.Path, r.Query.Encode())
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
		if got := r.due(waitProgress{status: string(p.status), elapsed: seconds(p.elapsed)}); got != p.due {
			t.Errorf("%s after %gs: due %t, want %t", p.status, p.elapsed, got, p.due)
		}
	}
	// A 30-minute wait at the default interval: 360 polls, 60 lines (one
	// every 30 s and the first), not 360.
	r = progressReporter{}
	lines := 0
	for i := range 360 {
		if r.due(waitProgress{status: string(client.StatusWaiting), elapsed: seconds(float64(i * 5))}) {
			lines++
		}
	}
	if lines != 60 {
		t.Fatalf("%d lines for 360 polls 5 s apart, want 60", lines)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
