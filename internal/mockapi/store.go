package mockapi

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// storeThreshold is the serialised output size from which the service offloads
// an output to object storage.
const storeThreshold = 512 << 10

var tagVocabulary = []string{"approval", "deploy:prod", "deploy:staging", "release", "team:payments", "team:platform"}

type record struct {
	Token
	seq        int
	cursor     string // the internal id (the id without waitpoint_), as the service's cursors
	generated  string // the idempotency key the service made up when the user gave none
	createdKey bool   // whether IdempotencyKey came from the user
	// inactiveKey is the user's key after it expired and a new token took it over.
	inactiveKey string
	emptyKey    bool // created with the literal key "", which every such create shares
}

type blob struct {
	data        []byte
	contentType string
}

// add appends a WAITING token, with a generated id when id is ""; the caller
// holds s.mu. Its random parts come from stream seq for the tokens the mock
// starts with, so that they are the same after a reset, and from a stream of
// their own for tokens created since, so that no id is reused after a reset
// (the service never reuses one).
func (s *Server) add(id string, created time.Time, tags []string, sinceStart bool) *record {
	seq := len(s.records) + 1
	stream := uint64(seq)
	if sinceStart {
		s.createdSinceStart++
		stream = 1<<32 + s.createdSinceStart
	}
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), stream))
	r := &record{
		Token: Token{
			ID:         cmp.Or(id, "waitpoint_"+randomBody(rng, 25, idAlphabet)),
			Status:     "WAITING",
			CreatedAt:  created.UTC().Truncate(time.Millisecond),
			Tags:       append([]string{}, tags...), // as given: duplicates and blanks too
			OutputType: "application/json",
		},
		seq:       seq,
		generated: randomBody(rng, 24, keyAlphabet),
	}
	// The service's cursor is the internal id: the friendly id's body.
	r.cursor = strings.TrimPrefix(r.ID, "waitpoint_")
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

// complete stores a parsed JSON value (present false: none) as the token's
// output the way the service does: an output of storeThreshold bytes or more
// goes to object storage as <id>/<route.storeBase>.json, or .txt for text. A token
// already completed or timed out (stored alike, as completed) is left as it is.
// The caller holds s.mu.
func (s *Server) complete(id string, value any, present bool, route completionRoute) completion {
	r := s.lookup(id)
	switch {
	case r == nil:
		return completion{http.StatusNotFound, "Waitpoint not found"}
	case r.Status != "WAITING":
		return completion{status: http.StatusOK} // completing again is a no-op
	}
	output, outputType, err := stringifyIO(value, present)
	if err != nil {
		return completion{http.StatusInternalServerError, route.failure}
	}
	output, outputType = s.offload(r.ID+"/"+route.storeBase, output, outputType)
	now := s.now().UTC().Truncate(time.Millisecond)
	r.Status, r.CompletedAt, r.Output, r.OutputType = "COMPLETED", &now, output, outputType
	return completion{status: http.StatusOK}
}

// timeOut times a WAITING token out now, as the service's timeout job would;
// the caller holds s.mu.
func (s *Server) timeOut(id string) completion {
	r := s.lookup(id)
	switch {
	case r == nil:
		return completion{http.StatusNotFound, "Waitpoint not found"}
	case r.Status != "WAITING":
		return completion{http.StatusConflict, "Waitpoint is " + r.Status + ", not WAITING"}
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	r.TimeoutAt = &now
	s.expire(r)
	return completion{status: http.StatusOK}
}

// offload moves an output of storeThreshold bytes or more to object storage,
// as the service does, and returns what the token then holds: the object's path.
func (s *Server) offload(base string, output *string, outputType string) (*string, string) {
	if output == nil || len(*output) < storeThreshold {
		return output, outputType
	}
	name := base + ".json"
	if outputType == "text/plain" {
		name = base + ".txt"
	}
	s.blobs[name] = blob{data: []byte(*output), contentType: outputType}
	return &name, "application/store"
}

// callbackData is what the service makes of a callback's body
// (request.json(), {} when that fails): the parsed value.
func callbackData(body []byte) any {
	v, err := parseJS(bytes.TrimPrefix(body, utf8BOM))
	if err != nil {
		return &jsObject{values: map[string]any{}}
	}
	return v
}

func (r *record) snapshot() Token {
	t := r.Token
	t.Tags = slices.Clone(r.Tags)
	return t
}

// idAlphabet makes ids' bodies, as cuids; keyAlphabet the idempotency keys
// the service generates (nanoid's).
const (
	idAlphabet  = "abcdefghijklmnopqrstuvwxyz0123456789"
	keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)

func randomBody(rng *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}
