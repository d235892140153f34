package mockapi

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The service's limits on creating a token.
const (
	maxCreateBody     = 10 << 10
	maxIdempotencyKey = 2048
	maxTags           = 10
	maxTagLength      = 128 // UTF-16 code units, as JavaScript counts
	// maxDateMillis is the furthest a JavaScript Date reaches from the epoch.
	maxDateMillis = 8.64e15
)

var (
	ttlPattern = regexp.MustCompile(`^(\d+)([smhd])$`)
	ttlUnits   = map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	// durationShape and durationUnits are the service's duration parser: the
	// whole string made of <n><unit>, then the first <n> of each unit summed.
	durationShape = regexp.MustCompile(`^(\d+(?:w|d|hr|h|m|s))+$`)
	durationUnits = []struct {
		pattern *regexp.Regexp
		unit    time.Duration
	}{
		{regexp.MustCompile(`(\d+)w`), 7 * 24 * time.Hour},
		{regexp.MustCompile(`(\d+)d`), 24 * time.Hour},
		{regexp.MustCompile(`(\d+)(?:hr|h)`), time.Hour},
		{regexp.MustCompile(`(\d+)m`), time.Minute},
		{regexp.MustCompile(`(\d+)s`), time.Second},
	}
	// dateLayouts are the date strings the mock reads as JavaScript's Date does.
	dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02", "2006-01", "2006"}
)

// create makes a WAITING token, or returns the token holding spec's live
// idempotency key unchanged (cached). An expired key is retired first, so the
// new token takes it over. emptyKey is the literal key "" (the service looks
// it up only through its upsert: every such create gets the first token, not
// marked cached). The caller holds s.mu.
func (s *Server) create(spec TokenSpec, emptyKey bool) (r *record, cached bool) {
	created := cmp.Or(spec.CreatedAt, s.now())
	if emptyKey {
		if old := s.emptyKeyHolder(); old != nil {
			return old, false
		}
	} else if old := s.holderOf(spec.IdempotencyKey); old != nil {
		if old.IdempotencyKeyExpiresAt == nil || created.Before(*old.IdempotencyKeyExpiresAt) {
			return old, true
		}
		old.retireKey()
	}
	r = s.add("", created, spec.Tags, true)
	var expires *time.Time
	if spec.IdempotencyKeyTTL > 0 { // with or without a key, as on the service
		expires = millis(new(created.Add(spec.IdempotencyKeyTTL)))
	}
	switch {
	case spec.IdempotencyKey != "":
		r.setUserKey(spec.IdempotencyKey, expires)
	case emptyKey:
		r.emptyKey, r.generated = true, ""
	}
	r.IdempotencyKeyExpiresAt = expires
	switch {
	case !spec.TimeoutAt.IsZero():
		r.TimeoutAt = millis(&spec.TimeoutAt)
	case spec.Timeout > 0:
		r.TimeoutAt = millis(new(created.Add(spec.Timeout)))
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

// emptyKeyHolder finds the token created with the key ""; the caller holds s.mu.
func (s *Server) emptyKeyHolder() *record {
	for _, r := range s.records {
		if r.emptyKey {
			return r
		}
	}
	return nil
}

func (s *Server) serveCreate(w http.ResponseWriter, r *http.Request) {
	body, ok := readAPIBody(w, r, maxCreateBody)
	if !ok {
		return
	}
	req, status, message := parseCreateBody(body, s.now())
	if status != 0 {
		writeError(w, status, message)
		return
	}
	s.mu.Lock()
	rec, cached := s.create(req.TokenSpec, req.emptyKey)
	id := rec.ID
	s.mu.Unlock()
	token, claims := s.publicToken(id)
	w.Header().Set("x-trigger-jwt", token)
	w.Header().Set("x-trigger-jwt-claims", claims)
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "isCached": cached, "url": s.CallbackURL(baseURLOf(r), id)})
}

// createRequest is a create's body as the service reads it.
type createRequest struct {
	TokenSpec
	emptyKey bool // "idempotencyKey": ""
}

