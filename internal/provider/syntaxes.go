package provider

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// The syntaxes of durations and instants, one name each. Four are the
// service's, which differ from one endpoint to another; the provider's own
// durations are Go's:
//   - parseDuration: a wait's interval and the provider's request_timeout, Go durations (`1h30m`).
//   - parseWaitTimeout: a wait's timeout, a Go duration or a token timeout's duration (`2d`).
//   - parseRFC3339: an instant (created_from, created_to, a token's timeout).
//   - createdPeriodPattern: the list endpoint's created period (`1.5h`, `7d`, `1y`).
//   - parseTimeoutDuration: a created token's timeout as a duration (`2w`, `1hr`).
//   - parseTTL: a created token's idempotency key TTL (`30d`).
//   - parseRunDuration: a triggered run's delay, ttl and max_duration, which
//     the trigger endpoint reads as a token's timeout (`10m`, `1h30m`).
// An import writes a token's timeout and TTL back in those syntaxes (timeoutText, formatTTL).

// createdPeriodPattern is the list endpoint's syntax for filter[createdAt][period]:
// decimals allowed, units ms, s, m, h, d, w and y.
var createdPeriodPattern = regexp.MustCompile(`^(\d+(\.\d+)?(ms|s|m|h|d|w|y))+$`)

// The create endpoint's syntax for a token's timeout as a duration
// (parse-duration, as the service calls it): the whole string made of
// <digits><unit>, units w, d, h or hr, m and s, at most 100 characters.
// FuzzTokenTimeout holds it to the mock's.
var (
	timeoutDurationShape = regexp.MustCompile(`^(\d+(?:w|d|hr|h|m|s))+$`)
	timeoutDurationPart  = regexp.MustCompile(`(\d+)(w|d|hr|h|m|s)`)
	tokenDurationUnits   = map[string]time.Duration{
		"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "hr": time.Hour, "m": time.Minute, "s": time.Second,
	}
	// ttlPattern is the service's idempotencyKeyTTL syntax; it ignores anything else.
	ttlPattern = regexp.MustCompile(`^(\d+)([smhd])$`)
)

const (
	maxTimeoutDurationText = 100
	// maxTokenDuration bounds a timeout or a key's TTL. Far beyond any
	// approval's life; past it the service's arithmetic loses the value
	// (overflowing numbers), so the provider refuses rather than guess.
	maxTokenDuration = 100 * 365 * 24 * time.Hour
)

// errNotServiceDuration: the text is not a duration at all in the service's
// syntax. The service ignores it and creates a token that never times out.
var errNotServiceDuration = errors.New("not a duration")

// parseTimeoutDuration reads a duration as the service does, and refuses
// what the service would take in a way a user does not mean: a unit given
// twice (the service silently uses the first), zero (the token times out at
// once), or more than maxTokenDuration.
func parseTimeoutDuration(s string) (time.Duration, error) {
	if len(s) > maxTimeoutDurationText || !timeoutDurationShape.MatchString(s) {
		return 0, errNotServiceDuration
	}
	var total time.Duration
	seen := map[time.Duration]bool{}
	for _, part := range timeoutDurationPart.FindAllStringSubmatch(s, -1) {
		unit := tokenDurationUnits[part[2]]
		if seen[unit] {
			return 0, fmt.Errorf("gives the unit %s twice", part[2])
		}
		seen[unit] = true
		n, err := strconv.ParseInt(part[1], 10, 64)
		if err != nil || n > int64(maxTokenDuration/unit) {
			return 0, errTooLong
		}
		total += time.Duration(n) * unit
	}
	switch {
	case total == 0:
		return 0, errZeroTimeout
	case total > maxTokenDuration:
		return 0, errTooLong
	}
	return total, nil
}

var (
	errTooLong     = errors.New("is longer than 100 years (36500d)")
	errZeroTimeout = errors.New("is zero: the token would time out at once")
)

// parseTTL reads an idempotency key's TTL in the service's syntax, refusing
// zero and more than maxTokenDuration.
func parseTTL(s string) (time.Duration, error) {
	m := ttlPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, errNotServiceDuration
	}
	unit := tokenDurationUnits[m[2]]
	n, err := strconv.ParseInt(m[1], 10, 64)
	switch {
	case err != nil || n > int64(maxTokenDuration/unit):
		return 0, errTooLong
	case n == 0:
		return 0, errors.New("is zero")
	}
	return time.Duration(n) * unit, nil
}

// tokenTimeout is a checked `timeout`: a duration from the token's creation,
// or an instant.
type tokenTimeout struct {
	duration time.Duration
	instant  time.Time // zero for a duration
}

