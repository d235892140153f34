package mockapi

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// RequestLog records the requests a server received and the status it
// answered each with, for tests to order events by what has been answered,
// never by sleeping. The mock keeps one; a test's proxy to the real service
// can keep another, so that its tests read the same in both modes. The zero
// value is empty and ready; it is safe for concurrent use.
type RequestLog struct {
	mu       sync.Mutex
	requests []Request
	// epoch counts ResetRequests calls, so that a request still in flight
	// across one does not record its status into the new log.
	epoch int
	// answered is closed, and dropped, each time a status is recorded:
	// WaitForRequests wakes on it.
	answered chan struct{}
}

// Begin logs r; the function it returns records the status r was answered
// with (0: none sent) and wakes WaitForRequests.
func (l *RequestLog) Begin(r *http.Request) func(status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()})
	i, epoch := len(l.requests)-1, l.epoch
	return func(status int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.epoch == epoch {
			l.requests[i].Status = status
		}
		if l.answered != nil {
			close(l.answered)
			l.answered = nil
		}
	}
}

// Requests returns the requests received so far, oldest first.
func (l *RequestLog) Requests() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.requests...)
}

// WaitForRequests blocks until done, called with the requests answered so far
// (oldest first, each with its status), returns true, or until ctx ends.
func (l *RequestLog) WaitForRequests(ctx context.Context, done func([]Request) bool) error {
	for {
		l.mu.Lock()
		answered := make([]Request, 0, len(l.requests))
		for _, r := range l.requests {
			if r.Status != 0 {
				answered = append(answered, r)
			}
		}
		if l.answered == nil {
			l.answered = make(chan struct{})
		}
		wake := l.answered
		l.mu.Unlock()
		if done(answered) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("saw %d answered requests, not what was awaited: %w", len(answered), ctx.Err())
		case <-wake:
		}
	}
}

// ResetRequests forgets the requests received so far.
func (l *RequestLog) ResetRequests() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = nil
	l.epoch++
}
