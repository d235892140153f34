package mockapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const createPath = "/api/v1/waitpoints/tokens"

// TestCreate: POST /api/v1/waitpoints/tokens answers {id, isCached, url} and
// stores what it was given, ignoring an invalid TTL or timeout as the service does.
func TestCreate(t *testing.T) {
	cases := []struct {
		name, body              string
		wantTimeout, wantExpiry string // "" : none
		wantTags                []string
	}{
		{name: "empty object", body: `{}`, wantTags: []string{}},
		{name: "duration timeout", body: `{"timeout":"1h30m"}`, wantTimeout: "2026-01-05T11:30:00.000Z", wantTags: []string{}},
		{name: "weeks", body: `{"timeout":"2w"}`, wantTimeout: "2026-01-19T10:00:00.000Z", wantTags: []string{}},
		{name: "ISO date timeout", body: `{"timeout":"2026-02-01T00:00:00.250Z"}`, wantTimeout: "2026-02-01T00:00:00.250Z", wantTags: []string{}},
		{name: "invalid timeout is ignored", body: `{"timeout":"soon"}`, wantTags: []string{}},
		{name: "one tag as a string", body: `{"tags":"deploy:prod"}`, wantTags: []string{"deploy:prod"}},
		{name: "tags in the order given", body: `{"tags":["team:b","approval","deploy:prod"]}`, wantTags: []string{"team:b", "approval", "deploy:prod"}},
		{name: "key with TTL", body: `{"idempotencyKey":"release-1","idempotencyKeyTTL":"2d"}`, wantExpiry: "2026-01-07T10:00:00.000Z", wantTags: []string{}},
		{name: "invalid TTL is ignored", body: `{"idempotencyKey":"release-1","idempotencyKeyTTL":"2 days"}`, wantTags: []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			r := f.call(http.MethodPost, createPath, tc.body, true)
			id, _ := r.body["id"].(string)
			if r.status != http.StatusOK || !friendlyID.MatchString(id) || r.body["isCached"] != false || r.body["url"] != f.mock.CallbackURL(f.url, id) {
				t.Fatalf("got %d %s", r.status, r.raw)
			}
			got := f.get(createPath + "/" + id).body
			if got["status"] != "WAITING" || str(got["timeoutAt"]) != tc.wantTimeout || str(got["idempotencyKeyExpiresAt"]) != tc.wantExpiry ||
				fmt.Sprint(got["tags"]) != fmt.Sprint(tc.wantTags) {
				t.Fatalf("retrieved %v", got)
			}
		})
	}
}

func str(v any) string { s, _ := v.(string); return s }

// TestCreate_refusals: the service's limits on a create request.
func TestCreate_refusals(t *testing.T) {
	tags := func(n, length int) string {
		list := make([]string, n)
		for i := range list {
			list[i] = fmt.Sprintf("%q", strings.Repeat("t", length-1)+fmt.Sprint(i%10))
		}
		return `{"tags":[` + strings.Join(list, ",") + `]}`
	}
	cases := []struct {
		name, body string
		withKey    bool
		status     int
	}{
		{"without the key", `{}`, false, http.StatusUnauthorized},
		{"empty body", ``, true, http.StatusBadRequest},
		{"not JSON", `{"tags":`, true, http.StatusBadRequest},
		{"tags of the wrong type", `{"tags":[1,2]}`, true, http.StatusBadRequest},
		{"11 tags", tags(11, 8), true, http.StatusUnprocessableEntity},
		{"a tag over 128 characters", tags(1, 129), true, http.StatusBadRequest},
		{"a key over 2048 characters", `{"idempotencyKey":"` + strings.Repeat("k", 2049) + `"}`, true, http.StatusBadRequest},
		{"a body over 10 KB", `{"idempotencyKey":"` + strings.Repeat("k", 10<<10) + `"}`, true, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			if r := f.call(http.MethodPost, createPath, tc.body, tc.withKey); r.status != tc.status || r.body["error"] == nil {
				t.Fatalf("got %d %s, want %d", r.status, r.raw, tc.status)
			}
			if n := len(f.mock.Tokens()); n != 0 {
				t.Fatalf("a refused create made %d tokens", n)
			}
		})
	}
	f := newFixture(t, 0)
	if r := f.call(http.MethodPost, createPath, tags(10, 128), true); r.status != http.StatusOK {
		t.Fatalf("10 tags of 128 characters: %d %s", r.status, r.raw)
	}
}

