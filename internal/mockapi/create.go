package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// The service's limits on creating a token.
const (
	maxCreateBody     = 10 << 10
	maxIdempotencyKey = 2048
	maxTags           = 10
	maxTagLength      = 128
)

var (
	ttlPattern   = regexp.MustCompile(`^(\d+)([smhd])$`)
	delayPattern = regexp.MustCompile(`^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$`)
	delayUnits   = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second}
	ttlUnits     = map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
)

// create makes a WAITING token, or returns the token holding spec's live
// idempotency key unchanged (cached). An expired key is retired first, so the
// new token takes it over. The caller holds s.mu.
func (s *Server) create(spec TokenSpec) (r *record, cached bool) {
	created := spec.CreatedAt
	if created.IsZero() {
		created = s.now()
	}
	if old := s.holderOf(spec.IdempotencyKey); old != nil {
		if old.IdempotencyKeyExpiresAt == nil || created.Before(*old.IdempotencyKeyExpiresAt) {
			return old, true
		}
		old.retireKey()
	}
	r = s.add("", created, spec.Tags)
	if spec.IdempotencyKey != "" {
		var expires *time.Time
		if spec.IdempotencyKeyTTL > 0 {
			at := created.Add(spec.IdempotencyKeyTTL)
			expires = &at
		}
		r.setUserKey(spec.IdempotencyKey, expires)
	}
	switch {
	case !spec.TimeoutAt.IsZero():
		at := spec.TimeoutAt.UTC().Truncate(time.Millisecond)
		r.TimeoutAt = &at
	case spec.Timeout > 0:
		at := created.Add(spec.Timeout).UTC().Truncate(time.Millisecond)
		r.TimeoutAt = &at
	}
	return r, false
}

// holderOf finds the token whose current key is the user's key; the caller
// holds s.mu.
func (s *Server) holderOf(key string) *record {
	if key == "" {
		return nil
	}
	for _, r := range s.records {
		if r.createdKey && r.IdempotencyKey == key {
			return r
		}
	}
	return nil
}

// createBody is the body of POST /api/v1/waitpoints/tokens.
type createBody struct {
	IdempotencyKey    *string         `json:"idempotencyKey"`
	IdempotencyKeyTTL *string         `json:"idempotencyKeyTTL"`
	Timeout           *string         `json:"timeout"`
	Tags              json.RawMessage `json:"tags"` // a string or an array of strings
}

func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request) {
	raw, ok := readBody(w, r, maxCreateBody)
	if !ok {
		return
	}
	spec, status, message := parseCreateBody(raw, s.now())
	if status != 0 {
		writeError(w, status, message)
		return
	}
	s.mu.Lock()
	rec, cached := s.create(spec)
	id := rec.ID
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "isCached": cached, "url": s.CallbackURL(baseURLOf(r), id)})
}

// parseCreateBody validates a create request as the service does: a bad type
// or length is a 400, too many tags a 422; an invalid TTL or timeout is ignored.
func parseCreateBody(raw []byte, now time.Time) (TokenSpec, int, string) {
	var body createBody
	if len(bytes.TrimSpace(raw)) == 0 {
		return TokenSpec{}, http.StatusBadRequest, "Invalid request body: the body must be a JSON object"
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return TokenSpec{}, http.StatusBadRequest, "Invalid request body: " + err.Error()
	}
	tags, err := parseTags(body.Tags)
	if err != nil {
		return TokenSpec{}, http.StatusBadRequest, "Invalid request body: " + err.Error()
	}
	if len(tags) > maxTags {
		return TokenSpec{}, http.StatusUnprocessableEntity,
			fmt.Sprintf("Waitpoints can only have %d tags, you're trying to set %d.", maxTags, len(tags))
	}
	spec := TokenSpec{Tags: tags}
	if body.IdempotencyKey != nil {
		if len(*body.IdempotencyKey) > maxIdempotencyKey {
			return TokenSpec{}, http.StatusBadRequest, fmt.Sprintf("Invalid request body: idempotencyKey is longer than %d characters", maxIdempotencyKey)
		}
		spec.IdempotencyKey = *body.IdempotencyKey
	}
	if body.IdempotencyKeyTTL != nil {
		if m := ttlPattern.FindStringSubmatch(*body.IdempotencyKeyTTL); m != nil {
			n, _ := strconv.Atoi(m[1])
			spec.IdempotencyKeyTTL = time.Duration(n) * ttlUnits[m[2]]
		}
	}
	if body.Timeout != nil {
		spec.TimeoutAt = parseDelay(*body.Timeout, now)
	}
	return spec, 0, ""
}

// parseTags reads tags given as one string or an array of strings.
func parseTags(raw json.RawMessage) ([]string, error) {
	var tags []string
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		tags = []string{one}
	} else if err := json.Unmarshal(raw, &tags); err != nil {
		return nil, fmt.Errorf("tags must be a string or an array of strings")
	}
	for _, t := range tags {
		if len(t) > maxTagLength {
			return nil, fmt.Errorf("tag %q is longer than %d characters", t, maxTagLength)
		}
	}
	return tags, nil
}

// parseDelay reads a timeout as the service does: an ISO date, or a duration
// such as 30s, 1h30m or 2w from now; anything else is no timeout (zero).
func parseDelay(s string, now time.Time) time.Time {
	if m := delayPattern.FindStringSubmatch(s); s != "" && m != nil {
		var d time.Duration
		for i, unit := range delayUnits {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
		return now.Add(d)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
