package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// farWaits lets the client wait minutes between attempts, so that only the
// context's deadline can stop it.
var farWaits = client.Config{MinRetryWait: 5 * time.Minute, MaxRetryWait: 10 * time.Minute}

// TestWaitPastDeadline: a wait that would end after the context's deadline is
// not started: the call returns at once, before the deadline, with the failure
// that called for the wait, testable as the deadline and as that failure.
func TestWaitPastDeadline(t *testing.T) {
	cases := []struct {
		name   string
		fault  mockapi.Fault
		status int // of the last answer; 0: none, a transport error
		want   string
	}{
		{name: "429 reset far ahead", fault: mockapi.Fault{RateLimitReset: 5 * time.Minute}, status: 429, want: "HTTP 429: Rate limit exceeded 0/750 requests remaining. Retry in 300 seconds.; the next attempt would follow a wait of 5m"},
		{name: "5xx backoff", fault: mockapi.Fault{Status: 503}, status: 503, want: "HTTP 503: Service Unavailable; the next attempt would follow a wait of"},
		{name: "Retry-After", fault: mockapi.Fault{Status: 502, Header: http.Header{"Retry-After": {"300"}}}, status: 502, want: "HTTP 502: Bad Gateway; the next attempt would follow a wait of 5m"},
		{name: "connection reset", fault: mockapi.Fault{Reset: true}, want: "connection reset by peer; the next attempt would follow a wait of"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 1, farWaits)
			mock.InjectFault(tc.fault)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err := c.GetToken(ctx, mock.Tokens()[0].ID)
			if ctx.Err() != nil {
				t.Fatalf("returned after the deadline: %v", err)
			}
			late, ok := errors.AsType[*client.WaitPastDeadlineError](err)
			if !ok || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a WaitPastDeadlineError, a deadline, containing %q", err, tc.want)
			}
			if late.Left <= 0 || late.Left > time.Minute || late.Wait <= late.Left {
				t.Errorf("wait %s and time left %s: the wait must be longer than what was left", late.Wait, late.Left)
			}
			apiErr, isAPIError := errors.AsType[*client.APIError](err)
			if tc.status != 0 && (!isAPIError || apiErr.StatusCode != tc.status) || tc.status == 0 && isAPIError {
				t.Errorf("the last failure %v must be found as an APIError with status %d exactly when there was an answer", apiErr, tc.status)
			}
			if !strings.HasPrefix(err.Error(), `retrieve waitpoint token "`+mock.Tokens()[0].ID+`": `) || strings.Count(err.Error(), "retrieve waitpoint token") != 1 {
				t.Errorf("error %q must name the operation once", err)
			}
			if n := len(mock.Requests()); n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
		})
	}
}

// TestWaitPastDeadline_rateGate: after a 429, the shared gate does not hold a
// request whose deadline comes before the reset: it fails at once, unsent.
func TestWaitPastDeadline_rateGate(t *testing.T) {
	mock, c, _ := newMock(t, 1, farWaits)
	mock.InjectFault(mockapi.Fault{RateLimitReset: 5 * time.Minute})
	id := mock.Tokens()[0].ID
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.GetToken(ctx, id); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the first request: got %v, want a wait past the deadline", err)
	}
	_, err := c.GetToken(ctx, id)
	if ctx.Err() != nil {
		t.Fatalf("returned after the deadline: %v", err)
	}
	if _, ok := errors.AsType[*client.WaitPastDeadlineError](err); !ok || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "rate limit is exhausted") {
		t.Fatalf("the second request: got %v, want a wait past the deadline naming the rate limit", err)
	}
	if n := len(mock.Requests()); n != 1 {
		t.Fatalf("%d requests, want 1: the second must not be sent", n)
	}
}

// TestWaitEndsWithContext: a wait in progress, or about to start, ends as soon
// as the context is cancelled.
func TestWaitEndsWithContext(t *testing.T) {
	cases := []struct {
		name     string
		fault    mockapi.Fault
		requests int
	}{
		{name: "a retry's backoff", fault: mockapi.Fault{Status: 503}, requests: 1},
		{name: "a rate-limit reset", fault: mockapi.Fault{RateLimitReset: 5 * time.Minute}, requests: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 1, farWaits)
			mock.InjectFault(tc.fault)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				_ = mock.WaitForRequests(ctx, func(r []mockapi.Request) bool { return len(r) == tc.requests })
				cancel()
			}()
			done := make(chan error, 1)
			go func() {
				_, err := c.GetToken(ctx, mock.Tokens()[0].ID)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("got %v, want context.Canceled", err)
				}
			case <-time.After(time.Minute):
				t.Fatal("the wait outlived its context")
			}
			// The gate a 429 closed holds no request whose context is done.
			if tc.fault.RateLimitReset > 0 {
				if _, err := c.GetToken(ctx, mock.Tokens()[0].ID); !errors.Is(err, context.Canceled) {
					t.Fatalf("the next request: got %v, want context.Canceled", err)
				}
			}
			if n := len(mock.Requests()); n != tc.requests {
				t.Fatalf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}