// parseCreateBody validates a create request as the service does: a value of
// the wrong type (null included) or length is a 400 naming each problem, too
// many tags a 422; an invalid TTL, or a timeout that is invalid or past, is
// ignored.
func parseCreateBody(body *jsObject, now time.Time) (createRequest, int, string) {
	var req createRequest
	var problems []string
	problem := func(field, message string) { problems = append(problems, fmt.Sprintf("%s at %q", message, field)) }
	if v, ok := body.values["idempotencyKey"]; ok {
		key, isString := v.(string)
		switch {
		case !isString:
			problem("idempotencyKey", expectedString(v))
		case utf16Length(key) > maxIdempotencyKey:
			problem("idempotencyKey", fmt.Sprintf("idempotencyKey must be %d characters or less", maxIdempotencyKey))
		default:
			req.IdempotencyKey, req.emptyKey = key, key == ""
		}
	}
	if v, ok := body.values["idempotencyKeyTTL"]; ok {
		ttl, isString := v.(string)
		if !isString {
			problem("idempotencyKeyTTL", expectedString(v))
		} else if m := ttlPattern.FindStringSubmatch(ttl); m != nil {
			n, _ := strconv.Atoi(m[1])
			req.IdempotencyKeyTTL = time.Duration(n) * ttlUnits[m[2]]
		}
	}
	if v, ok := body.values["timeout"]; ok {
		at, valid := parseTimeout(v, now)
		if !valid {
			// The timeout is a string or a date: zod lists both failures.
			problems = append(problems, fmt.Sprintf("%s at %q, or Invalid date at %q", expectedString(v), "timeout", "timeout"))
		}
		req.TimeoutAt = at
	}
	rawTags, present := body.values["tags"]
	tags, tagProblem := parseTags(rawTags, present)
	if tagProblem != "" {
		problems = append(problems, tagProblem)
	}
	req.Tags = tags
	switch {
	case len(problems) > 0:
		return createRequest{}, http.StatusBadRequest, "Validation error: " + strings.Join(problems, "; ")
	case len(tags) > maxTags:
		return createRequest{}, http.StatusUnprocessableEntity,
			fmt.Sprintf("Waitpoints can only have %d tags, you're trying to set %d.", maxTags, len(tags))
	}
	return req, 0, ""
}

// expectedString is zod's message for a value that should be a string.
func expectedString(got any) string {
	return "Expected string, received " + jsTypeName(got)
}

// parseTags reads tags given as one string or an array of strings, each at
// most maxTagLength long, and returns them as given, or zod's problem with
// them: a tag too long is named alone, but a value of the wrong type fails
// both forms (string, array of strings), and zod lists the failures of each.
func parseTags(v any, present bool) (tags []string, problem string) {
	if !present {
		return nil, ""
	}
	tooLong := fmt.Sprintf("Tags must be less than %d characters", maxTagLength)
	if one, isString := v.(string); isString {
		if utf16Length(one) > maxTagLength {
			return nil, fmt.Sprintf("%s at %q", tooLong, "tags")
		}
		return []string{one}, ""
	}
	items, isArray := v.([]any)
	if !isArray {
		return nil, fmt.Sprintf("%s at %q, or Expected array, received %s at %q", expectedString(v), "tags", jsTypeName(v), "tags")
	}
	var itemProblems []string
	wrongType := false
	for i, item := range items {
		tag, isString := item.(string)
		switch {
		case !isString:
			wrongType = true
			itemProblems = append(itemProblems, fmt.Sprintf("%s at %q", expectedString(item), fmt.Sprintf("tags[%d]", i)))
		case utf16Length(tag) > maxTagLength:
			itemProblems = append(itemProblems, fmt.Sprintf("%s at %q", tooLong, fmt.Sprintf("tags[%d]", i)))
		}
		tags = append(tags, tag)
	}
	switch {
	case wrongType:
		return nil, fmt.Sprintf("%s at %q, or %s", expectedString(v), "tags", strings.Join(itemProblems, "; "))
	case itemProblems != nil:
		return nil, strings.Join(itemProblems, "; ")
	}
	return tags, ""
}

// parseTimeout reads a timeout as the service does: a string is a date (past
// ones ignored) or a duration from now (invalid ones ignored); null, a number
// or a boolean is coerced to a date (epoch 0, epoch ms), however past; any
// other value, or a number beyond JavaScript's dates, is not valid.
func parseTimeout(v any, now time.Time) (time.Time, bool) {
	switch v := v.(type) {
	case string:
		return parseDelay(v, now), true
	case nil:
		return time.UnixMilli(0), true
	case bool:
		if v {
			return time.UnixMilli(1), true
		}
		return time.UnixMilli(0), true
	case json.Number:
		ms, err := strconv.ParseFloat(string(v), 64)
		if err != nil || math.Abs(ms) > maxDateMillis {
			return time.Time{}, false
		}
		return time.UnixMilli(int64(ms)), true
	}
	return time.Time{}, false
}

// parseDelay reads a timeout string: a date in the future, or a duration
// such as 30s, 1h30m or 2w from now; anything else is no timeout (zero).
func parseDelay(s string, now time.Time) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if !t.After(now) {
				return time.Time{}
			}
			return t
		}
	}
	if len(s) > 100 || !durationShape.MatchString(s) {
		return time.Time{}
	}
	var d time.Duration
	for _, u := range durationUnits {
		if m := u.pattern.FindStringSubmatch(s); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			d += time.Duration(n) * u.unit
		}
	}
	return now.Add(d)
}
