// Package mockapi is an in-memory Trigger.dev waitpoint-token API that speaks the
// real service's wire format, for tests, the demo and users' own Terraform tests.
//
// It serves:
//
//	GET  /api/v1/waitpoints/tokens                          list (filters, cursors)
//	POST /api/v1/waitpoints/tokens                          create (idempotency keys, TTL, timeout, tags)
//	GET  /api/v1/waitpoints/tokens/{id}                     retrieve
//	POST /api/v1/waitpoints/tokens/{id}/complete            complete with {"data": …}
//	POST /api/v1/waitpoints/tokens/{id}/callback/{hash}     the callback url (no API key)
//	GET  /api/v1/packets/{path}                             presigned url of a stored output
//	GET  /storage/{path}?expires=…&signature=…              the stored output itself, for 300 s
//	POST /api/v1/tasks/{taskId}/trigger                     trigger a run (idempotency keys, options)
//	GET  /api/v3/runs/{id}                                  retrieve a run (one poll of its script)
//	POST /api/v2/runs/{id}/cancel                           cancel a run
//	GET  /api/v1/runs                                       list runs (status, task, tag, createdAt; cursors)
//
// Runs: any task id is accepted, as the service accepts it. What a task's runs
// do comes from Options.Tasks (a fixtures document's "tasks", see
// TaskFixture): each retrieve is one poll, the first answered QUEUED, the next
// EXECUTING, until the script's outcome. A run of a task with no script stays
// QUEUED (DELAYED first with a delay; EXPIRED once a ttl given at trigger
// passes) until the control API ends it.
//
// Seeded tokens (Options.Tokens) are the same for the same Options.Seed. Token i,
// counted from the newest (i = 0), is WAITING when i%10 < 4 (with a timeout in the
// future when i is even), COMPLETED when i%10 is 4 to 7 (its output, by i%10:
// application/super+json {"approved":…,"by":…}, application/json, text/plain, none;
// every 20th completed token's output is application/store instead), and TIMED_OUT
// when i%10 >= 8. Tags come from deploy:prod, deploy:staging, team:payments,
// team:platform, approval and release; token i carries approval when i%3 == 0 and
// deploy:prod when i%4 == 0, plus up to two drawn at random. Every 7th token has a
// user idempotency key release-<i>. Tokens are created over the seven days before
// New, newest first.
//
// With Options.Control (the command's -control) it also serves a control API
// under /_mock/, for scripts and tests that drive the mock. Each request needs
// the mock's own key (Authorization: Bearer <key>; 401 otherwise), is neither
// rate-limited, faulted nor in the request log, and answers JSON; without
// Control these paths are 404 as any unknown route:
//
//	POST /_mock/tokens/{id}/complete  {"data": <any JSON>}: completes the token as
//	                                  POST …/tokens/{id}/complete does, through
//	                                  the same code (answers {"success":true})
//	POST /_mock/tokens/{id}/timeout   times a WAITING token out now, as the
//	                                  service's timeout does (409 if not WAITING)
//	PUT  /_mock/tokens                a fixtures document (the -fixtures JSON,
//	                                  see ParseFixtures) replaces every token
//	POST /_mock/faults                one fault (its JSON form, see ParseFault,
//	                                  the -fault flag's) queued behind the
//	                                  others, for the API's next requests
//	POST /_mock/runs/{id}/complete    {"output": <any JSON>}: the run completes
//	POST /_mock/runs/{id}/fail        {"error": {"message": "…"}}: the run fails
//	POST /_mock/runs/{id}/cancel      the run is cancelled (409 for a run that
//	                                  has ended, 404 for an unknown one)
//	PUT  /_mock/tasks                 {"<task id>": {…}} replaces the task scripts
//	POST /_mock/reset                 restores the tokens and task scripts the
//	                                  mock started with (seeded or fixtures),
//	                                  forgets every run, clears the request
//	                                  log and queued faults, fills the buckets
//	GET  /_mock/requests              the request log, oldest first:
//	                                  [{"method","path","status"}] (status 0: no
//	                                  answer sent), callback hashes redacted
package mockapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Options configures a Server.
type Options struct {
	APIKey   string    // the one secret key accepted as a bearer token
	Tokens   int       // how many tokens to seed
	Fixtures []Fixture // when not nil, exactly these tokens instead of seeded ones
	// Tasks scripts what the runs of each task do, by task id; a task not
	// here is accepted and its runs stay QUEUED until the control API ends
	// them or their ttl passes (10m unless the trigger gives one, as in a
	// development environment).
	Tasks     map[string]TaskFixture
	Seed      int64            // seeds the generator; the same seed gives the same tokens
	Now       func() time.Time // the clock; default time.Now
	RateLimit *RateLimit       // nil: the real service's bucket
	Latency   time.Duration    // added before every answer, as a distant service's round trip
	// UnknownIDStatus is the answer to a retrieve of an unknown or malformed
	// id: 0 means 500, as the real service answers; 404 is what the spec says.
	UnknownIDStatus int
	Logf            func(string, ...any) // one line per request; nil: silent
	// Control serves the control API under /_mock/ (see the package doc);
	// without it those paths are 404 like any unknown route.
	Control bool
}

