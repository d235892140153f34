package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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
		{name: "gives up after max retries", faults: []mockapi.Fault{{Status: 502, Count: 5}}, cfg: client.Config{MaxRetries: new(2)}, requests: 3, wantErr: "HTTP 502"},
		{name: "zero max retries means one attempt", faults: []mockapi.Fault{{Status: 500}}, cfg: client.Config{MaxRetries: new(0)}, requests: 1, wantErr: "HTTP 500"},
		{name: "x-should-retry false stops", faults: []mockapi.Fault{{Status: 503, Header: shouldRetry("false")}}, requests: 1, wantErr: "HTTP 503"},
		{name: "x-should-retry true retries a 400", faults: []mockapi.Fault{{Status: 400, Header: shouldRetry("true")}}, requests: 2},
		{name: "400 is final", faults: []mockapi.Fault{{Status: 400}}, requests: 1, wantErr: "HTTP 400"},
		{name: "non-JSON 500 then success", faults: []mockapi.Fault{{Status: 500, Body: "<html>oops"}}, requests: 2},
		{name: "x-should-retry true on a success is no retry", faults: []mockapi.Fault{{Header: shouldRetry("true")}}, requests: 1},
		{name: "no retries means no rate-limit wait either", faults: []mockapi.Fault{{RateLimitReset: time.Millisecond}}, cfg: client.Config{MaxRetries: new(0)}, requests: 1, wantErr: "HTTP 429"},
		{name: "429s have their own budget", faults: []mockapi.Fault{{RateLimitReset: time.Millisecond, Count: 2}, {Status: 500}}, cfg: client.Config{MaxRetries: new(1)}, requests: 4},
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
	}{
		// The reset is whole milliseconds, so it may fall up to 1ms short of the delay.
		{name: "429 waits until x-ratelimit-reset", fault: mockapi.Fault{RateLimitReset: 300 * time.Millisecond}, atLeast: 299 * time.Millisecond},
		{name: "Retry-After seconds", fault: mockapi.Fault{Status: 503, Header: http.Header{"Retry-After": {"1"}}}, atLeast: time.Second},
		{name: "Retry-After at the cap is waited out", fault: mockapi.Fault{Status: 503, Header: http.Header{"Retry-After": {"1"}}}, cfg: client.Config{MaxRetryWait: time.Second}, atLeast: time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 3, tc.cfg)
			mock.InjectFault(tc.fault)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			if _, err := c.GetToken(ctx, mock.Tokens()[0].ID); err != nil {
				t.Fatal(err)
			}
			if waited := time.Since(start); waited < tc.atLeast {
				t.Fatalf("waited %s, want at least %s", waited, tc.atLeast)
			}
			if n := len(mock.Requests()); n != 2 {
				t.Fatalf("%d requests, want 2", n)
			}
		})
	}
}

// TestRetries_waitLongerThanCap: an answer asking for a longer wait than
// MaxRetryWait fails at once, naming the wait asked for, instead of waiting out
// the cap and asking again, and holds no other request back.
func TestRetries_waitLongerThanCap(t *testing.T) {
	cases := []struct {
		name  string
		fault mockapi.Fault
		want  string
	}{
		{name: "Retry-After seconds", fault: mockapi.Fault{Status: 503, Header: http.Header{"Retry-After": {"86400"}}},
			want: "HTTP 503: Service Unavailable. The service asked to retry after 24h, longer than the 1m the client waits at most"},
		{name: "Retry-After on a 502", fault: mockapi.Fault{Status: 502, Header: http.Header{"Retry-After": {"7200"}}},
			want: "HTTP 502: Bad Gateway. The service asked to retry after 2h,"},
		{name: "Retry-After HTTP date", fault: mockapi.Fault{Status: 503, Header: http.Header{"Retry-After": {time.Now().Add(3 * time.Hour).UTC().Format(http.TimeFormat)}}},
			want: "longer than the 1m the client waits at most"},
		{name: "x-ratelimit-reset", fault: mockapi.Fault{RateLimitReset: time.Hour},
			want: "HTTP 429: Rate limit exceeded 0/750 requests remaining. Retry in 3600 seconds. The service asked to retry after 1h"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 3, client.Config{MaxRetryWait: time.Minute})
			mock.InjectFault(tc.fault)
			start := time.Now()
			_, err := c.GetToken(context.Background(), mock.Tokens()[0].ID)
			if _, ok := errors.AsType[*client.WaitTooLongError](err); !ok || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a WaitTooLongError containing %q", err, tc.want)
			}
			if took := time.Since(start); took > hangBound {
				t.Fatalf("took %s: it waited for the retry the service asked for", took)
			}
			if n := len(mock.Requests()); n != 1 {
				t.Fatalf("%d requests, want 1", n)
			}
			// Nor does the shared rate gate hold the next request for the cap.
			start = time.Now()
			if _, err := c.GetToken(context.Background(), mock.Tokens()[0].ID); err != nil || time.Since(start) > hangBound {
				t.Fatalf("the next request: %v after %s", err, time.Since(start))
			}
		})
	}
}

