package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// TestGetToken_hostileIDs: whatever the id, the request stays one path segment
// under the tokens endpoint, with no query, and an id of dots is refused.
func TestGetToken_hostileIDs(t *testing.T) {
	const tokens = "/api/v1/waitpoints/tokens/"
	cases := []struct {
		id      string
		refused bool
	}{
		{id: "../../v2/runs"},
		{id: "waitpoint_a/../../../x"},
		{id: "waitpoint_a%2F..%2Fb"},
		{id: "waitpoint_a?limit=1&page[after]=x"},
		{id: "waitpoint_a#fragment"},
		{id: "waitpoint_a b\r\nX-Injected: 1"},
		{id: "..", refused: true},
		{id: ".", refused: true},
		{id: "", refused: true},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			var mu sync.Mutex
			var seen []*url.URL
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.URL)
				mu.Unlock()
				http.NotFound(w, r)
			}))
			defer srv.Close()
			_, err := newClient(t, srv.URL, client.Config{}).GetToken(context.Background(), tc.id)
			if err == nil {
				t.Fatal("got no error")
			}
			mu.Lock()
			defer mu.Unlock()
			if tc.refused {
				if len(seen) != 0 {
					t.Fatalf("sent %d requests, want none", len(seen))
				}
				return
			}
			if len(seen) != 1 {
				t.Fatalf("sent %d requests, want one", len(seen))
			}
			got := seen[0]
			segment, ok := strings.CutPrefix(got.EscapedPath(), tokens)
			if !ok || strings.Contains(segment, "/") || got.RawQuery != "" || got.Path != tokens+tc.id {
				t.Fatalf("request went to %s (query %q), want %s%s", got.EscapedPath(), got.RawQuery, tokens, url.PathEscape(tc.id))
			}
		})
	}
}
