package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestWaitForToken_cancelReturnsAtOnce: Ctrl-C during a wait ends it at once,
// not at the next poll or the timeout.
func TestWaitForToken_cancelReturnsAtOnce(t *testing.T) {
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err = waitForToken(ctx, c, tok.ID, waitSettings{statuses: []client.Status{client.StatusCompleted}, timeout: time.Hour, interval: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := len(mock.Requests()); n != 1 {
		t.Fatalf("%d polls, want 1", n)
	}
}
