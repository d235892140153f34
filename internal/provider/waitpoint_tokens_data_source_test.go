package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const (
	tokensAddress = "data.triggerdev_waitpoint_tokens.test"
	seededTokens  = 320
)

func tokensConfig(apiURL, args string) string {
	return providerBlock(apiURL) + fmt.Sprintf("data \"triggerdev_waitpoint_tokens\" \"test\" {\n%s\n}\n", args)
}

// expectedIDs are the ids of the mock's tokens that keep accepts, newest first,
// at most maxItems of them, and whether more matched.
func expectedIDs(mock *mockapi.Server, keep func(mockapi.Token) bool, maxItems int) ([]string, bool) {
	var ids []string
	for _, tok := range mock.Tokens() {
		if keep(tok) {
			ids = append(ids, tok.ID)
		}
	}
	if len(ids) > maxItems {
		return ids[:maxItems], true
	}
	return ids, false
}

func idsCheck(address string, ids []string, hasMore bool) []statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		checks[i] = knownvalue.StringExact(id)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListExact(checks)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("tokens"), knownvalue.ListSizeExact(len(ids))),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("urls"), knownvalue.MapSizeExact(len(ids))),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("has_more"), knownvalue.Bool(hasMore)),
	}
}

func hasTag(tag string) func(mockapi.Token) bool {
	return func(t mockapi.Token) bool { return slices.Contains(t.Tags, tag) }
}

func hasStatus(statuses ...string) func(mockapi.Token) bool {
	return func(t mockapi.Token) bool { return slices.Contains(statuses, t.Status) }
}

func both(a, b func(mockapi.Token) bool) func(mockapi.Token) bool {
	return func(t mockapi.Token) bool { return a(t) && b(t) }
}

func TestAccWaitpointTokensDataSource_filters(t *testing.T) {
	t.Parallel()
	from, to := time.Now().Add(-96*time.Hour).UTC().Truncate(time.Second), time.Now().Add(-24*time.Hour).UTC().Truncate(time.Second)
	anyTag := func(t mockapi.Token) bool { return hasTag("deploy:prod")(t) || hasTag("release")(t) }
	cases := []struct {
		name, args string
		keep       func(mockapi.Token) bool
	}{
		{"no filter", ``, func(mockapi.Token) bool { return true }},
		{"one status", `statuses = ["TIMED_OUT"]`, hasStatus("TIMED_OUT")},
		{"waiting or completed, never timed out", `statuses = ["WAITING", "COMPLETED"]`, hasStatus("WAITING", "COMPLETED")},
		{"any tag", `tags = ["deploy:prod", "release"]`, anyTag},
		{"all tags", "tags = [\"deploy:prod\", \"approval\"]\ntags_match = \"all\"", both(hasTag("deploy:prod"), hasTag("approval"))},
		{"idempotency key", `idempotency_key = "release-21"`, func(t mockapi.Token) bool { return t.IdempotencyKey == "release-21" }},
		{"created period", `created_period = "2d"`, func(t mockapi.Token) bool { return time.Since(t.CreatedAt) <= 48*time.Hour }},
		{"created from and to", fmt.Sprintf("created_from = %q\ncreated_to = %q", from.Format(time.RFC3339), to.Format(time.RFC3339)),
			func(t mockapi.Token) bool { return !t.CreatedAt.Before(from) && !t.CreatedAt.After(to) }},
		{"combined", "statuses = [\"WAITING\", \"TIMED_OUT\"]\ntags = [\"approval\"]\ncreated_period = \"5d\"",
			both(both(hasStatus("WAITING", "TIMED_OUT"), hasTag("approval")), func(t mockapi.Token) bool { return time.Since(t.CreatedAt) <= 120*time.Hour })},
	}
	// One configuration reads every case, each in a data source of its own:
	// one run of the CLI instead of one per case.
	mock, url := startMock(t, seededTokens)
	config := providerBlock(url)
	var checks []statecheck.StateCheck
	for i, tc := range cases {
		ids, more := expectedIDs(mock, tc.keep, defaultMaxItems)
		if len(ids) == 0 {
			t.Fatalf("%s: the seed has no token for this filter: the test would prove little", tc.name)
		}
		name := fmt.Sprintf("case_%d", i) // case_i is cases[i]
		config += fmt.Sprintf("# %s\ndata \"triggerdev_waitpoint_tokens\" %q {\n%s\n}\n", tc.name, name, tc.args)
		checks = append(checks, idsCheck("data.triggerdev_waitpoint_tokens."+name, ids, more)...)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestAccWaitpointTokensDataSource_maxItems(t *testing.T) {
	t.Parallel()
	const pageSize = 10
	probe := mockapi.New(mockapi.Options{APIKey: testAPIKey, Tokens: seededTokens, Seed: 1})
	waiting, _ := expectedIDs(probe, hasStatus("WAITING"), seededTokens)
	matching := len(waiting)
	for _, maxItems := range []int{25, pageSize * 3, matching, matching + 40} {
		t.Run(fmt.Sprintf("max_items %d of %d", maxItems, matching), func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, seededTokens)
			ids, more := expectedIDs(mock, hasStatus("WAITING"), maxItems)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            tokensConfig(url, fmt.Sprintf("statuses = [\"WAITING\"]\npage_size = %d\nmax_items = %d", pageSize, maxItems)),
					ConfigStateChecks: idsCheck(tokensAddress, ids, more),
				}},
			})
			pagesPerRead := (min(matching, maxItems) + pageSize - 1) / pageSize
			assertPagesPerRead(t, mock.Requests(), pagesPerRead)
		})
	}
}

