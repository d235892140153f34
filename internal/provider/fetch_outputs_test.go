package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestFetchOutputs drives fetchOutputs' workers through the client's shared
// rate gate; `make race` runs it under the race detector.
func TestFetchOutputs(t *testing.T) {
	cases := []struct {
		name    string
		limit   *mockapi.RateLimit
		fault   *mockapi.Fault
		wantErr string
	}{
		{name: "every output"},
		{name: "workers share a rate limit", limit: &mockapi.RateLimit{Burst: 6, Refill: 6, Period: 100 * time.Millisecond}},
		{name: "a failure stops the rest", fault: &mockapi.Fault{Status: 400, Count: 1}, wantErr: "HTTP 400"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock, url := startMock(t, 40, func(o *mockapi.Options) { o.RateLimit = tc.limit })
			c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
			if err != nil {
				t.Fatal(err)
			}
			want := mock.Tokens()
			tokens := make([]client.Token, len(want))
			for i, w := range want {
				tokens[i] = client.Token{ID: w.ID}
			}
			if tc.fault != nil {
				mock.InjectFault(*tc.fault)
			}
			err = fetchOutputs(context.Background(), c, tokens)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want %q", err, tc.wantErr)
				}
				if n := len(mock.Requests()); n >= len(want) {
					t.Fatalf("%d requests after the failure, want fewer than %d", n, len(want))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range want {
				if got := tokens[i]; got.ID != w.ID || string(got.Status) != w.Status || (got.Output == nil) != (w.Output == nil) {
					t.Fatalf("token %d: got %s %s output %v, want %s %s output %v", i, got.ID, got.Status, got.Output != nil, w.ID, w.Status, w.Output != nil)
				}
			}
		})
	}
}
