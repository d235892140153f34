package provider

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestParseTimeoutDuration: what each duration means, as the service sums it.
func TestParseTimeoutDuration(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"30m": 30 * time.Minute, "24h": 24 * time.Hour, "2w": 14 * 24 * time.Hour, "1h30m": 90 * time.Minute,
		"30m1h": 90 * time.Minute, "1hr": time.Hour, "90s": 90 * time.Second, "1d": 24 * time.Hour, "007s": 7 * time.Second,
	} {
		if got, err := parseTimeoutDuration(s); err != nil || got != want {
			t.Errorf("parseTimeoutDuration(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
}

// FuzzTokenTimeout: a timeout the provider accepts is one the mock API (the
// service's parser) applies exactly as the provider reads it, sent as the
// provider sends it; and a duration the mock applies, the provider accepts,
// unless it refuses it on purpose (zero, a unit twice, past 100 years).
func FuzzTokenTimeout(f *testing.F) {
	for _, seed := range []string{"30m", "24h", "2w", "1h30m", "1hr", "90s", "0s", "1h1h", "1.5h", "1H", "30", "1h ", "5300w",
		"99999999999999999999h", "2027-01-05T10:00:00Z", "2027-01-05t10:00:00.5z", "2027-01-05T10:00:00+02:00", "2020-01-01T00:00:00Z", "2027-01-05", "2027"} {
		f.Add(seed)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	mock := mockapi.New(mockapi.Options{APIKey: testAPIKey, RateLimit: mockapi.NoRateLimit, Now: func() time.Time { return now }})
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || len(s) > 1000 { // the attribute's null; a body the service refuses whole (the provider refuses such a timeout)
			return
		}
		timeout, err := parseTokenTimeout(s)
		switch {
		case err == nil && timeout.instant.IsZero():
			if got := mockTimeout(t, mock, timeout.wire(s)); got == nil || got.Sub(now) != timeout.duration {
				t.Fatalf("timeout %q: the provider reads %s, the mock times out at %v", s, timeout.duration, got)
			}
		case err == nil:
			got := mockTimeout(t, mock, timeout.wire(s))
			if timeout.instant.After(now) && (got == nil || !got.Equal(timeout.instant)) {
				t.Fatalf("timeout %q: the provider reads %s, the mock times out at %v", s, timeout.instant, got)
			}
			if !timeout.instant.After(now) && got != nil { // refused at apply, as the service ignores it
				t.Fatalf("timeout %q has passed, yet the mock times out at %v", s, got)
			}
		default:
			_, durationErr := parseTimeoutDuration(s)
			if got := mockTimeout(t, mock, s); got != nil && errors.Is(durationErr, errNotServiceDuration) && !looksLikeDate(s) {
				t.Fatalf("timeout %q: the mock takes it as a duration (times out at %v), the provider refuses it: %v", s, got, err)
			}
		}
	})
}

// looksLikeDate: the mock reads dates of forms other than RFC 3339, which
// the provider refuses: all have a dash but a bare year.
func looksLikeDate(s string) bool {
	return strings.Contains(s, "-") || strings.Trim(s, "0123456789") == ""
}

// mockTimeout creates a token with this timeout on the mock and returns when
// it times out, nil when the mock ignored the timeout.
func mockTimeout(t *testing.T, mock *mockapi.Server, timeout string) *time.Time {
	body, _ := json.Marshal(map[string]string{"timeout": timeout})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/waitpoints/tokens", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Length", strconv.Itoa(len(body))) // the service refuses a body without one
	answer := httptest.NewRecorder()
	mock.ServeHTTP(answer, req)
	var created struct{ ID string }
	if err := json.Unmarshal(answer.Body.Bytes(), &created); err != nil || answer.Code != http.StatusOK {
		t.Fatalf("timeout %q: the mock answered %d %s", timeout, answer.Code, answer.Body)
	}
	tok, _ := mock.Token(created.ID)
	return tok.TimeoutAt
}

// TestTimeoutText: an imported token's timeout reads back as the provider
// would send it for that token, to the second; one that is no duration
// the provider takes reads as its instant.
func TestTimeoutText(t *testing.T) {
	created := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		after time.Duration
		want  string
	}{
		{24 * time.Hour, "1d"},
		{24*time.Hour + time.Millisecond, "1d"}, // the service's clocks a millisecond apart
		{24*time.Hour - time.Millisecond, "1d"},
		{90 * time.Minute, "1h30m"},
		{15*24*time.Hour + 2*time.Hour + 3*time.Minute + 4*time.Second, "15d2h3m4s"},
		{0, "2026-06-01T12:00:00.000Z"},          // timed out at once
		{-time.Hour, "2026-06-01T11:00:00.000Z"}, // a past epoch-ms timeout
		{maxTokenDuration + 24*time.Hour, created.Add(maxTokenDuration + 24*time.Hour).Format(client.TimeLayout)},
	} {
		token := client.Token{CreatedAt: created, TimeoutAt: new(created.Add(tc.after))}
		got := timeoutText(token)
		timeout, err := parseTokenTimeout(got)
		if got != tc.want || err != nil || !timeout.matches(token) {
			t.Errorf("timeoutText after %s = %q (parsed: %v), want %q, matching the token", tc.after, got, err, tc.want)
		}
	}
}

// TestKeyTTL: an imported token's key TTL reads back in the largest whole
// unit, to the second, as the TTL syntax takes it; a key that never
// expires, expired as it was made, or past 100 years, has none.
func TestKeyTTL(t *testing.T) {
	created := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		expires *time.Time
		want    string // "": none
	}{
		{new(created.Add(30*24*time.Hour + time.Millisecond)), "30d"},
		{new(created.Add(36 * time.Hour)), "36h"},
		{new(created.Add(90 * time.Minute)), "90m"},
		{new(created.Add(61 * time.Second)), "61s"},
		{nil, ""},
		{new(created.Add(time.Millisecond)), ""},
		{new(created.Add(maxTokenDuration + 24*time.Hour)), ""},
	} {
		token := client.Token{CreatedAt: created, IdempotencyKeyExpiresAt: tc.expires}
		ttl, ok := keyTTL(token)
		if !ok {
			if tc.want != "" {
				t.Errorf("keyTTL(expires %v): none, want %q", tc.expires, tc.want)
			}
			continue
		}
		got := formatTTL(ttl)
		parsed, err := parseTTL(got)
		if got != tc.want || err != nil || !keyTTLMatches(parsed, token) {
			t.Errorf("keyTTL(expires %v) = %q (parsed: %v), want %q, matching the token", tc.expires, got, err, tc.want)
		}
	}
}