// assertPagesPerRead checks that every read of the list made exactly pages
// requests. A test step reads the data source several times (plan, apply, the
// empty-plan check); each read starts with the one request without a cursor.
func assertPagesPerRead(t *testing.T, requests []mockapi.Request, pages int) {
	t.Helper()
	reads := 0
	for _, r := range requests {
		if r.Query.Get("page[after]") == "" {
			reads++
		}
	}
	if reads == 0 || len(requests) != reads*pages {
		t.Fatalf("%d requests in %d reads, want %d per read", len(requests), reads, pages)
	}
}

func TestAccWaitpointTokensDataSource_emptyResult(t *testing.T) {
	t.Parallel()
	_, url := startMock(t, seededTokens)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            tokensConfig(url, `idempotency_key = "no-such-release"`),
			ConfigStateChecks: idsCheck(tokensAddress, nil, false),
		}},
	})
}

// includeOutputArgs lists completed tokens with their outputs and reads each
// one through the single-token data source too.
const includeOutputArgs = `
statuses       = ["COMPLETED", "TIMED_OUT"]
max_items      = 40
include_output = true
}

data "triggerdev_waitpoint_token" "each" {
  count = length(data.triggerdev_waitpoint_tokens.test.ids)
  id    = data.triggerdev_waitpoint_tokens.test.ids[count.index]
}

output "same_outputs" {
  value = alltrue([for i, t in data.triggerdev_waitpoint_tokens.test.tokens :
    t.id == data.triggerdev_waitpoint_token.each[i].id &&
    t.output == data.triggerdev_waitpoint_token.each[i].output &&
    t.output_json == data.triggerdev_waitpoint_token.each[i].output_json &&
    t.output_type == data.triggerdev_waitpoint_token.each[i].output_type &&
    t.output_is_error == data.triggerdev_waitpoint_token.each[i].output_is_error])
}

output "with_output" {
  value = length([for t in data.triggerdev_waitpoint_tokens.test.tokens : t if t.output != null])
`

func TestAccWaitpointTokensDataSource_includeOutput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		limit *mockapi.RateLimit
	}{
		{"plain", nil},
		// A bucket of 20 that refills every 300ms answers many of the 80+ reads 429.
		{"under 429", &mockapi.RateLimit{Burst: 20, Refill: 20, Period: 300 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, seededTokens, func(o *mockapi.Options) { o.RateLimit = tc.limit })
			ids, _ := expectedIDs(mock, hasStatus("COMPLETED", "TIMED_OUT"), 40)
			withOutput := 0
			for _, id := range ids {
				if tok, _ := mock.Token(id); tok.Output != nil {
					withOutput++
				}
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tokensConfig(url, includeOutputArgs),
					ConfigStateChecks: append(idsCheck(tokensAddress, ids, true),
						statecheck.ExpectKnownOutputValue("same_outputs", knownvalue.Bool(true)),
						statecheck.ExpectKnownOutputValue("with_output", knownvalue.Int64Exact(int64(withOutput)))),
				}},
			})
			limited := slices.ContainsFunc(mock.Requests(), func(r mockapi.Request) bool { return r.Status == http.StatusTooManyRequests })
			if limited != (tc.limit != nil) {
				t.Fatalf("429 answered: %v; the case expects %v", limited, tc.limit != nil)
			}
		})
	}
}

func TestAccWaitpointTokensDataSource_outputsNullWithoutIncludeOutput(t *testing.T) {
	t.Parallel()
	_, url := startMock(t, seededTokens)
	first := tfjsonpath.New("tokens").AtSliceIndex(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokensConfig(url, `statuses = ["COMPLETED"]`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tokensAddress, first.AtMapKey("status"), knownvalue.StringExact("COMPLETED")),
				statecheck.ExpectKnownValue(tokensAddress, first.AtMapKey("output"), knownvalue.Null()),
				statecheck.ExpectKnownValue(tokensAddress, first.AtMapKey("output_json"), knownvalue.Null()),
				statecheck.ExpectKnownValue(tokensAddress, first.AtMapKey("output_type"), knownvalue.Null()),
				statecheck.ExpectKnownValue(tokensAddress, first.AtMapKey("created_at"), knownvalue.NotNull()),
			},
		}},
	})
}

