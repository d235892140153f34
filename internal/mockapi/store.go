package mockapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// storeThreshold is the payload size above which the service offloads an output
// to object storage.
const storeThreshold = 512 << 10

var tagVocabulary = []string{"approval", "deploy:prod", "deploy:staging", "release", "team:payments", "team:platform"}

type record struct {
	Token
	seq        int
	cursor     string // the internal id: opaque to clients
	generated  string // the idempotency key the service made up when the user gave none
	createdKey bool   // whether IdempotencyKey came from the user
}

type blob struct {
	data        []byte
	contentType string
}

// add appends a WAITING token; the caller holds s.mu.
func (s *Server) add(created time.Time, tags []string) *record {
	seq := len(s.records) + 1
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), uint64(seq)))
	r := &record{
		Token: Token{
			ID:         "waitpoint_" + randomBody(rng, 25),
			Status:     "WAITING",
			CreatedAt:  created.UTC().Truncate(time.Millisecond),
			Tags:       sortedUnique(tags),
			OutputType: "application/json",
		},
		seq:       seq,
		cursor:    "cm" + randomBody(rng, 23),
		generated: randomBody(rng, 21),
	}
	s.records = append(s.records, r)
	s.byID[r.ID] = r
	s.byCursor[r.cursor] = r
	return r
}

func (r *record) setUserKey(key string, expires time.Time) {
	expires = expires.UTC().Truncate(time.Millisecond)
	r.IdempotencyKey, r.IdempotencyKeyExpiresAt, r.createdKey = key, &expires, true
}

// lookup finds a token by friendly id or bare body, timeouts applied; the caller
// holds s.mu.
func (s *Server) lookup(id string) *record {
	r := s.byID[id]
	if r == nil {
		r = s.byID["waitpoint_"+id]
	}
	if r != nil {
		s.expire(r)
	}
	return r
}

// expire turns a WAITING token past its timeout into TIMED_OUT, as the service's
// timeout job does.
func (s *Server) expire(r *record) {
	if r.Status != "WAITING" || r.TimeoutAt == nil || s.now().Before(*r.TimeoutAt) {
		return
	}
	at := *r.TimeoutAt
	out := fmt.Sprintf(`{"code":"TRIGGER_WAITPOINT_TIMEOUT","message":"Waitpoint timed out at %s"}`, formatTime(at))
	r.Status, r.CompletedAt, r.Output, r.OutputType, r.OutputIsError = "TIMED_OUT", &at, &out, "application/json", true
}

type completion struct {
	status  int
	message string
}

func (c completion) err() error {
	if c.status == http.StatusOK {
		return nil
	}
	return errors.New(c.message)
}

// complete stores payload as the token's output the way the service does; the
// caller holds s.mu.
func (s *Server) complete(id string, payload []byte, storeName string) completion {
	r := s.lookup(id)
	switch {
	case r == nil:
		return completion{http.StatusNotFound, "Waitpoint not found"}
	case r.Status == "COMPLETED":
		return completion{status: http.StatusOK} // completing again is a no-op
	case r.Status == "TIMED_OUT":
		// The service refuses to complete a waitpoint that has already timed out.
		return completion{http.StatusBadRequest, "Waitpoint has already timed out"}
	}
	output, outputType, err := encodeOutput(payload)
	if err != nil {
		return completion{http.StatusBadRequest, err.Error()}
	}
	if output != nil && len(*output) > storeThreshold {
		name := r.ID + "/" + storeName
		s.blobs[name] = blob{data: []byte(*output), contentType: outputType}
		output, outputType = &name, "application/store"
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	r.Status, r.CompletedAt, r.Output, r.OutputType = "COMPLETED", &now, output, outputType
	return completion{status: http.StatusOK}
}

// encodeOutput stores a JSON string as text/plain and any other JSON value as a
// superjson document, as the SDK does; no payload means no output.
func encodeOutput(payload []byte) (*string, string, error) {
	payload = []byte(strings.TrimSpace(string(payload)))
	if len(payload) == 0 {
		return nil, "application/json", nil
	}
	if !json.Valid(payload) {
		return nil, "", errors.New("invalid JSON body")
	}
	var text string
	if json.Unmarshal(payload, &text) == nil {
		return &text, "text/plain", nil
	}
	doc := `{"json":` + string(payload) + `}`
	return &doc, "application/super+json", nil
}

func (r *record) snapshot() Token {
	t := r.Token
	t.Tags = slices.Clone(r.Tags)
	return t
}

func randomBody(rng *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func sortedUnique(tags []string) []string {
	out := slices.Clone(tags)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
