package client

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// newRetryingClient retries as the official SDK does: 408, 409, 429, 5xx and
// transport errors, with exponential backoff and jitter, honouring the service's
// x-should-retry, x-ratelimit-reset and Retry-After headers.
func newRetryingClient(cfg Config, gate *rateGate) *retryablehttp.Client {
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MinRetryWait <= 0 {
		cfg.MinRetryWait = time.Second
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 3
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Timeout: cfg.RequestTimeout}
	}
	return &retryablehttp.Client{
		HTTPClient:   httpClient,
		RetryWaitMin: cfg.MinRetryWait,
		RetryWaitMax: cfg.MaxRetryWait,
		RetryMax:     cfg.MaxRetries + maxRateLimitWaits,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			gate.close(resp)
			retry, err := shouldRetry(ctx, resp, err)
			if !retry || err != nil {
				return retry, err
			}
			return spendRetry(ctx, resp, cfg.MaxRetries), nil
		},
		Backoff:      backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				// The path only: no query (a signature may live there), never headers.
				tflog.Debug(req.Context(), "retrying Trigger.dev API request", map[string]any{
					"method": req.Method, "path": req.URL.Path, "attempt": attempt + 1,
				})
			}
		},
	}
}

// maxRateLimitWaits bounds how often one request waits for a rate-limit reset,
// apart from MaxRetries: callers sharing a busy bucket are queueing, not failing.
const maxRateLimitWaits = 10

// retryBudget counts one request's retries, carried in its context.
type retryBudget struct{ failures, rateLimited int }

type retryBudgetKey struct{}

func withRetryBudget(ctx context.Context) context.Context {
	return context.WithValue(ctx, retryBudgetKey{}, &retryBudget{})
}

// spendRetry takes one retry from the request's budget, reporting whether there
// was one left.
func spendRetry(ctx context.Context, resp *http.Response, maxRetries int) bool {
	budget, ok := ctx.Value(retryBudgetKey{}).(*retryBudget)
	if !ok {
		return true
	}
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		budget.rateLimited++
		return budget.rateLimited <= maxRateLimitWaits
	}
	budget.failures++
	return budget.failures <= maxRetries
}

// shouldRetry is the retry policy; x-should-retry from the service overrides it
// either way.
func shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.Header.Get("x-should-retry") {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests:
		return true, nil
	default:
		return resp.StatusCode >= 500, nil
	}
}

// backoff waits until the rate limit resets, or as long as Retry-After asks, else
// exponentially from minWait with jitter; never longer than maxWait.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait, ok := headerWait(resp)
	if !ok {
		exp := minWait << min(attempt, 30)
		if exp <= 0 || exp > maxWait {
			exp = maxWait
		}
		wait = exp/2 + rand.N(exp/2+1) // equal jitter: spread retries of many clients
	}
	if resp != nil {
		tflog.Debug(resp.Request.Context(), "Trigger.dev API request will be retried", map[string]any{
			"status": resp.StatusCode, "wait": wait.String(),
		})
	}
	return min(max(wait, 0), maxWait)
}

// headerWait reads the wait the service asks for: x-ratelimit-reset (unix ms) on
// a 429, else Retry-After (seconds or an HTTP date).
func headerWait(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	if reset := resp.Header.Get("x-ratelimit-reset"); reset != "" && resp.StatusCode == http.StatusTooManyRequests {
		if ms, err := strconv.ParseInt(reset, 10, 64); err == nil {
			return time.Until(time.UnixMilli(ms)) + rand.N(100*time.Millisecond), true
		}
	}
	if after := resp.Header.Get("Retry-After"); after != "" {
		if s, err := strconv.Atoi(after); err == nil {
			return time.Duration(s) * time.Second, true
		}
		if at, err := http.ParseTime(after); err == nil {
			return time.Until(at), true
		}
	}
	return 0, false
}
