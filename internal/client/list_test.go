package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

func TestListTokens_pagesEveryTokenOnce(t *testing.T) {
	const n = 263
	for _, size := range []int{1, 7, 100} {
		t.Run(fmt.Sprintf("page size %d", size), func(t *testing.T) {
			mock, c, _ := newMock(t, n, client.Config{})
			got, err := collect(t, c, client.ListParams{PageSize: size})
			if err != nil {
				t.Fatal(err)
			}
			want := mock.Tokens()
			if len(got) != len(want) {
				t.Fatalf("got %d tokens, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i].ID != want[i].ID {
					t.Fatalf("token %d is %s, want %s (server order)", i, got[i].ID, want[i].ID)
				}
			}
			if requests, pages := len(mock.Requests()), (n+size-1)/size; requests != pages {
				t.Fatalf("%d requests, want ceil(%d/%d) = %d", requests, n, size, pages)
			}
		})
	}
}

func TestListTokens_stopsWhenCallerStops(t *testing.T) {
	cases := []struct {
		total, take, requests int
		more                  bool
	}{
		{total: 50, take: 10, requests: 1, more: true},  // a full page with a next cursor
		{total: 50, take: 5, requests: 1, more: true},   // tokens left in the page
		{total: 50, take: 11, requests: 2, more: true},  // one token into the second page
		{total: 10, take: 10, requests: 1, more: false}, // the last page, taken whole
		{total: 50, take: 50, requests: 5, more: false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("take %d of %d", tc.take, tc.total), func(t *testing.T) {
			mock, c, _ := newMock(t, tc.total, client.Config{})
			listing := c.ListTokens(context.Background(), client.ListParams{PageSize: 10})
			taken := 0
			for _, err := range listing.All() {
				if err != nil {
					t.Fatal(err)
				}
				if taken++; taken == tc.take {
					break
				}
			}
			if n := len(mock.Requests()); n != tc.requests {
				t.Fatalf("%d requests, want %d", n, tc.requests)
			}
			if listing.More() != tc.more {
				t.Fatalf("More() = %v, want %v", listing.More(), tc.more)
			}
		})
	}
}

func TestListTokens_filtersNarrowAsTheService(t *testing.T) {
	from := time.Now().Add(-72 * time.Hour)
	to := time.Now().Add(-24 * time.Hour)
	cases := []struct {
		name   string
		params client.ListParams
		keep   func(mockapi.Token) bool
	}{
		{"waiting", client.ListParams{Statuses: []client.Status{client.StatusWaiting}}, func(t mockapi.Token) bool { return t.Status == "WAITING" }},
		{"timed out alone", client.ListParams{Statuses: []client.Status{client.StatusTimedOut}}, func(t mockapi.Token) bool { return t.Status == "TIMED_OUT" }},
		{"waiting or completed also returns timed out", client.ListParams{Statuses: []client.Status{client.StatusWaiting, client.StatusCompleted}}, func(mockapi.Token) bool { return true }},
		{"any tag", client.ListParams{Tags: []string{"deploy:prod", "release"}}, func(t mockapi.Token) bool {
			return slices.Contains(t.Tags, "deploy:prod") || slices.Contains(t.Tags, "release")
		}},
		{"idempotency key", client.ListParams{IdempotencyKey: "release-14"}, func(t mockapi.Token) bool { return t.IdempotencyKey == "release-14" }},
		{"period", client.ListParams{CreatedPeriod: "2d"}, func(t mockapi.Token) bool { return time.Since(t.CreatedAt) <= 48*time.Hour }},
		{"from and to", client.ListParams{CreatedFrom: &from, CreatedTo: &to}, func(t mockapi.Token) bool {
			return !t.CreatedAt.Before(from.Truncate(time.Millisecond)) && !t.CreatedAt.After(to)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 120, client.Config{})
			tc.params.PageSize = 100
			got, err := collect(t, c, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, tok := range mock.Tokens() {
				if tc.keep(tok) {
					want = append(want, tok.ID)
				}
			}
			ids := make([]string, len(got))
			for i, tok := range got {
				ids[i] = tok.ID
			}
			if len(want) == 0 || len(want) == 120 && tc.name != "waiting or completed also returns timed out" {
				t.Fatalf("the filter must narrow the seed to a non-empty part; %d of 120 match", len(want))
			}
			if !slices.Equal(ids, want) {
				t.Fatalf("got %d tokens %v, want %d %v", len(ids), ids, len(want), want)
			}
		})
	}
}

