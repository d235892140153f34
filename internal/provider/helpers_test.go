package provider

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// hangBound is the one time bound of a test: long enough for a slow, busy
// machine, there only to stop a hang. Speed belongs in benchmarks.
const hangBound = 5 * time.Minute

// whenPolled runs act once the mock has answered a read of token id: an
// approver acting while the provider waits, ordered by what the mock saw,
// whatever the machine's speed.
func whenPolled(t *testing.T, mock *mockapi.Server, id string, act func() error) {
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool {
		return slices.ContainsFunc(rs, func(r mockapi.Request) bool { return strings.HasSuffix(r.Path, "/"+id) })
	})
	if err == nil {
		err = act()
	}
	if err != nil {
		t.Errorf("acting on %s once polled: %v", id, err)
	}
}
