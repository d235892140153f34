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

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", time.Hour: "1h", 90 * time.Minute: "1h30m", 5 * time.Second: "5s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := client.FormatDuration(d); got != want {
			t.Errorf("client.FormatDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