// TestTokenFilter_matches: statuses match exactly, tags match any of them or,
// with allTags, every one of them.
func TestTokenFilter_matches(t *testing.T) {
	token := client.Token{Status: client.StatusCompleted, Tags: []string{"approval", "deploy:prod"}}
	cases := []struct {
		name   string
		filter tokenFilter
		want   bool
	}{
		{"no filter", tokenFilter{}, true},
		{"its status", tokenFilter{statuses: []client.Status{client.StatusWaiting, client.StatusCompleted}}, true},
		{"another status", tokenFilter{statuses: []client.Status{client.StatusTimedOut}}, false},
		{"any tag, one held", tokenFilter{tags: []string{"deploy:prod", "other"}}, true},
		{"any tag, none held", tokenFilter{tags: []string{"other"}}, false},
		{"all tags, all held", tokenFilter{tags: []string{"approval", "deploy:prod"}, allTags: true}, true},
		{"all tags, one missing", tokenFilter{tags: []string{"approval", "other"}, allTags: true}, false},
		{"tags match, status does not", tokenFilter{statuses: []client.Status{client.StatusWaiting}, tags: []string{"approval"}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.filter.matches(token); got != tc.want {
				t.Fatalf("matches = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAccWaitpointTokensDataSource_millisecondTimes: both data sources hold the
// instants the service sent, to the millisecond.
func TestAccWaitpointTokensDataSource_millisecondTimes(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
	created := time.Date(2026, 11, 23, 16, 0, 12, 266_000_000, time.UTC)
	tok := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: "release-ms", CreatedAt: created, Timeout: 100 * 365 * 24 * time.Hour})
	const want = "2026-11-23T16:00:12.266Z"
	config := tokensConfig(url, `idempotency_key = "release-ms"`) + fmt.Sprintf("data \"triggerdev_waitpoint_token\" \"test\" {\n  id = %q\n}\n", tok.ID)
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(tokensAddress, tfjsonpath.New("tokens").AtSliceIndex(0).AtMapKey("created_at"), knownvalue.StringExact(want)),
		attrCheck("created_at", knownvalue.StringExact(want)),
		attrCheck("timeout_at", timeCheck(tok.TimeoutAt)),
		attrCheck("idempotency_key_expires_at", timeCheck(tok.IdempotencyKeyExpiresAt)),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// TestAccWaitpointTokensDataSource_hasMoreExact: has_more is true exactly when
// more tokens match than were returned, at no extra request where the service
// filters exactly, and reading on only to one more match where it does not.
func TestAccWaitpointTokensDataSource_hasMoreExact(t *testing.T) {
	t.Parallel()
	const pageSize = 10
	waitingOrCompleted := hasStatus("WAITING", "COMPLETED")
	allTags := both(hasTag("approval"), hasTag("deploy:prod"))
	anyTag := func(tok mockapi.Token) bool { return hasTag("approval")(tok) || hasTag("deploy:prod")(tok) }
	probe := mockapi.New(mockapi.Options{APIKey: testAPIKey, Tokens: seededTokens, Seed: 1})
	count := func(keep func(mockapi.Token) bool) int {
		ids, _ := expectedIDs(probe, keep, seededTokens)
		return len(ids)
	}
	cases := []struct {
		name, args      string
		service, keep   func(mockapi.Token) bool // what the service returns, what matches
		maxItems        int
		exactlyFiltered bool
	}{
		{"one status, exact count", `statuses = ["WAITING"]`, hasStatus("WAITING"), hasStatus("WAITING"), count(hasStatus("WAITING")), true},
		{"WAITING and COMPLETED, exact count", `statuses = ["WAITING", "COMPLETED"]`, func(mockapi.Token) bool { return true }, waitingOrCompleted, count(waitingOrCompleted), false},
		{"WAITING and COMPLETED, one fewer", `statuses = ["WAITING", "COMPLETED"]`, func(mockapi.Token) bool { return true }, waitingOrCompleted, count(waitingOrCompleted) - 1, false},
		{"all tags, exact count", "tags = [\"approval\", \"deploy:prod\"]\ntags_match = \"all\"", anyTag, allTags, count(allTags), false},
		{"all tags, one fewer", "tags = [\"approval\", \"deploy:prod\"]\ntags_match = \"all\"", anyTag, allTags, count(allTags) - 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, seededTokens)
			ids, more := expectedIDs(mock, tc.keep, tc.maxItems)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            tokensConfig(url, fmt.Sprintf("%s\npage_size = %d\nmax_items = %d", tc.args, pageSize, tc.maxItems)),
					ConfigStateChecks: idsCheck(tokensAddress, ids, more),
				}},
			})
			pages := pagesRead(mock.Tokens(), tc.service, tc.keep, tc.maxItems, pageSize, tc.exactlyFiltered)
			t.Logf("max_items %d: has_more %v in %d requests per read", tc.maxItems, more, pages)
			assertPagesPerRead(t, mock.Requests(), pages)
		})
	}
}

