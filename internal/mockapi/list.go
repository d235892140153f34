package mockapi

import (
	"maps"
	"math"
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

// queryDetail is one problem in a 400 Query Error: a validation issue as the
// service lists them, {code, message, path} and the code's own keys.
type queryDetail map[string]any

// parseListQuery reads the list endpoint's query as the service does (each
// key's last value, numbers and dates as JavaScript reads them), returning
// the problems it would answer 400 for.
func parseListQuery(v url.Values, now time.Time) (listQuery, []queryDetail) {
	last := func(key string) (string, bool) { return lastValue(v, key) }
	q := listQuery{size: 25}
	q.after, _ = last("page[after]")
	q.before, _ = last("page[before]")
	q.idempotencyKey, _ = last("filter[idempotencyKey]")
	var details []queryDetail
	problem := func(key, code, message string, extra queryDetail) {
		d := queryDetail{"code": code, "message": message, "path": []string{key}}
		maps.Copy(d, extra)
		details = append(details, d)
	}
	if s, ok := last("page[size]"); ok {
		n := numberOf(s)
		switch {
		case math.IsNaN(n):
			problem("page[size]", "invalid_type", "Expected number, received nan", queryDetail{"expected": "number", "received": "nan"})
		default:
			if n != math.Trunc(n) || math.IsInf(n, 0) {
				problem("page[size]", "invalid_type", "Expected integer, received float", queryDetail{"expected": "integer", "received": "float"})
			}
			if n <= 0 {
				problem("page[size]", "too_small", "Number must be greater than 0", queryDetail{"minimum": 0, "type": "number", "inclusive": false, "exact": false})
			}
			if n < 1 {
				problem("page[size]", "too_small", "Number must be greater than or equal to 1", queryDetail{"minimum": 1, "type": "number", "inclusive": true, "exact": false})
			}
			if n > 100 {
				problem("page[size]", "too_big", "Number must be less than or equal to 100", queryDetail{"maximum": 100, "type": "number", "inclusive": true, "exact": false})
			}
			q.size = int(n)
		}
	}
	status, _ := last("filter[status]")
	var invalid []string
	for _, st := range splitList(status) {
		switch {
		case !slices.Contains([]string{"WAITING", "COMPLETED", "TIMED_OUT"}, st):
			invalid = append(invalid, st)
		case !slices.Contains(q.statuses, st): // a repeated status counts once
			q.statuses = append(q.statuses, st)
		}
	}
	if invalid != nil {
		problem("filter[status]", "custom", "Invalid status values: "+strings.Join(invalid, ", "), nil)
	}
	tags, _ := last("filter[tags]")
	q.tags = splitList(tags)
	created := parseCreatedAt(v, now, func(key string) { problem(key, "invalid_date", "Invalid date", nil) })
	q.from, q.to = created.from, created.to
	// With a period too, the service keeps the later lower bound.
	if created.since != nil && (q.from == nil || created.since.After(*q.from)) {
		q.from = created.since
	}
	return q, details
}

// lastValue is key's last value in v: the service reads a query through
// Object.fromEntries, so a repeated key counts as its last value.
func lastValue(v url.Values, key string) (string, bool) {
	values := v[key]
	if len(values) == 0 {
		return "", false
	}
	return values[len(values)-1], true
}

// createdAtFilter is a list's filter[createdAt] as the service reads it, for
// the token and the run lists, which combine its parts each in its own way.
type createdAtFilter struct {
	period   bool       // a period was given, read or not
	since    *time.Time // now less the period, when parse-duration reads it
	from, to *time.Time
}

// parseCreatedAt reads filter[createdAt][period], [from] and [to], each its
// key's last value; problem is called with the key of a date that is none.
func parseCreatedAt(v url.Values, now time.Time, problem func(key string)) createdAtFilter {
	var f createdAtFilter
	if p, _ := lastValue(v, "filter[createdAt][period]"); p != "" {
		f.period = true
		// Never refused: what parse-duration cannot read is no filter.
		if d, ok := parsePeriod(p); ok {
			since := now.Add(-d)
			f.since = &since
		}
	}
	for _, bound := range []struct {
		key string
		dst **time.Time
	}{{"filter[createdAt][from]", &f.from}, {"filter[createdAt][to]", &f.to}} {
		s, ok := lastValue(v, bound.key)
		if !ok {
			continue
		}
		t, ok := parseDate(s)
		if !ok {
			problem(bound.key)
			continue
		}
		*bound.dst = &t
	}
	return f
}

// splitList splits a comma list as the service does: nothing trimmed, empty
// parts kept (so "WAITING," holds an invalid status ""); "" is no list.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

var (
	// jsDecimal, jsInteger and jsWhitespace are what JavaScript's Number()
	// reads: a decimal literal, or a hexadecimal, octal or binary integer,
	// inside whitespace; the empty string is 0.
	jsDecimal    = regexp.MustCompile(`^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$`)
	jsInteger    = regexp.MustCompile(`^0([xXoObB])([0-9a-fA-F]+)$`)
	jsWhitespace = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

// numberOf reads a string as JavaScript's Number() does; NaN when it cannot.
func numberOf(s string) float64 {
	s = strings.Trim(s, jsWhitespace)
	switch unsigned := strings.TrimLeft(s, "+-"); {
	case s == "":
		return 0
	case unsigned == "Infinity" && len(s)-len(unsigned) <= 1:
		return map[bool]float64{true: math.Inf(-1), false: math.Inf(1)}[s[0] == '-']
	case jsDecimal.MatchString(s):
		n, _ := strconv.ParseFloat(s, 64) // out of range is ±Inf, as in JavaScript
		return n
	}
	if m := jsInteger.FindStringSubmatch(s); m != nil {
		base := map[string]int{"x": 16, "o": 8, "b": 2}[strings.ToLower(m[1])]
		if n, err := strconv.ParseUint(m[2], base, 64); err == nil {
			return float64(n)
		}
	}
	return math.NaN()
}

// periodPart and periodSeparator are parse-duration 2.1's: a number (no
// sign) and at most one space before its unit's letters; a space, "_" or ","
// between two digits is dropped first.
var (
	periodPart      = regexp.MustCompile(`((?:\d{1,16}(?:\.\d{1,16})?|\.\d{1,16})(?:[eE][-+]?\d{1,4})?)\s?(\pL{0,14})`)
	periodSeparator = regexp.MustCompile(`(\d)[ _,](\d)`)
)

// periodUnits are parse-duration's English units, in its order (largest
// first), in milliseconds.
var periodUnits = []struct {
	name string
	ms   float64
}{
	{"year", 365.25 * 864e5}, {"yr", 365.25 * 864e5}, {"y", 365.25 * 864e5},
	{"month", 365.25 * 864e5 / 12}, {"mo", 365.25 * 864e5 / 12}, {"mth", 365.25 * 864e5 / 12},
	{"week", 7 * 864e5}, {"wk", 7 * 864e5}, {"w", 7 * 864e5},
	{"day", 864e5}, {"d", 864e5},
	{"hour", 36e5}, {"hr", 36e5}, {"h", 36e5},
	{"minute", 6e4}, {"min", 6e4}, {"m", 6e4},
	{"second", 1e3}, {"sec", 1e3}, {"s", 1e3},
	{"millisecond", 1}, {"millisec", 1}, {"ms", 1},
	{"microsecond", 1e-3}, {"microsec", 1e-3}, {"us", 1e-3}, {"µs", 1e-3},
	{"nanosecond", 1e-6}, {"nanosec", 1e-6}, {"ns", 1e-6},
}

func periodUnit(name string) float64 {
	for _, try := range []string{name, strings.TrimSuffix(name, "s")} {
		for _, u := range periodUnits {
			if u.name == try {
				return u.ms
			}
		}
	}
	return 0
}

// parsePeriod reads a duration as parse-duration 2.1 does: every
// number-and-unit in the text summed, text around them ignored; a number
// without a unit takes the next smaller unit than the one before it, or
// milliseconds; negative when the text starts with "-". False when nothing
// was read (no filter); a sum of 0 is "from now".
func parsePeriod(s string) (time.Duration, bool) {
	var total, previous float64
	found := false
	for _, m := range periodPart.FindAllStringSubmatch(periodSeparator.ReplaceAllString(s, "$1$2"), -1) {
		unit := 0.0
		switch {
		case m[2] != "":
			unit = periodUnit(strings.ToLower(m[2]))
		case previous != 0:
			for _, u := range periodUnits {
				if u.ms < previous {
					unit = u.ms
					break
				}
			}
		default:
			unit = 1
		}
		previous = unit
		if unit == 0 {
			continue
		}
		n, _ := strconv.ParseFloat(m[1], 64)
		total += n * unit
		found = true
	}
	if !found {
		return 0, false
	}
	if strings.HasPrefix(s, "-") {
		total = -total
	}
	return time.Duration(total * float64(time.Millisecond)), true
}

// parseDate reads a date as the service does: anything Number() reads is
// epoch milliseconds (so "" is the epoch), else a date string; false for an
// invalid date.
func parseDate(s string) (time.Time, bool) {
	if ms := numberOf(s); !math.IsNaN(ms) {
		if math.Abs(ms) > maxDateMillis {
			return time.Time{}, false
		}
		return time.UnixMilli(int64(ms)).UTC(), true
	}
	for _, layout := range dateLayouts {
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
	picked, next, previous := onePage(s.records, s.byCursor, q.after, q.before, q.size, func(r *record) bool {
		s.expire(r)
		return q.matches(r)
	})
	for _, r := range picked {
		page.Data = append(page.Data, r.listItemJSON(baseURL, s.callbackHash(r.ID)))
	}
	page.Pagination.Next, page.Pagination.Previous = next, previous
	return page
}

// listed is what a list pages through, a token's record or a run's: its
// seq (its index in the list's slice, plus one) and its cursor.
type listed interface {
	place() (seq int, cursor string)
}

func (r *record) place() (int, string)    { return r.seq, r.cursor }
func (r *runRecord) place() (int, string) { return r.seq, r.cursor }

// onePage picks one page of all (oldest first), newest first, as the
// service's lists page: from just past the cursor after (the newest without
// one), or, with before, back toward the newest from just past it. keep
// settles an item and says whether the query matches it. It returns the
// page and the cursors of the next and the previous pages ("" for none).
func onePage[T listed](all []T, byCursor map[string]T, after, before string, size int, keep func(T) bool) (picked []T, next, previous string) {
	forward := before == ""
	start, step := len(all)-1, -1
	if forward {
		if r, ok := byCursor[after]; ok {
			seq, _ := r.place()
			start = seq - 2
		}
	} else {
		start, step = len(all), +1 // nothing is newer than an unknown cursor
		if r, ok := byCursor[before]; ok {
			start, _ = r.place() // all[seq-1] is the cursor's item
		}
	}
	more := false
	for i := start; i >= 0 && i < len(all); i += step {
		if !keep(all[i]) {
			continue
		}
		if len(picked) == size {
			more = true
			break
		}
		picked = append(picked, all[i])
	}
	if !forward {
		slices.Reverse(picked)
	}
	if len(picked) > 0 {
		// A backward page has a next only when it is full.
		if forward && more || !forward && len(picked) == size {
			_, next = picked[len(picked)-1].place()
		}
		if !forward && more || forward && after != "" {
			_, previous = picked[0].place()
		}
	}
	return picked, next, previous
}
