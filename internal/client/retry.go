package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// maxRateLimitWaits bounds how often one request waits for a rate-limit reset,
// apart from MaxRetries: callers sharing a busy bucket are queueing, not failing.
const maxRateLimitWaits = 10

// retryPolicy is Config's retry settings with the defaults applied.
type retryPolicy struct {
	maxRetries       int
	minWait, maxWait time.Duration
}

func newRetryPolicy(cfg Config) retryPolicy {
	p := retryPolicy{
		maxRetries: DefaultMaxRetries,
		minWait:    positiveOr(cfg.MinRetryWait, DefaultMinRetryWait),
		maxWait:    positiveOr(cfg.MaxRetryWait, DefaultMaxRetryWait),
	}
	if cfg.MaxRetries != nil {
		p.maxRetries = *cfg.MaxRetries
	}
	return p
}

// send does req, retrying as the official SDK does: 408, 409, 429, 5xx and
// transport errors, with exponential backoff and jitter, honouring the
// service's x-should-retry, x-ratelimit-reset and Retry-After headers. The
// last response of a failed series is returned, not an error, so its message
// reaches the caller.
func (c *Client) send(req *retryablehttp.Request) (*http.Response, error) {
	series := &attempts{ctx: req.Context(), method: req.Method, path: req.URL.Path, policy: c.retry, gate: c.gate}
	retrying := &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		RetryWaitMin: c.retry.minWait,
		RetryWaitMax: c.retry.maxWait,
		RetryMax:     c.retry.maxRetries + maxRateLimitWaits, // series.check enforces each budget
		CheckRetry:   series.check,
		Backoff:      series.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return retrying.Do(req)
}

// attempts is one request's series of attempts: its budgets and what the last
// attempt got, for the retry log.
type attempts struct {
	ctx          context.Context
	method, path string
	policy       retryPolicy
	gate         *rateGate

	failures, rateLimited int
	lastErr               error
	wait                  time.Duration // before the next attempt, decided by check
}

// check decides whether to retry, and spends a retry from the right budget.
func (a *attempts) check(ctx context.Context, resp *http.Response, err error) (bool, error) {
	a.gate.close(resp)
	a.lastErr = err
	retry, err := shouldRetry(ctx, resp, err)
	if !retry || err != nil || a.policy.maxRetries == 0 { // no retries means none, rate limit or not
		return false, err
	}
	// Waiting out the cap and asking again would only hold the plan for nothing.
	if asked, ok := headerWait(resp); ok && asked > a.policy.maxWait {
		return false, &WaitTooLongError{StatusCode: resp.StatusCode, Asked: asked, Cap: a.policy.maxWait}
	}
	if !a.spend(resp) {
		return false, nil
	}
	a.wait = retryWait(a.policy.minWait, a.policy.maxWait, max(a.failures-1, 0), resp)
	if err := waitBefore(ctx, a.wait, a.lastErr); err != nil {
		return false, err
	}
	return true, nil
}

// spend takes a retry from the budget the answer draws on: rate-limit waits
// or failures. It reports whether one was left.
func (a *attempts) spend(resp *http.Response) bool {
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		a.rateLimited++
		return a.rateLimited <= maxRateLimitWaits
	}
	a.failures++
	return a.failures <= a.policy.maxRetries
}

// backoff is retryablehttp's Backoff: the wait check decided on, logged.
func (a *attempts) backoff(_, _ time.Duration, _ int, resp *http.Response) time.Duration {
	wait := a.wait
	fields := map[string]any{"method": a.method, "path": a.path, "wait": wait.String()}
	if resp != nil {
		fields["status"] = resp.StatusCode
	} else if a.lastErr != nil {
		fields["error"] = transportCause(a.lastErr).Error()
	}
	// The path only: the query is the caller's business, headers hold the key.
	tflog.Debug(a.ctx, "retrying Trigger.dev API request", fields)
	return wait
}

// transportCause strips url.Error's method and URL: the log has them already.
func transportCause(err error) error {
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		return urlErr.Err
	}
	return err
}

// shouldRetry is the retry policy; x-should-retry from the service overrides it
// either way on a failure.
func shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	code := resp.StatusCode
	if code < 400 {
		return false, nil
	}
	switch resp.Header.Get("x-should-retry") {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= 500, nil
}

// retryWait is how long to wait before retrying: until the rate limit resets, or
// as long as Retry-After asks, else exponentially from minWait (factor 2, less up
// to a quarter of jitter, as the SDK does); never longer than maxWait.
func retryWait(minWait, maxWait time.Duration, failures int, resp *http.Response) time.Duration {
	wait, ok := headerWait(resp)
	if !ok || wait <= 0 {
		wait = minWait << min(failures, 30)
		if wait <= 0 || wait > maxWait {
			wait = maxWait
		}
		wait -= rand.N(wait/4 + 1) // spread the retries of many clients
	}
	return min(wait, maxWait)
}

// rateLimitJitter spreads the clients that all wait for the same reset.
const rateLimitJitter = 100 * time.Millisecond

// headerWait reads the wait the service asks for: x-ratelimit-reset (unix ms) on
// a 429, else Retry-After (seconds or an HTTP date).
func headerWait(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	if reset, ok := rateLimitReset(resp); ok {
		return time.Until(reset) + rand.N(rateLimitJitter), true
	}
	if after := resp.Header.Get("Retry-After"); after != "" {
		if s, err := strconv.ParseInt(after, 10, 64); err == nil {
			return time.Duration(min(s, int64(maxWaitSeconds))) * time.Second, true
		}
		if at, err := http.ParseTime(after); err == nil {
			return time.Until(at), true
		}
	}
	return 0, false
}

// WaitTooLongError is a failed attempt whose answer asked for a longer wait
// before the next one than the client's cap allows.
type WaitTooLongError struct {
	StatusCode int
	Message    string // the answer's own words, as in APIError
	Asked, Cap time.Duration
}

func (e *WaitTooLongError) Error() string {
	return fmt.Sprintf("HTTP %d: %s The service asked to retry after %s, longer than the %s the client waits at most; try again later",
		e.StatusCode, sentence(e.Message), FormatDuration(e.Asked.Round(time.Second)), FormatDuration(e.Cap))
}

// sentence ends the service's words with a full stop unless they end a
// sentence already ("… Retry in 300 seconds."), so that more can follow.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// maxWaitSeconds keeps a huge Retry-After from overflowing a Duration before
// the cap applies.
const maxWaitSeconds = 1 << 32
