// Package mockapi is an in-memory Trigger.dev waitpoint-token API that speaks the
// real service's wire format, for tests, the demo and users' own Terraform tests.
package mockapi

import (
	"net/http"
	"time"
)

// Options configures a Server.
type Options struct {
	APIKey    string               // the one secret key accepted as a bearer token
	Tokens    int                  // how many tokens to seed
	Seed      int64                // seeds the generator; the same seed gives the same tokens
	Now       func() time.Time     // the clock; default time.Now
	RateLimit *RateLimit           // nil: the real service's bucket
	Logf      func(string, ...any) // one line per request; nil: silent
}

// RateLimit is a token bucket per API key.
type RateLimit struct {
	Burst  int           // bucket size; the service uses 750
	Refill int           // requests added back per Period; the service uses 250
	Period time.Duration // the service uses 10s
}

// Token is the mock's record of one waitpoint token.
type Token struct {
	ID                      string
	Status                  string // WAITING, COMPLETED or TIMED_OUT (as of the mock's clock)
	IdempotencyKey          string // "" when the user gave none
	IdempotencyKeyExpiresAt *time.Time
	TimeoutAt               *time.Time
	CompletedAt             *time.Time
	CreatedAt               time.Time
	Tags                    []string
	Output                  *string
	OutputType              string
	OutputIsError           bool
}

// TokenSpec describes a token to create.
type TokenSpec struct {
	IdempotencyKey string
	Tags           []string
	Timeout        time.Duration // 0: no timeout
	CreatedAt      time.Time     // zero: now
}

// Fault makes the next Count requests (default 1) misbehave.
type Fault struct {
	Count          int
	Status         int           // answer with this status and an error body
	Latency        time.Duration // wait this long before answering
	RateLimitReset time.Duration // answer 429 with x-ratelimit-reset this far ahead
	Header         http.Header   // extra response headers, e.g. x-should-retry
	Body           string        // answer with this raw body (malformed JSON, say) and Status or 200
	Truncate       bool          // cut the normal body in half
}

// Server is the mock API. It is an http.Handler and safe for concurrent use.
type Server struct{}

// New returns a Server seeded with opts.Tokens tokens.
func New(opts Options) *Server { return &Server{} }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {}
