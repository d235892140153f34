package mockapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
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
	// inactiveKey is the user's key after it expired and a new token took it over.
	inactiveKey string
}

type blob struct {
	data        []byte
	contentType string
}

// add appends a WAITING token, with a generated id when id is ""; the caller
// holds s.mu.
func (s *Server) add(id string, created time.Time, tags []string) *record {
	seq := len(s.records) + 1
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), uint64(seq)))
	generatedID := "waitpoint_" + randomBody(rng, 25)
	r := &record{
		Token: Token{
			ID:         cmp.Or(id, generatedID),
			Status:     "WAITING",
			CreatedAt:  created.UTC().Truncate(time.Millisecond),
			Tags:       uniqueInOrder(tags),
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

// setUserKey gives the token the user's idempotency key, live until expires
// (nil: for ever).
func (r *record) setUserKey(key string, expires *time.Time) {
	if expires != nil {
		at := expires.UTC().Truncate(time.Millisecond)
		expires = &at
	}
	r.IdempotencyKey, r.IdempotencyKeyExpiresAt, r.createdKey = key, expires, true
}

// retireKey frees an expired user key for a new token, as the service does:
// the key moves to inactiveIdempotencyKey and the token gets a generated one.
func (r *record) retireKey() {
	r.inactiveKey, r.IdempotencyKey = r.IdempotencyKey, r.generated
}

// listKey is the key list items show: the expired one if any, else the current.
func (r *record) listKey() string {
	if r.inactiveKey != "" {
		return r.inactiveKey
	}
	return r.IdempotencyKey
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

// complete stores data, a JSON value (nil: none), as the token's output the
// way the service does: an output over storeThreshold goes to object storage
// as <id>/<storeBase>.json, or .txt for text. The caller holds s.mu.
func (s *Server) complete(id string, data json.RawMessage, storeBase string) completion {
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
	output, outputType := stringifyIO(data)
	output, outputType = s.offload(r.ID+"/"+storeBase, output, outputType)
	now := s.now().UTC().Truncate(time.Millisecond)
	r.Status, r.CompletedAt, r.Output, r.OutputType = "COMPLETED", &now, output, outputType
	return completion{status: http.StatusOK}
}

// offload moves an output over storeThreshold to object storage, as the
// service does, and returns what the token then holds: the object's path.
func (s *Server) offload(base string, output *string, outputType string) (*string, string) {
	if output == nil || len(*output) <= storeThreshold {
		return output, outputType
	}
	name := base + ".json"
	if outputType == "text/plain" {
		name = base + ".txt"
	}
	s.blobs[name] = blob{data: []byte(*output), contentType: outputType}
	return &name, "application/store"
}

// stringifyIO serialises a JSON value as the service does (superjson): a string
// as text/plain, any other value (null too) as a superjson document; no value
// means no output.
func stringifyIO(data json.RawMessage) (*string, string) {
	if data == nil {
		return nil, "application/json"
	}
	var text string
	if data[0] == '"' && json.Unmarshal(data, &text) == nil {
		return &text, "text/plain"
	}
	doc := `{"json":` + string(data) + `}`
	return &doc, "application/super+json"
}

// callbackData is what the service makes of a callback's body: the JSON value
// it holds, or {} when it is empty or not JSON.
func callbackData(body []byte) json.RawMessage {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || !json.Valid(body) {
		return json.RawMessage(`{}`)
	}
	return body
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

// uniqueInOrder is tags as the service stores them: in the order given, once each.
func uniqueInOrder(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
