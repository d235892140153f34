package client_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

func TestRetries(t *testing.T) {
	shouldRetry := func(v string) http.Header { return http.Header{"X-Should-Retry": {v}} }
	cases := []struct {
		name     string
		faults   []mockapi.Fault
		cfg      client.Config
		requests int
		wantErr  string
	}{
		{name: "5xx then success", faults: []mockapi.Fault{{Status: 503}}, requests: 2},
		{name: "408 409 500 then success", faults: []mockapi.Fault{{Status: 408}, {Status: 409}, {Status: 500}}, requests: 4},
		{name: "gives up after max retries", faults: []mockapi.Fault{{Status: 502, Count: 5}}, cfg: client.Config{MaxRetries: 2}, requests: 3, wantErr: "HTTP 502"},
		{name: "negative max retries means one attempt", faults: []mockapi.Fault{{Status: 500}}, cfg: client.Config{MaxRetries: -1}, requests: 1, wantErr: "HTTP 500"},
		{name: "x-should-retry false stops", faults: []mockapi.Fault{{Status: 503, Header: shouldRetry("false")}}, requests: 1, wantErr: "HTTP 503"},
		{name: "x-should-retry true retries a 400", faults: []mockapi.Fault{{Status: 400, Header: shouldRetry("true")}}, requests: 2},
		{name: "400 is final", faults: []mockapi.Fault{{Status: 400}}, requests: 1, wantErr: "HTTP 400"},
		{name: "transport-level garbage then success", faults: []mockapi.Fault{{Status: 500, Body: "<html>oops"}}, requests: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 3, tc.cfg)
			for _, f := range tc.faults {
				mock.InjectFault(f)
			}
			_, err := c.GetToken(context.Background(), mock.Tokens()[0].ID)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("got %v, want error %q", err, tc.wantErr)
			}
			if n := len(mock.Requests()); n != tc.requests {
				t.Fatalf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}

func TestRetries_waitForTheServer(t *testing.T) {
	cases := []struct {
		name    string
		fault   mockapi.Fault
		cfg     client.Config
		atLeast time.Duration
		below   time.Duration // 0: no upper bound checked
	}{
		{name: "429 waits until x-ratelimit-reset", fault: mockapi.Fault{RateLimitReset: 400 * time.Millisecond}, atLeast: 300 * time.Millisecond},
		{name: "Retry-After seconds", fault: mockapi.Fault{Status: 503, Header: http.Header{"Retry-After": {"1"}}}, atLeast: time.Second},
		// A header asking for an hour must not hang a plan: MaxRetryWait caps it.
		{name: "Retry-After capped", fault: mockapi.Fault{Status: 503, Header: http.Header{"Retry-After": {"3600"}}}, cfg: client.Config{MaxRetryWait: 50 * time.Millisecond}, below: time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 3, tc.cfg)
			mock.InjectFault(tc.fault)
			start := time.Now()
			if _, err := c.GetToken(context.Background(), mock.Tokens()[0].ID); err != nil {
				t.Fatal(err)
			}
			waited := time.Since(start)
			if waited < tc.atLeast || tc.below > 0 && waited >= tc.below {
				t.Fatalf("waited %s, want at least %s", waited, tc.atLeast)
			}
			if n := len(mock.Requests()); n != 2 {
				t.Fatalf("%d requests, want 2", n)
			}
		})
	}
}

func TestCancelledContextReturnsAtOnce(t *testing.T) {
	mock, c, _ := newMock(t, 3, client.Config{})
	mock.InjectFault(mockapi.Fault{Latency: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err := c.GetToken(ctx, mock.Tokens()[0].ID)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := len(mock.Requests()); n != 1 {
		t.Fatalf("%d requests, want 1: a cancelled request is not retried", n)
	}
}

func TestAPIKeyNeverLogged(t *testing.T) {
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	mock, c, _ := newMock(t, 3, client.Config{})
	mock.InjectFault(mockapi.Fault{Status: 500, Count: 2})
	if _, err := c.GetToken(ctx, mock.Tokens()[0].ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "retrying Trigger.dev API request") {
		t.Fatalf("retries were not logged: %s", logs.String())
	}
	if strings.Contains(logs.String(), testKey) {
		t.Fatal("the API key reached the log")
	}
}

// TestRateLimitSharedByConcurrentCallers: after one 429, the client holds its
// other requests until the reset, so eight workers (as include_output runs)
// reading 40 tokens through a bucket of eight never run out of retries.
func TestRateLimitSharedByConcurrentCallers(t *testing.T) {
	mock := mockapi.New(mockapi.Options{APIKey: testKey, Tokens: 40, Seed: 7,
		RateLimit: &mockapi.RateLimit{Burst: 8, Refill: 8, Period: 200 * time.Millisecond}})
	srv := httptest.NewServer(mock)
	defer srv.Close()
	c := newClient(t, srv.URL, client.Config{MaxRetries: 2})
	tokens := mock.Tokens()
	errs := make(chan error, len(tokens))
	workers := make(chan struct{}, 8)
	for _, tok := range tokens {
		workers <- struct{}{}
		go func() {
			defer func() { <-workers }()
			_, err := c.GetToken(context.Background(), tok.ID)
			errs <- err
		}()
	}
	for range tokens {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	limited := 0
	for _, r := range mock.Requests() {
		if r.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 || limited >= len(tokens) {
		t.Fatalf("%d of %d requests answered 429; the gate should let most wait instead", limited, len(mock.Requests()))
	}
}
