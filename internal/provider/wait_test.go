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
	_, err = waitForToken(ctx, c, tok.ID, waitSettings{statuses: []client.Status{client.StatusCompleted}, timeout: time.Hour, interval: time.Hour})
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
		{"rate limited, reset far ahead", mockapi.Fault{RateLimitReset: 55 * time.Second}, "Trigger.dev had not answered yet"},
		{"a request that hangs", mockapi.Fault{Latency: 55 * time.Second}, "Trigger.dev had not answered yet"},
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
			_, err = waitForToken(t.Context(), c, tok.ID, waitSettings{statuses: []client.Status{client.StatusCompleted}, timeout: 2 * time.Second, interval: time.Second})
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
