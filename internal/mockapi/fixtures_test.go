package mockapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestFixtures: the retrieve endpoint answers each fixture as given, url
// computed, and the list endpoint answers them newest first.
func TestFixtures(t *testing.T) {
	big := strings.Repeat("r", 600<<10)
	fixtures, err := mockapi.ParseFixtures([]byte(`[
		{"id":"waitpoint_newest","createdAt":"2026-01-05T09:00:00.123Z","tags":["z","a"],"timeoutAt":"2026-01-06T00:00:00.000Z",
		 "idempotencyKey":"release-1","idempotencyKeyExpiresAt":"2026-01-06T09:00:00.000Z","url":"ignored","type":"MANUAL"},
		{"id":"waitpoint_done","createdAt":"2026-01-04T09:00:00.000Z","status":"COMPLETED","completedAt":"2026-01-04T09:05:00.000Z",
		 "output":"{\"json\":{\"approved\":true}}","outputType":"application/super+json","idempotencyKey":"gen","userProvidedIdempotencyKey":false},
		{"createdAt":"2026-01-03T09:00:00.000Z","status":"COMPLETED","completedAt":"2026-01-03T09:05:00.000Z","output":"` + big + `","outputType":"text/plain"},
		{"id":"waitpoint_late","createdAt":"2026-01-04T12:00:00.000Z","status":"TIMED_OUT","completedAt":"2026-01-04T13:00:00.000Z",
		 "output":"{\"code\":\"TRIGGER_WAITPOINT_TIMEOUT\"}","outputIsError":true}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, 40, func(o *mockapi.Options) { o.Fixtures = fixtures })
	items, _ := f.list(t, "")
	if got := ids(items); len(got) != 4 || got[0] != "waitpoint_newest" || got[1] != "waitpoint_late" || got[2] != "waitpoint_done" || !friendlyID.MatchString(got[3]) {
		t.Fatalf("listed %v, want exactly the fixtures, newest first, a generated id last", got)
	}
	generated := items[3]["id"].(string)
	want := map[string]map[string]any{
		"waitpoint_newest": {"status": "WAITING", "createdAt": "2026-01-05T09:00:00.123Z", "tags": "[z a]", "timeoutAt": "2026-01-06T00:00:00.000Z",
			"idempotencyKey": "release-1", "idempotencyKeyExpiresAt": "2026-01-06T09:00:00.000Z", "userProvidedIdempotencyKey": true,
			"outputType": "application/json", "outputIsError": false, "output": nil},
		"waitpoint_done": {"status": "COMPLETED", "completedAt": "2026-01-04T09:05:00.000Z", "idempotencyKey": "gen", "userProvidedIdempotencyKey": false,
			"output": `{"json":{"approved":true}}`, "outputType": "application/super+json"},
		"waitpoint_late": {"status": "TIMED_OUT", "outputIsError": true, "outputType": "application/json", "tags": "[]"},
		generated:        {"outputType": "application/store", "output": generated + "/token.txt"},
	}
	for id, fields := range want {
		r := f.get("/api/v1/waitpoints/tokens/" + id)
		if r.body["url"] != f.mock.CallbackURL(f.url, id) {
			t.Errorf("%s: url %v, want the computed one", id, r.body["url"])
		}
		for k, v := range fields {
			got := r.body[k]
			if _, isList := got.([]any); isList {
				got = fmt.Sprint(got)
			}
			if got != v {
				t.Errorf("%s: %s = %v, want %v", id, k, got, v)
			}
		}
	}
	checkStored(t, f, f.get("/api/v1/waitpoints/tokens/" + generated).body["output"], generated+"/token.txt", "text/plain", big)
}

// TestParseFixtures_refusals: a malformed entry is named by its index and id.
func TestParseFixtures_refusals(t *testing.T) {
	cases := []struct{ name, file, want string }{
		{"not an array", `{"id":"waitpoint_a"}`, "not a JSON array of token objects"},
		{"unknown key", `[{"id":"waitpoint_a","staus":"WAITING"}]`, `entry 0 (waitpoint_a): json: unknown field "staus"`},
		{"bad status", `[{}, {"id":"waitpoint_b","status":"DONE"}]`, `entry 1 (waitpoint_b): status "DONE" is not WAITING, COMPLETED or TIMED_OUT`},
		{"bad id", `[{"id":"approval-1"}]`, `entry 0 (approval-1): id "approval-1" is not waitpoint_`},
		{"duplicate id", `[{"id":"waitpoint_a"},{"id":"waitpoint_a"}]`, `entry 1 (waitpoint_a): id "waitpoint_a" appears twice`},
		{"bad time", `[{"createdAt":"yesterday"}]`, `entry 0: parsing time "yesterday"`},
		{"stored output", `[{"status":"COMPLETED","output":"x/token.json","outputType":"application/store"}]`, "entry 0: outputType application/store: give the output itself"},
		{"unknown output type", `[{"status":"COMPLETED","output":"x","outputType":"text/html"}]`, `entry 0: outputType "text/html"`},
		{"waiting with output", `[{"output":"x"}]`, "entry 0: a WAITING token has no output"},
		{"11 tags", `[{"tags":["a","b","c","d","e","f","g","h","i","j","k"]}]`, "entry 0: 11 tags: the service allows at most 10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := mockapi.ParseFixtures([]byte(tc.file)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFixtures_emptyFile: an empty array serves no tokens, not seeded ones.
func TestFixtures_emptyFile(t *testing.T) {
	fixtures, err := mockapi.ParseFixtures([]byte(`[]`))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, 40, func(o *mockapi.Options) { o.Fixtures = fixtures })
	if items, _ := f.list(t, ""); len(items) != 0 {
		t.Fatalf("%d tokens, want none", len(items))
	}
}