// NoRateLimit is a bucket no benchmark's loop empties.
var NoRateLimit = &RateLimit{Burst: math.MaxInt32, Refill: math.MaxInt32, Period: time.Second}

// RateLimit is the token bucket of the environment's secret key; any other
// Authorization header value gets a bucket of its own, as on the service (a
// public token's: 60 a minute).
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
	IdempotencyKey    string
	IdempotencyKeyTTL time.Duration // how long the key stays live; 0: for ever (sets the expiry even without a key, as the service does)
	Tags              []string      // in the order given, as the service stores them
	Timeout           time.Duration // from CreatedAt; 0: no timeout
	TimeoutAt         time.Time     // an absolute timeout instead of Timeout
	CreatedAt         time.Time     // zero: now
}

// Request is one request the mock received, and the status it answered.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Status int // 0 when no answer was sent: a reset connection, a request given up during latency
}

// Server is the mock API. It is an http.Handler and safe for concurrent use.
type Server struct {
	opts    Options
	now     func() time.Time
	limit   RateLimit
	started time.Time      // the clock at New: seeded tokens are created before it
	control *http.ServeMux // the control API, when Options.Control
	log     RequestLog     // what the API was asked, with its own lock

	mu       sync.Mutex
	records  []*record // oldest first: list order is this slice backwards
	byID     map[string]*record
	byCursor map[string]*record
	blobs    map[string]blob
	// runs, oldest first, and the task fixtures that script them.
	runs         []*runRecord
	runsByID     map[string]*runRecord
	runsByCursor map[string]*runRecord
	tasks        map[string]*TaskFixture
	// createdSinceStart counts the tokens created through the API, across
	// resets.
	createdSinceStart uint64
	faults            []Fault
	buckets           map[string]*bucket // by bucketOf's identifier
}

// New returns a Server seeded with opts.Tokens tokens.
func New(opts Options) *Server {
	s := &Server{
		opts:     opts,
		now:      opts.Now,
		limit:    RateLimit{Burst: 750, Refill: 250, Period: 10 * time.Second},
		byID:     map[string]*record{},
		byCursor: map[string]*record{},
		blobs:    map[string]blob{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.RateLimit != nil {
		s.limit = *opts.RateLimit
	}
	s.started = s.now()
	s.buckets = map[string]*bucket{}
	s.replaceTokens(opts.Fixtures, s.started)
	s.resetRuns()
	s.tasks = taskMap(opts.Tasks)
	if opts.Control {
		s.control = s.controlRoutes()
	}
	return s
}

// CreateToken creates a token as POST /api/v1/waitpoints/tokens does (the
// SDK's wait.createToken): a live idempotency key returns its token unchanged.
func (s *Server) CreateToken(spec TokenSpec) Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, _ := s.create(spec, false)
	return r.snapshot()
}

// Complete does what POST /api/v1/waitpoints/tokens/{id}/complete with
// {"data": data} does (the SDK's wait.completeToken); empty data completes the
// token with no output.
func (s *Server) Complete(id string, data []byte) error {
	var value any
	if len(data) > 0 {
		var err error
		if value, err = parseJS(data); err != nil {
			return errors.New("data is not JSON")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.complete(id, value, len(data) > 0, completeRoute).err()
}

// Token returns the current state of one token.
func (s *Server) Token(id string) (Token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.lookup(id)
	if r == nil {
		return Token{}, false
	}
	return r.snapshot(), true
}

// Tokens returns every token, newest first (the order the list endpoint uses).
func (s *Server) Tokens() []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Token, 0, len(s.records))
	for i := len(s.records) - 1; i >= 0; i-- {
		s.expire(s.records[i])
		out = append(out, s.records[i].snapshot())
	}
	return out
}

// CallbackURL is the token's callback url as served at baseURL.
func (s *Server) CallbackURL(baseURL, id string) string {
	return strings.TrimSuffix(baseURL, "/") + tokensPath + "/" + id + "/callback/" + s.callbackHash(id)
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request { return s.log.Requests() }

// WaitForRequests blocks until done, called with the requests answered so far
// (oldest first, each with its status), returns true, or until ctx ends. Tests
// order events by what the mock has seen with it, never by sleeping.
func (s *Server) WaitForRequests(ctx context.Context, done func([]Request) bool) error {
	if err := s.log.WaitForRequests(ctx, done); err != nil {
		return fmt.Errorf("the mock %w", err)
	}
	return nil
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() { s.log.ResetRequests() }

// ServeHTTP routes a request, after faults, the rate limit and authentication.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.serve(sw, r)
	if s.opts.Logf != nil {
		s.opts.Logf("%s %s %d %s", r.Method, redactPath(r.URL.Path), sw.status, time.Since(start).Round(time.Microsecond))
	}
}