// parseTokenTimeout reads a `timeout`; its error says what is accepted.
func parseTokenTimeout(s string) (tokenTimeout, error) {
	if at, err := parseRFC3339(s); err == nil {
		return tokenTimeout{instant: at.UTC().Truncate(time.Millisecond)}, nil
	}
	d, err := parseTimeoutDuration(s)
	if errors.Is(err, errNotServiceDuration) {
		return tokenTimeout{}, fmt.Errorf("must be a duration such as \"30m\", \"24h\", \"2w\" or \"1h30m\" (units w, d, h, m, s, each once) or an RFC 3339 time such as \"2026-01-05T10:00:00Z\", got %q", s)
	} else if err != nil {
		return tokenTimeout{}, fmt.Errorf("%w, got %q", err, s)
	}
	return tokenTimeout{duration: d}, nil
}

// wire is the timeout as the provider sends it: a duration as written, an
// instant in the service's own layout, which every JavaScript Date reads.
func (t tokenTimeout) wire(configured string) string {
	if t.instant.IsZero() {
		return configured
	}
	return t.instant.Format(client.TimeLayout)
}

// utf16Length counts as JavaScript does, which is how the service counts.
func utf16Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// parseDuration reads a positive Go duration; its error says what is accepted.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("must be a positive duration with a unit, such as \"30s\", \"5m\" or \"1h30m\" (units ns, us, ms, s, m, h), got %q", s)
	}
	return d, nil
}

// parseRFC3339 reads an RFC 3339 time at full precision. Go's layout wants an
// upper-case T and Z, which are the only letters RFC 3339 has.
func parseRFC3339(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, strings.ToUpper(s))
}

// parseWaitTimeout reads a wait's timeout: a Go duration, or a duration in
// the units a token's timeout takes (2d, 1w), so that a wait can be as long
// as the token it waits for is written.
func parseWaitTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil && d > 0 {
		return d, nil
	}
	if err == nil {
		err = errNotServiceDuration // zero or negative
	} else {
		d, err = parseTimeoutDuration(s)
	}
	if errors.Is(err, errNotServiceDuration) || errors.Is(err, errZeroTimeout) {
		return 0, fmt.Errorf("must be a positive duration with a unit, such as \"30m\", \"1h30m\", \"2d\" or \"1w\" (units ms, s, m, h, d, w), got %q", s)
	} else if err != nil {
		return 0, fmt.Errorf("%w, got %q", err, s)
	}
	return d, nil
}

// runDurationShape says what a run's duration may be; with an instant, a delay.
const runDurationShape = "a duration such as \"30s\", \"10m\", \"2h\" or \"1h30m\" (units w, d, h, m, s, each once)"

// parseRunDuration reads a triggered run's delay, ttl or max_duration in the
// trigger endpoint's syntax, a token timeout's: the service ignores what it
// does not read, and zero means nothing a user would write on purpose.
func parseRunDuration(s string) (time.Duration, error) {
	d, err := parseTimeoutDuration(s)
	switch {
	case errors.Is(err, errNotServiceDuration):
		return 0, err
	case errors.Is(err, errZeroTimeout):
		return 0, fmt.Errorf("is zero: leave it out instead, got %q", s)
	case err != nil:
		return 0, fmt.Errorf("%w, got %q", err, s)
	}
	return d, nil
}

// timeoutText is a token's timeout as an import reads it: the whole seconds
// from its creation in the service's syntax (the service reads its clock
// for each a millisecond apart), or the instant when that is not a
// duration the provider takes (a token that timed out at once).
func timeoutText(token client.Token) string {
	d := token.TimeoutAt.Sub(token.CreatedAt).Round(time.Second)
	if d < time.Second || d > maxTokenDuration {
		return formatInstant(token.TimeoutAt)
	}
	return formatTimeoutDuration(d)
}

// formatTimeoutDuration writes a positive whole number of seconds in the
// service's syntax, each of d, h, m and s at most once: 90000s is "1d1h".
func formatTimeoutDuration(d time.Duration) string {
	var b strings.Builder
	for _, unit := range []struct {
		name string
		size time.Duration
	}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}} {
		if n := d / unit.size; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, unit.name)
			d %= unit.size
		}
	}
	return b.String()
}

// keyTTL is how long after its creation a token's key expires, to the
// second; false when it never does, expired as it was made, or is longer
// than the provider takes.
func keyTTL(token client.Token) (time.Duration, bool) {
	if token.IdempotencyKeyExpiresAt == nil {
		return 0, false
	}
	d := token.IdempotencyKeyExpiresAt.Sub(token.CreatedAt).Round(time.Second)
	return d, d >= time.Second && d <= maxTokenDuration
}

// formatTTL writes a whole number of seconds as a TTL, which has one unit:
// the largest that divides it.
func formatTTL(d time.Duration) string {
	for _, unit := range []string{"d", "h", "m"} {
		if size := tokenDurationUnits[unit]; d%size == 0 {
			return fmt.Sprintf("%d%s", d/size, unit)
		}
	}
	return fmt.Sprintf("%d%s", d/time.Second, "s")
}
