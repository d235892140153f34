package mockapi

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

type listQuery struct {
	statuses       []string
	tags           []string
	idempotencyKey string
	from, to       *time.Time
	size           int
	after, before  string
}

var periodPart = regexp.MustCompile(`(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)`)

var periodUnits = map[string]time.Duration{
	"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour,
	"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 8766 * time.Hour, // 365.25 days
}

// queryDetail is one problem in a 400 Query Error, as the service lists them.
type queryDetail struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Path    []string `json:"path"`
}

// parseListQuery reads the list endpoint's query as the service does, returning
// the problems it would answer 400 for.
func parseListQuery(v url.Values, now time.Time) (listQuery, []queryDetail) {
	q := listQuery{size: 25, after: v.Get("page[after]"), before: v.Get("page[before]"), idempotencyKey: v.Get("filter[idempotencyKey]")}
	var details []queryDetail
	problem := func(key, format string, args ...any) {
		details = append(details, queryDetail{Code: "custom", Message: fmt.Sprintf(format, args...), Path: []string{key}})
	}
	if s := v.Get("page[size]"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			problem("page[size]", "must be an integer from 1 to 100, got %q", s)
		}
		q.size = n
	}
	var invalid []string
	for _, st := range splitList(v.Get("filter[status]")) {
		switch {
		case !slices.Contains([]string{"WAITING", "COMPLETED", "TIMED_OUT"}, st):
			invalid = append(invalid, st)
		case !slices.Contains(q.statuses, st): // a repeated status counts once
			q.statuses = append(q.statuses, st)
		}
	}
	if invalid != nil {
		problem("filter[status]", "Invalid status values: %s", strings.Join(invalid, ", "))
	}
	q.tags = splitList(v.Get("filter[tags]"))
	if p := v.Get("filter[createdAt][period]"); p != "" {
		d, ok := parsePeriod(p)
		if !ok {
			problem("filter[createdAt][period]", "invalid period %q", p)
		}
		from := now.Add(-d)
		q.from = &from
	}
	for _, bound := range []struct {
		key string
		dst **time.Time
	}{{"filter[createdAt][from]", &q.from}, {"filter[createdAt][to]", &q.to}} {
		s := v.Get(bound.key)
		if s == "" {
			continue
		}
		t, ok := parseDate(s)
		if !ok {
			problem(bound.key, "invalid date %q", s)
			continue
		}
		// With a period too, the service keeps the later lower bound.
		if *bound.dst == nil || t.After(**bound.dst) {
			*bound.dst = &t
		}
	}
	return q, details
}

// splitList splits a comma list as the service does: nothing trimmed, empty
// parts kept (so "WAITING," holds an invalid status ""); "" is no list.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// parsePeriod reads parse-duration syntax: 30m, 24h, 7d, 2w, 1h30m.
func parsePeriod(s string) (time.Duration, bool) {
	matches := periodPart.FindAllStringSubmatchIndex(s, -1)
	var total time.Duration
	end := 0
	for _, m := range matches {
		if m[0] != end {
			return 0, false
		}
		n, _ := strconv.ParseFloat(s[m[2]:m[3]], 64)
		total += time.Duration(n * float64(periodUnits[s[m[4]:m[5]]]))
		end = m[1]
	}
	return total, len(matches) > 0 && end == len(s)
}

// parseDate reads ISO 8601 or epoch milliseconds, as the service accepts both.
func parseDate(s string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// matches applies the filters as the service does: tokens are stored as WAITING
// or COMPLETED (TIMED_OUT is COMPLETED with an error), and only a single status
// filter tells COMPLETED from TIMED_OUT.
func (q listQuery) matches(r *record) bool {
	if len(q.statuses) == 1 && q.statuses[0] != r.Status {
		return false
	}
	if len(q.statuses) > 1 && !slices.ContainsFunc(q.statuses, func(s string) bool { return storedStatus(s) == storedStatus(r.Status) }) {
		return false
	}
	if len(q.tags) > 0 && !slices.ContainsFunc(q.tags, func(t string) bool { return slices.Contains(r.Tags, t) }) {
		return false
	}
	if q.idempotencyKey != "" && q.idempotencyKey != r.IdempotencyKey && q.idempotencyKey != r.inactiveKey {
		return false
	}
	if q.from != nil && r.CreatedAt.Before(*q.from) || q.to != nil && r.CreatedAt.After(*q.to) {
		return false
	}
	return true
}

func storedStatus(s string) string {
	if s == "TIMED_OUT" {
		return "COMPLETED"
	}
	return s
}

type listPage struct {
	Data       []listItemJSON `json:"data"`
	Pagination struct {
		Next     string `json:"next,omitempty"`
		Previous string `json:"previous,omitempty"`
	} `json:"pagination"`
}

// list answers one page, newest first; the caller holds s.mu.
func (s *Server) list(q listQuery, baseURL string) listPage {
	page := listPage{Data: []listItemJSON{}}
	var picked []*record
	var more bool
	if q.before != "" {
		picked, more = s.collect(q, s.startAfterCursor(q.before, true), +1)
		slices.Reverse(picked)
	} else {
		picked, more = s.collect(q, s.startAfterCursor(q.after, false), -1)
	}
	for _, r := range picked {
		page.Data = append(page.Data, r.listItemJSON(baseURL, s.callbackHash(r.ID)))
	}
	if len(picked) > 0 {
		forward := q.before == ""
		// A backward page has a next only when it is full.
		if forward && more || !forward && len(picked) == q.size {
			page.Pagination.Next = picked[len(picked)-1].cursor
		}
		if !forward && more || forward && (q.after != "") {
			page.Pagination.Previous = picked[0].cursor
		}
	}
	return page
}

// startAfterCursor is the index in s.records to scan from: just past the
// cursor's token in the scan direction, or the newest token without one.
func (s *Server) startAfterCursor(cursor string, backwards bool) int {
	r, ok := s.byCursor[cursor]
	switch {
	case !ok && backwards:
		return len(s.records) // nothing is newer than an unknown cursor
	case !ok:
		return len(s.records) - 1
	case backwards:
		return r.seq // records[seq-1] is the cursor's token
	default:
		return r.seq - 2
	}
}

// collect scans from index start in direction step for up to q.size matches,
// reporting whether another match lies beyond them.
func (s *Server) collect(q listQuery, start, step int) ([]*record, bool) {
	var picked []*record
	for i := start; i >= 0 && i < len(s.records); i += step {
		r := s.records[i]
		s.expire(r)
		if !q.matches(r) {
			continue
		}
		if len(picked) == q.size {
			return picked, true
		}
		picked = append(picked, r)
	}
	return picked, false
}