func TestListTokens_refusesBadParamsBeforeAnyRequest(t *testing.T) {
	from, to := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		params client.ListParams
		want   string
	}{
		{name: "page size too big", params: client.ListParams{PageSize: 101}, want: "page size 101"},
		{name: "negative page size", params: client.ListParams{PageSize: -1}, want: "page size -1"},
		{name: "unknown status", params: client.ListParams{Statuses: []client.Status{client.StatusWaiting, "DONE"}}, want: `unknown status "DONE"`},
		{name: "from after to", params: client.ListParams{CreatedFrom: &from, CreatedTo: &to}, want: "2026-01-05T00:00:00.000Z is after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 1, client.Config{})
			_, err := collect(t, c, tc.params)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("%d requests, want none", n)
			}
		})
	}
}

func TestListTokens_badPagesAreErrors(t *testing.T) {
	cases := []struct {
		name, want string
		handler    http.HandlerFunc
	}{
		{"repeated cursor", "already returned", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"data":[{"id":"waitpoint_a","status":"WAITING","tags":[],"createdAt":"2026-01-05T10:00:00.000Z"}],"pagination":{"next":"same"}}`))
		}},
		{"oversized body", "exceeds 1024 bytes", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"data":[],"pad":"` + strings.Repeat("x", 2048) + `"}`))
		}},
		{"oversized body of no announced length", "exceeds 1024 bytes", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"data":[],"pad":"`))
			_ = http.NewResponseController(w).Flush() // chunked: the size shows only while reading
			_, _ = w.Write([]byte(strings.Repeat("x", 1<<20) + `"}`))
		}},
		{"body shorter than announced", "unexpected EOF", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "500")
			_, _ = w.Write([]byte(`{"data":[`))
		}},
		{"malformed body", "malformed response body", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"data":[`))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			c := newClient(t, srv.URL, client.Config{MaxBodyBytes: 1024})
			_, err := collect(t, c, client.ListParams{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestListTokens_truncatedBodyIsAnError(t *testing.T) {
	mock, c, _ := newMock(t, 5, client.Config{})
	mock.InjectFault(mockapi.Fault{Truncate: true})
	if _, err := collect(t, c, client.ListParams{}); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("got %v", err)
	}
}

// BenchmarkListTokens10000 lists 10,000 tokens through the client from the
// in-process mock, 100 a page. The allocations counted are the whole process's,
// the mock's rendering included.
func BenchmarkListTokens10000(b *testing.B) {
	const n = 10000
	_, url := mockapi.Start(b, mockapi.Options{APIKey: testKey, Tokens: n, RateLimit: mockapi.NoRateLimit})
	c := newClient(b, url, client.Config{})
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		count := 0
		for _, err := range c.ListTokens(context.Background(), client.ListParams{PageSize: 100}).All() {
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatalf("listed %d tokens", count)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tokens/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(n*b.N), "allocs/token")
}

// TestListTokens_subMillisecondBounds: the service compares whole
// milliseconds, so a bound between two is sent as the millisecond inside the
// range: from rounded up, to rounded down.
func TestListTokens_subMillisecondBounds(t *testing.T) {
	at := func(ns int) time.Time { return time.Date(2026, 11, 28, 18, 37, 9, ns, time.UTC) }
	const ms = int(time.Millisecond)
	cases := []struct {
		name     string
		from, to *time.Time
		want     []int // the tokens' creation times, in ms past 18:37:09, newest first
	}{
		{name: "from just after a token", from: new(at(505*ms + 100_000)), want: []int{506}},
		{name: "from a nanosecond after a token", from: new(at(505*ms + 1)), want: []int{506}},
		{name: "from exactly a token", from: new(at(505 * ms)), want: []int{506, 505}},
		{name: "from just before a token", from: new(at(505*ms - 100_000)), want: []int{506, 505}},
		{name: "to just after a token", to: new(at(505*ms + 100_000)), want: []int{505, 504}},
		{name: "to exactly a token", to: new(at(505 * ms)), want: []int{505, 504}},
		{name: "to a nanosecond before a token", to: new(at(505*ms - 1)), want: []int{504}},
		{name: "both inside the same millisecond", from: new(at(505*ms + 100_000)), to: new(at(505*ms + 900_000)), want: []int{}},
		{name: "both around one token", from: new(at(504*ms + 100_000)), to: new(at(505*ms + 900_000)), want: []int{505}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, c, _ := newMock(t, 0, client.Config{})
			byID := map[string]int{}
			for _, created := range []int{504, 505, 506} {
				byID[mock.CreateToken(mockapi.TokenSpec{CreatedAt: at(created * ms)}).ID] = created
			}
			tokens, err := collect(t, c, client.ListParams{CreatedFrom: tc.from, CreatedTo: tc.to})
			if err != nil {
				t.Fatal(err)
			}
			got := []int{}
			for _, tok := range tokens {
				got = append(got, byID[tok.ID])
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got the tokens created at %v ms, want %v", got, tc.want)
			}
		})
	}
}
