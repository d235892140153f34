package client

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// answer is the part of a response retryWait reads.
type answer struct {
	status int
	header http.Header
}

func TestRetryWait(t *testing.T) {
	const minWait, maxWait = time.Second, 60 * time.Second
	reply := func(status int, header ...string) answer {
		h := http.Header{}
		for i := 0; i+1 < len(header); i += 2 {
			h.Set(header[i], header[i+1])
		}
		return answer{status, h}
	}
	resetIn := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).UnixMilli(), 10) }
	cases := []struct {
		name     string
		failures int
		resp     answer        // status 0: a transport error, no response
		low      time.Duration // inclusive
		high     time.Duration // inclusive
	}{
		{name: "first backoff is about the minimum", resp: reply(503), low: 750 * time.Millisecond, high: time.Second},
		{name: "doubles", failures: 1, resp: reply(503), low: 1500 * time.Millisecond, high: 2 * time.Second},
		{name: "doubles again", failures: 2, resp: reply(503), low: 3 * time.Second, high: 4 * time.Second},
		{name: "transport error backs off too", failures: 1, low: 1500 * time.Millisecond, high: 2 * time.Second},
		{name: "exponent capped", failures: 40, resp: reply(503), low: 45 * time.Second, high: maxWait},
		{name: "Retry-After seconds", resp: reply(503, "Retry-After", "7"), low: 7 * time.Second, high: 7 * time.Second},
		{name: "Retry-After capped", resp: reply(503, "Retry-After", "3600"), low: maxWait, high: maxWait},
		{name: "Retry-After beyond a Duration", resp: reply(503, "Retry-After", "99999999999999"), low: maxWait, high: maxWait},
		{name: "Retry-After HTTP date", resp: reply(503, "Retry-After", time.Now().Add(30*time.Second).UTC().Format(http.TimeFormat)), low: 28 * time.Second, high: 30 * time.Second},
		{name: "429 waits for the reset", resp: reply(429, "x-ratelimit-reset", resetIn(5*time.Second)), low: 4900 * time.Millisecond, high: 5100 * time.Millisecond},
		{name: "429 reset capped", resp: reply(429, "x-ratelimit-reset", resetIn(time.Hour)), low: maxWait, high: maxWait},
		{name: "429 reset in the past backs off", resp: reply(429, "x-ratelimit-reset", resetIn(-time.Minute)), low: 750 * time.Millisecond, high: time.Second},
		{name: "reset ignored on a 5xx", resp: reply(503, "x-ratelimit-reset", resetIn(time.Hour)), low: 750 * time.Millisecond, high: time.Second},
		{name: "garbage headers back off", resp: reply(429, "x-ratelimit-reset", "soon", "Retry-After", "later"), low: 750 * time.Millisecond, high: time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			if tc.resp.status != 0 {
				resp = &http.Response{StatusCode: tc.resp.status, Header: tc.resp.header, Body: http.NoBody}
				defer func() { _ = resp.Body.Close() }()
			}
			for range 20 { // jitter: every draw must stay in range
				if got := retryWait(minWait, maxWait, tc.failures, resp); got < tc.low || got > tc.high {
					t.Fatalf("waits %s, want %s to %s", got, tc.low, tc.high)
				}
			}
		})
	}
}
