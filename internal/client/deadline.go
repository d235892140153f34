package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// WaitPastDeadlineError is a wait the client did not start because it would
// end after the context's deadline: a retry's backoff, a rate-limit reset. The
// client returns at once with the failure that called for the wait, so a
// caller's timeout is overrun by one request at most, never by a sleep.
// errors.Is(err, context.DeadlineExceeded) is true of it, and errors.As finds
// Last (an *APIError when the service answered).
type WaitPastDeadlineError struct {
	Last error         // what called for the wait: the last attempt's failure, or errRateLimited
	Wait time.Duration // how long the client would have waited
	Left time.Duration // how long was left before the deadline
}

func (e *WaitPastDeadlineError) Error() string {
	last := "(no answer)"
	if apiErr, ok := errors.AsType[*APIError](e.Last); ok {
		last = apiErr.Reply() // the operation is named by the caller's wrapping
	} else if e.Last != nil {
		last = transportCause(e.Last).Error()
	}
	return fmt.Sprintf("%s; the next attempt would follow a wait of %s, past the deadline %s away",
		last, FormatDuration(roughly(e.Wait)), FormatDuration(roughly(max(e.Left, 0))))
}

// roughly rounds d for a message: to the second, or below one to the millisecond.
func roughly(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// Unwrap makes the error both its cause and a deadline the caller has reached.
func (e *WaitPastDeadlineError) Unwrap() []error {
	return []error{e.Last, context.DeadlineExceeded}
}

// errRateLimited is why a request waits for the shared rate gate: another
// request of this client was answered 429.
var errRateLimited = errors.New("the service's rate limit is exhausted until its reset (HTTP 429)")

// waitBefore refuses a wait that would end after ctx's deadline.
func waitBefore(ctx context.Context, wait time.Duration, last error) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil
	}
	if left := time.Until(deadline); wait > left {
		return &WaitPastDeadlineError{Last: last, Wait: wait, Left: left}
	}
	return nil
}

// sleep waits for d, unless ctx ends first or its deadline would pass during
// the wait; last is what called for it.
func sleep(ctx context.Context, d time.Duration, last error) error {
	if err := waitBefore(ctx, d, last); err != nil {
		return err
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