// pagesRead is how many pages an exact has_more costs: where the service
// filters exactly, those holding the first maxItems matches; otherwise those up
// to one more match, or to the end.
func pagesRead(tokens []mockapi.Token, service, keep func(mockapi.Token) bool, maxItems, pageSize int, exactlyFiltered bool) int {
	served, matched := 0, 0
	for _, tok := range tokens {
		if !service(tok) {
			continue
		}
		served++
		if keep(tok) {
			matched++
		}
		if exactlyFiltered && matched == maxItems || matched == maxItems+1 {
			break
		}
	}
	return max(1, (served+pageSize-1)/pageSize)
}

// FuzzCreatedPeriod: every period the provider accepts at plan time, the
// mock API (the service's parse-duration, which refuses nothing) reads as
// that duration: a token created a millisecond inside it is listed, one a
// millisecond outside is not. The provider may refuse more than the service
// (text the service would silently read as no filter).
func FuzzCreatedPeriod(f *testing.F) {
	for _, seed := range []string{"30m", "24h", "7d", "2w", "1y", "1h30m", "1.5h", "500ms", "0s", "1", "d", "1h ", " 1h", "1H", "-1d", "1.d", "1e3s", "1h30", "１h"} {
		f.Add(seed)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, period string) {
		d, ok := periodDuration(period)
		if !createdPeriodPattern.MatchString(period) || !ok || d < 2*time.Millisecond || d > 100*365*24*time.Hour {
			return
		}
		mock := mockapi.New(mockapi.Options{APIKey: testAPIKey, RateLimit: mockapi.NoRateLimit, Now: func() time.Time { return now }})
		outside := mock.CreateToken(mockapi.TokenSpec{CreatedAt: now.Add(-d - time.Millisecond)})
		inside := mock.CreateToken(mockapi.TokenSpec{CreatedAt: now.Add(-d + time.Millisecond)})
		req := httptest.NewRequest(http.MethodGet, "/api/v1/waitpoints/tokens?"+url.Values{"filter[createdAt][period]": {period}}.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+testAPIKey)
		answer := httptest.NewRecorder()
		mock.ServeHTTP(answer, req)
		body := answer.Body.String()
		if answer.Code != http.StatusOK || !strings.Contains(body, inside.ID) || strings.Contains(body, outside.ID) {
			t.Fatalf("period %q (%s): the mock answered %d %s", period, d, answer.Code, body)
		}
	})
}

// periodDuration sums a period the provider accepts: each number times its
// unit, a year being 365.25 days.
func periodDuration(period string) (time.Duration, bool) {
	units := map[string]float64{"ms": 1, "s": 1e3, "m": 60e3, "h": 3600e3, "d": 86400e3, "w": 7 * 86400e3, "y": 365.25 * 86400e3}
	var ms float64
	for _, m := range regexp.MustCompile(`(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)`).FindAllStringSubmatch(period, -1) {
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, false
		}
		ms += n * units[m[2]]
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}

// TestAccWaitpointTokensDataSource_subMillisecondBounds: created_from and
// created_to are exact at any precision RFC 3339 allows, lowercase t and z
// included, although the service compares in milliseconds.
func TestAccWaitpointTokensDataSource_subMillisecondBounds(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
	at := func(ms int) mockapi.Token {
		return mock.CreateToken(mockapi.TokenSpec{Tags: []string{"bounds"},
			CreatedAt: time.Date(2026, 11, 28, 18, 37, 9, ms*1_000_000, time.UTC)})
	}
	early, late := at(505), at(506)
	cases := []struct {
		name, bounds string
		want         []string
	}{
		{"from between two milliseconds", `created_from = "2026-11-28T18:37:09.5051Z"`, []string{late.ID}},
		{"to between two milliseconds", `created_to = "2026-11-28T18:37:09.5051Z"`, []string{early.ID}},
		{"lowercase t and z", `created_from = "2026-11-28t18:37:09.5051z"`, []string{late.ID}},
		{"nanoseconds, both bounds", `created_from = "2026-11-28T18:37:09.505000000Z"` + "\n" + `created_to = "2026-11-28T18:37:09.505999999Z"`, []string{early.ID}},
	}
	var steps []resource.TestStep
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:            tokensConfig(url, `tags = ["bounds"]`+"\n"+tc.bounds),
			ConfigStateChecks: idsCheck(tokensAddress, tc.want, false),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}
