package client

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateGate holds a client's new requests back while the service's rate limit is
// exhausted, so that concurrent callers wait for the reset together instead of
// each spending its retries on 429s.
type rateGate struct {
	maxWait time.Duration
	mu      sync.Mutex
	until   time.Time
}

// close shuts the gate until the reset a 429 announces. A reset beyond maxWait
// leaves it open: that request fails at once (WaitTooLongError), and so do the
// others on their own 429, rather than queueing for nothing.
func (g *rateGate) close(resp *http.Response) {
	until, ok := rateLimitReset(resp)
	if !ok || until.After(time.Now().Add(g.maxWait)) {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if until.After(g.until) {
		g.until = until
	}
}

// wait returns once the gate is open, or at once when ctx ends or its deadline
// would pass before the gate opens.
func (g *rateGate) wait(ctx context.Context) error {
	g.mu.Lock()
	d := time.Until(g.until)
	g.mu.Unlock()
	if d <= 0 {
		return nil
	}
	return sleep(ctx, d, errRateLimited)
}

// rateLimitReset is when the rate limit resets, as a 429 announces it in
// x-ratelimit-reset (unix milliseconds): the one reading of that header.
func rateLimitReset(resp *http.Response) (time.Time, bool) {
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		return time.Time{}, false
	}
	ms, err := strconv.ParseInt(resp.Header.Get("x-ratelimit-reset"), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}
