package mockapi

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Fault makes the next Count requests (default 1) misbehave.
type Fault struct {
	Count          int
	Status         int           // answer with this status and an error body
	Latency        time.Duration // wait this long before answering
	RateLimitReset time.Duration // answer 429 with x-ratelimit-reset this far ahead
	Header         http.Header   // extra response headers, e.g. x-should-retry
	Body           string        // answer with this raw body (malformed JSON, say) and Status or 200
	ContentType    string        // Body's content type (an HTML error page, say); default application/json
	Truncate       bool          // cut the normal body in half
	Reset          bool          // drop the connection with a TCP reset instead of answering
	// AfterWork lets the request do its work first (a create makes its token,
	// a complete completes it) and only then answers with the fault (Status,
	// Body, RateLimitReset or Reset) instead of the real answer: a response
	// lost on the way back.
	AfterWork bool
}

// InjectFault queues f behind any faults already queued.
func (s *Server) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// nextFault takes one use of the queued fault; the caller holds s.mu.
func (s *Server) nextFault() (Fault, bool) {
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	if s.faults[0].Count--; s.faults[0].Count == 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}

// answers reports whether the fault answers instead of the route.
func (f Fault) answers() bool {
	return f.Status != 0 || f.Body != "" || f.RateLimitReset > 0 || f.Reset
}

// replaces reports whether the fault answers and the route does not even run.
func (f Fault) replaces() bool { return f.answers() && !f.AfterWork }

// apply sets the fault's headers, and marks a reset as answered with nothing.
func (f Fault) apply(w *statusWriter) {
	for k, vs := range f.Header {
		w.Header()[k] = vs
	}
	if f.Reset {
		w.status = 0
	}
}

// faultedWriter is where the route writes its answer under the fault, and
// what sends the answer afterwards: the fault's own for AfterWork (the
// route's is dropped), half the body for Truncate.
func (s *Server) faultedWriter(w *statusWriter, f Fault, faulted bool) (http.ResponseWriter, func()) {
	switch {
	case !faulted:
		return w, func() {}
	case f.AfterWork && f.answers():
		return discardWriter{header: http.Header{}}, func() {
			f.apply(w)
			s.writeFault(w, f)
		}
	case f.Truncate:
		f.apply(w)
		cut := &truncatingWriter{ResponseWriter: w}
		return cut, cut.flush
	}
	f.apply(w)
	return w, func() {}
}

func (s *Server) writeFault(w http.ResponseWriter, f Fault) {
	switch {
	case f.Reset:
		resetConnection(w)
	case f.RateLimitReset > 0:
		s.writeRateLimited(w, s.now().Add(f.RateLimitReset).UnixMilli(), s.limit.Burst)
	case f.Body != "":
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		contentType := f.ContentType
		if contentType == "" {
			contentType = "application/json"
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
	default:
		writeError(w, f.Status, http.StatusText(f.Status))
	}
}

// resetConnection closes the connection with a TCP RST (no linger), as a
// crashing proxy does; the client sees "connection reset by peer".
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// writeRateLimited answers 429 as the service's rate limiter does, the bucket
// of size limit empty until resetMillis (unix ms): the body's remaining is
// the limiter's own (-1), the detail's and the header's are clamped at 0.
func (s *Server) writeRateLimited(w http.ResponseWriter, resetMillis int64, limit int) {
	untilReset := max(0, float64(resetMillis-s.now().UnixMilli())/1000)
	detail := fmt.Sprintf("Rate limit exceeded 0/%d requests remaining. Retry in %s seconds.", limit, jsNumber(untilReset))
	w.Header().Set("x-ratelimit-limit", strconv.Itoa(limit))
	w.Header().Set("x-ratelimit-reset", strconv.FormatInt(resetMillis, 10))
	w.Header().Set("x-ratelimit-remaining", "0")
	writeProblem(w, http.StatusTooManyRequests, struct {
		Title             string  `json:"title"`
		Status            int     `json:"status"`
		Type              string  `json:"type"`
		Detail            string  `json:"detail"`
		Reset             int64   `json:"reset"`
		Limit             int     `json:"limit"`
		Remaining         int     `json:"remaining"`
		SecondsUntilReset float64 `json:"secondsUntilReset"`
		Error             string  `json:"error"`
	}{"Rate Limit Exceeded", http.StatusTooManyRequests, "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/429",
		detail, resetMillis, limit, -1, untilReset, detail})
}

// publicTokenLimit is the service's limit for a public access token: a
// fixed window of 60 requests a minute, which a bucket refilled whole at
// each minute boundary plays.
var publicTokenLimit = RateLimit{Burst: 60, Refill: 60, Period: time.Minute}

// bucketOf is the bucket the service's rate limiter takes from: the
// environment's for its secret key, else one per Authorization header value
// (a wrong key cannot empty the environment's bucket), under the public
// token limit for one of the environment's public tokens; the caller holds
// s.mu.
func (s *Server) bucketOf(authorization string) *bucket {
	id, limit, start := "header "+authorization, s.limit, s.now()
	switch key := apiKeyOf(authorization); {
	case s.opts.APIKey != "" && key == s.opts.APIKey:
		id = "environment"
	case isPublicToken(key):
		if _, refusal := s.verifyPublicToken(key); refusal == "" {
			limit, start = publicTokenLimit, start.Truncate(publicTokenLimit.Period)
		}
	}
	b, ok := s.buckets[id]
	if !ok {
		b = &bucket{limit: limit, available: limit.Burst, refilledAt: start}
		s.buckets[id] = b
	}
	return b
}

// bucket is the service's token bucket: Refill requests come back every Period.
type bucket struct {
	limit      RateLimit
	available  int
	refilledAt time.Time
}

// takeRateLimit spends one request from the bucket of the request's
// Authorization header and sets the rate-limit headers; it returns 0, or when
// over the limit the reset time in unix ms, and the bucket's size. The caller
// holds s.mu.
func (s *Server) takeRateLimit(h http.Header, authorization string) (int64, int) {
	b := s.bucketOf(authorization)
	now := s.now()
	if periods := int(now.Sub(b.refilledAt) / b.limit.Period); periods > 0 {
		b.available = min(b.limit.Burst, b.available+periods*b.limit.Refill)
		b.refilledAt = b.refilledAt.Add(time.Duration(periods) * b.limit.Period)
	}
	limited := b.available <= 0
	if !limited {
		b.available--
	}
	h.Set("x-ratelimit-limit", strconv.Itoa(b.limit.Burst))
	h.Set("x-ratelimit-remaining", strconv.Itoa(b.available))
	reset := b.refilledAt.Add(b.limit.Period).UnixMilli()
	h.Set("x-ratelimit-reset", strconv.FormatInt(reset, 10))
	if !limited {
		return 0, b.limit.Burst
	}
	return reset, b.limit.Burst
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// Unwrap lets http.ResponseController reach the connection (to reset it).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// discardWriter takes an answer no client will see.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// truncatingWriter holds the body back and sends only its first half.
type truncatingWriter struct {
	http.ResponseWriter
	buf    bytes.Buffer
	status int
}

func (w *truncatingWriter) WriteHeader(status int) { w.status = status }

func (w *truncatingWriter) Write(b []byte) (int, error) { return w.buf.Write(b) }

func (w *truncatingWriter) flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.ResponseWriter.Write(w.buf.Bytes()[:w.buf.Len()/2])
}
