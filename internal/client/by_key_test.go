package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const releaseKey = "release-42"

// TestTokenByIdempotencyKey: the newest token whose current, live key it is,
// found with one list request and as few retrieves as the candidates allow.
func TestTokenByIdempotencyKey(t *testing.T) {
	hoursAgo := func(h int) time.Time { return time.Now().Add(-time.Duration(h) * time.Hour) }
	create := func(created time.Time, ttl time.Duration) func(*mockapi.Server) string {
		return func(m *mockapi.Server) string {
			return m.CreateToken(mockapi.TokenSpec{IdempotencyKey: releaseKey, IdempotencyKeyTTL: ttl, CreatedAt: created}).ID
		}
	}
	cases := []struct {
		name      string
		tokens    []func(*mockapi.Server) string // oldest first
		fixtures  string                         // instead of tokens: the mock's fixtures
		want      int                            // index into tokens of the answer; -1: not found
		retrieves int
	}{
		{name: "the live holder", tokens: []func(*mockapi.Server) string{create(time.Time{}, 0)}, want: 0, retrieves: 1},
		{name: "the holder with a live TTL", tokens: []func(*mockapi.Server) string{create(time.Time{}, time.Hour)}, want: 0, retrieves: 1},
		{name: "taken over from an expired older token", tokens: []func(*mockapi.Server) string{create(hoursAgo(3), time.Hour), create(time.Time{}, 0)}, want: 1, retrieves: 1},
		{name: "an expired key, not taken over", tokens: []func(*mockapi.Server) string{create(hoursAgo(3), time.Hour)}, want: -1},
		{name: "only an expired key of an older token, the newer one's key expired too",
			tokens: []func(*mockapi.Server) string{create(hoursAgo(3), time.Hour), create(hoursAgo(2), time.Hour)}, want: -1},
		{name: "no token ever had the key", tokens: []func(*mockapi.Server) string{
			func(m *mockapi.Server) string {
				return m.CreateToken(mockapi.TokenSpec{IdempotencyKey: "release-43"}).ID
			},
		}, want: -1},
		// The list item shows the expired key, with no expiry to tell: only the
		// retrieve does, and the older token is the answer.
		{name: "an inactive key seen only in the retrieve", fixtures: `[
			{"id": "waitpoint_holder", "idempotencyKey": "release-42", "createdAt": "2026-01-05T10:00:00.000Z"},
			{"id": "waitpoint_former", "idempotencyKey": "tf-other", "inactiveIdempotencyKey": "release-42", "createdAt": "2026-01-05T11:00:00.000Z"}
		]`, want: 0, retrieves: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := mockapi.Options{APIKey: testKey, Seed: 7}
			if tc.fixtures != "" {
				fixtures, err := mockapi.ParseFixtures([]byte(tc.fixtures))
				if err != nil {
					t.Fatal(err)
				}
				opts.Fixtures = fixtures
			}
			mock, url := mockapi.Start(t, opts)
			ids := []string{}
			for _, add := range tc.tokens {
				ids = append(ids, add(mock))
			}
			if tc.fixtures != "" {
				ids = []string{"waitpoint_holder", "waitpoint_former"}
			}
			tok, err := newClient(t, url, client.Config{}).TokenByIdempotencyKey(context.Background(), releaseKey)
			if tc.want < 0 {
				notFound, ok := errors.AsType[*client.UnknownKeyError](err)
				if !ok || notFound.Key != releaseKey || !strings.Contains(err.Error(), `"release-42"`) {
					t.Fatalf("got %+v, %v; want an UnknownKeyError naming the key", tok, err)
				}
			} else if err != nil || tok.ID != ids[tc.want] || tok.IdempotencyKey == nil || *tok.IdempotencyKey != releaseKey {
				t.Fatalf("got %+v, %v; want %s", tok, err, ids[tc.want])
			}
			var lists, retrieves int
			for _, r := range mock.Requests() {
				if r.Path == "/api/v1/waitpoints/tokens" {
					lists++
				} else {
					retrieves++
				}
			}
			if lists != 1 || retrieves != tc.retrieves {
				t.Fatalf("%d list requests and %d retrieves, want 1 and %d", lists, retrieves, tc.retrieves)
			}
		})
	}
}

// TestTokenByIdempotencyKey_errors: an empty key is refused unsent; a failed
// list or retrieve is its error, not "not found".
func TestTokenByIdempotencyKey_errors(t *testing.T) {
	cases := []struct {
		name   string
		key    string
		faults []mockapi.Fault
		want   string
	}{
		{name: "empty key", want: "the key is empty"},
		{name: "the list fails", key: releaseKey, faults: []mockapi.Fault{{Status: 403, Body: `{"error":"Unauthorized"}`}}, want: "list waitpoint tokens: HTTP 403"},
		{name: "the retrieve fails", key: releaseKey, faults: []mockapi.Fault{{}, {Status: 401, Body: `{"error":"Invalid API key"}`}}, want: "retrieve waitpoint token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 0, client.Config{})
			mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: releaseKey})
			for _, f := range tc.faults {
				mock.InjectFault(f)
			}
			_, err := c.TokenByIdempotencyKey(context.Background(), tc.key)
			if _, notFound := errors.AsType[*client.UnknownKeyError](err); notFound || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			if requests := len(mock.Requests()); requests != len(tc.faults) {
				t.Fatalf("%d requests, want %d", requests, len(tc.faults))
			}
		})
	}
}

// TestTokenByIdempotencyKey_expiryOnlyInTheRetrieve: a list item that shows no
// expiry is not trusted: the retrieve's expired key is not a match.
func TestTokenByIdempotencyKey_expiryOnlyInTheRetrieve(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		if r.URL.Path == "/api/v1/waitpoints/tokens" {
			_, _ = w.Write([]byte(`{"data":[{"id":"waitpoint_a","status":"WAITING","idempotencyKey":"release-42","tags":[],"createdAt":"2026-01-05T10:00:00.000Z"}],"pagination":{}}`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"waitpoint_a","status":"WAITING","idempotencyKey":"release-42","idempotencyKeyExpiresAt":"2026-01-05T11:00:00.000Z","tags":[],"createdAt":"2026-01-05T10:00:00.000Z"}`))
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL, client.Config{}).TokenByIdempotencyKey(context.Background(), releaseKey)
	if _, ok := errors.AsType[*client.UnknownKeyError](err); !ok {
		t.Fatalf("got %v, want an UnknownKeyError", err)
	}
	if want := []string{"/api/v1/waitpoints/tokens", "/api/v1/waitpoints/tokens/waitpoint_a"}; !slices.Equal(paths, want) {
		t.Fatalf("requests %v, want %v", paths, want)
	}
}
