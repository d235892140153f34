package client

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRetryWait(t *testing.T) {
	const minWait, maxWait = time.Second, 60 * time.Second
	answer := func(status int, header ...string) *http.Response {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp
	}
	resetIn := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).UnixMilli(), 10) }
	cases := []struct {
		name     string
		failures int
		resp     *http.Response
		low      time.Duration // inclusive
		high     time.Duration // inclusive
	}{
		{name: "first backoff is about the minimum", resp: answer(503), low: 750 * time.Millisecond, high: time.Second},
		{name: "doubles", failures: 1, resp: answer(503), low: 1500 * time.Millisecond, high: 2 * time.Second},
		{name: "doubles again", failures: 2, resp: answer(503), low: 3 * time.Second, high: 4 * time.Second},
		{name: "transport error backs off too", failures: 1, low: 1500 * time.Millisecond, high: 2 * time.Second},
		{name: "exponent capped", failures: 40, resp: answer(503), low: 45 * time.Second, high: maxWait},
		{name: "Retry-After seconds", resp: answer(503, "Retry-After", "7"), low: 7 * time.Second, high: 7 * time.Second},
		{name: "Retry-After capped", resp: answer(503, "Retry-After", "3600"), low: maxWait, high: maxWait},
		{name: "Retry-After beyond a Duration", resp: answer(503, "Retry-After", "99999999999999"), low: maxWait, high: maxWait},
		{name: "Retry-After HTTP date", resp: answer(503, "Retry-After", time.Now().Add(30*time.Second).UTC().Format(http.TimeFormat)), low: 28 * time.Second, high: 30 * time.Second},
		{name: "429 waits for the reset", resp: answer(429, "x-ratelimit-reset", resetIn(5*time.Second)), low: 4900 * time.Millisecond, high: 5100 * time.Millisecond},
		{name: "429 reset capped", resp: answer(429, "x-ratelimit-reset", resetIn(time.Hour)), low: maxWait, high: maxWait},
		{name: "429 reset in the past backs off", resp: answer(429, "x-ratelimit-reset", resetIn(-time.Minute)), low: 750 * time.Millisecond, high: time.Second},
		{name: "reset ignored on a 5xx", resp: answer(503, "x-ratelimit-reset", resetIn(time.Hour)), low: 750 * time.Millisecond, high: time.Second},
		{name: "garbage headers back off", resp: answer(429, "x-ratelimit-reset", "soon", "Retry-After", "later"), low: 750 * time.Millisecond, high: time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 { // jitter: every draw must stay in range
				if got := retryWait(minWait, maxWait, tc.failures, tc.resp); got < tc.low || got > tc.high {
					t.Fatalf("waits %s, want %s to %s", got, tc.low, tc.high)
				}
			}
		})
	}
}