// TestCreate_idempotency: a live key returns its token unchanged; an expired
// key moves to inactiveIdempotencyKey and a new token takes it over.
func TestCreate_idempotency(t *testing.T) {
	f := newFixture(t, 0)
	create := func(body string) (string, bool) {
		t.Helper()
		r := f.call(http.MethodPost, createPath, body, true)
		if r.status != http.StatusOK {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		return r.body["id"].(string), r.body["isCached"].(bool)
	}
	first, cached := create(`{"idempotencyKey":"release-9","idempotencyKeyTTL":"1h","tags":["a"]}`)
	again, cachedAgain := create(`{"idempotencyKey":"release-9","timeout":"1m","tags":["b"]}`)
	if cached || !cachedAgain || again != first {
		t.Fatalf("live key: %s (cached %v), then %s (cached %v)", first, cached, again, cachedAgain)
	}
	if tok, _ := f.mock.Token(first); tok.TimeoutAt != nil || !slices.Equal(tok.Tags, []string{"a"}) {
		t.Fatalf("a cached create changed the token: %+v", tok)
	}

	f.now = f.now.Add(time.Hour)
	second, cached := create(`{"idempotencyKey":"release-9"}`)
	if cached || second == first {
		t.Fatalf("expired key: got %s (cached %v)", second, cached)
	}
	old := f.get(createPath + "/" + first).body
	if old["inactiveIdempotencyKey"] != "release-9" || old["idempotencyKey"] == "release-9" || old["userProvidedIdempotencyKey"] != true {
		t.Fatalf("the old token after its key expired: %v", old)
	}
	items, _ := f.list(t, "filter[idempotencyKey]=release-9")
	if fmt.Sprint(ids(items)) != fmt.Sprint([]string{second, first}) || items[1]["idempotencyKey"] != "release-9" {
		t.Fatalf("list by the key: %v", items)
	}
	if _, cached := create(`{"idempotencyKey":"release-9"}`); !cached {
		t.Fatal("a key without a TTL must stay live")
	}
}

// TestTagOrder: retrieve keeps tags in stored order; list sorts them as
// JavaScript's localeCompare does (checked against Node's sort of the same tags).
func TestTagOrder(t *testing.T) {
	f := newFixture(t, 0)
	stored := []string{"team:b", "Approval", "deploy:prod", "approval", "2fa", "_x", "Zeta", "a-b", "a:b", "ab"}
	tok := f.mock.CreateToken(mockapi.TokenSpec{Tags: stored})
	if got := f.get(createPath + "/" + tok.ID).body["tags"]; fmt.Sprint(got) != fmt.Sprint(stored) {
		t.Fatalf("retrieve tags %v, want stored order %v", got, stored)
	}
	items, _ := f.list(t, "")
	want := []string{"_x", "2fa", "a-b", "a:b", "ab", "approval", "Approval", "deploy:prod", "team:b", "Zeta"}
	if fmt.Sprint(items[0]["tags"]) != fmt.Sprint(want) {
		t.Fatalf("list tags %v, want %v", items[0]["tags"], want)
	}
	// Node 20 (ICU 78) sorted these with localeCompare: accents, case,
	// punctuation, ligatures and digits.
	node := []string{"", "  ", "_x", "-x", ":x", "😀", "10", "9", "a", "A", "ä", "a b", "a_b", "a-b", "a:b", "a.b", "a/b", "a1", "a10", "a2", "ab", "aB", "Ab", "AB", "deploy_prod", "deploy-prod", "deploy:prod", "Deploy:prod", "deployprod", "e", "E", "é", "é", "f", "F", "fi", "ﬁ", "i", "İ", "ı", "o", "ø", "oe", "œ", "ss", "ß", "x y", "x_y", "z", "Z"}
	shuffled := slices.Clone(node)
	slices.Reverse(shuffled)
	tok = f.mock.CreateToken(mockapi.TokenSpec{Tags: shuffled})
	items, _ = f.list(t, "page[size]=1")
	if fmt.Sprint(items[0]["tags"]) != fmt.Sprint(node) {
		t.Fatalf("list tags %q, want Node's order %q", items[0]["tags"], node)
	}
}