// TestRetries_transportErrors: a connection dropped before any answer is retried,
// and when retries run out the error names the operation but not the key.
func TestRetries_transportErrors(t *testing.T) {
	cases := []struct {
		name     string
		cfg      client.Config
		requests int32
		wantErr  bool
	}{
		{name: "dropped then answered", requests: 2},
		{name: "dropped with no retries left", cfg: client.Config{MaxRetries: new(0)}, requests: 1, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if requests.Add(1) == 1 {
					conn, _, err := http.NewResponseController(w).Hijack()
					if err == nil {
						_ = conn.Close()
					}
					return
				}
				_, _ = w.Write([]byte(`{"id":"waitpoint_a","status":"WAITING","tags":[],"createdAt":"2026-01-05T10:00:00.000Z"}`))
			}))
			defer srv.Close()
			c := newClient(t, srv.URL, tc.cfg)
			tok, err := c.GetToken(context.Background(), "waitpoint_a")
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), `retrieve waitpoint token "waitpoint_a"`) || strings.Contains(err.Error(), testKey) {
					t.Fatalf("got %v, want an error naming the operation and not the key", err)
				}
			} else if err != nil || tok.ID != "waitpoint_a" {
				t.Fatalf("got %+v, %v", tok, err)
			}
			if n := requests.Load(); n != tc.requests {
				t.Fatalf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}

// TestCancelledContextReturnsAtOnce: a request in flight when its context
// ends returns at once, and is not retried. The context ends once the
// request has reached the server, which holds it past hangBound.
func TestCancelledContextReturnsAtOnce(t *testing.T) {
	mock := mockapi.New(mockapi.Options{APIKey: testKey, Tokens: 3, Seed: 7})
	mock.InjectFault(mockapi.Fault{Latency: 2 * hangBound})
	ctx, cancel := context.WithCancel(context.Background())
	var arrived atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		cancel()
		mock.ServeHTTP(w, r)
	}))
	defer srv.Close()
	start := time.Now()
	_, err := newClient(t, srv.URL, client.Config{}).GetToken(ctx, mock.Tokens()[0].ID)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > hangBound {
		t.Fatalf("took %s: it waited for the answer", took)
	}
	if n := arrived.Load(); n != 1 {
		t.Fatalf("%d requests, want 1: a cancelled request is not retried", n)
	}
}

// TestRetryLog: every retry is logged at debug with what is retried and how long
// it waits, and the API key reaches neither the log nor the error.
func TestRetryLog(t *testing.T) {
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	mock, c, _ := newMock(t, 3, client.Config{MaxRetries: new(2)})
	mock.InjectFault(mockapi.Fault{Status: 500, Count: 3})
	_, err := c.GetToken(ctx, mock.Tokens()[0].ID)
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Fatalf("got %v, want an HTTP 500 error without the key", err)
	}
	var retries int
	for line := range strings.Lines(logs.String()) {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if entry["@message"] != "retrying Trigger.dev API request" {
			continue
		}
		retries++
		if entry["@level"] != "debug" || entry["method"] != "GET" || entry["status"] != float64(500) ||
			entry["path"] != "/api/v1/waitpoints/tokens/"+mock.Tokens()[0].ID || entry["wait"] == nil {
			t.Errorf("retry log entry %v lacks level, method, path, status or wait", entry)
		}
	}
	if retries != 2 {
		t.Fatalf("%d retries logged, want 2:\n%s", retries, logs.String())
	}
	if strings.Contains(logs.String(), testKey) {
		t.Fatal("the API key reached the log")
	}
}

// TestRateLimitSharedByConcurrentCallers: after one 429, the client holds its
// other requests until the reset, so eight workers (as include_output runs)
// reading 40 tokens through a bucket of eight never run out of retries.
func TestRateLimitSharedByConcurrentCallers(t *testing.T) {
	mock, url := mockapi.Start(t, mockapi.Options{APIKey: testKey, Tokens: 40, Seed: 7,
		RateLimit: &mockapi.RateLimit{Burst: 8, Refill: 8, Period: 200 * time.Millisecond}})
	c := newClient(t, url, client.Config{MaxRetries: new(2)})
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

// TestRequestTimeout: an attempt without an answer in time ends with an error
// naming the timeout, once per attempt.
func TestRequestTimeout(t *testing.T) {
	mock, c, _ := newMock(t, 3, client.Config{RequestTimeout: 100 * time.Millisecond, MaxRetries: new(1)})
	mock.InjectFault(mockapi.Fault{Latency: time.Minute, Count: 2})
	_, err := c.GetToken(context.Background(), mock.Tokens()[0].ID)
	if err == nil || !strings.Contains(err.Error(), "no answer within the request timeout of 100ms") {
		t.Fatalf("got %v, want an error naming the request timeout", err)
	}
	if n := len(mock.Requests()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}
