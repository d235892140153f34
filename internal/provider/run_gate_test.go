package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// TestRunGate_messages: what the wait's failures say of a run: its error when
// it ended otherwise, and, when Terraform stops waiting (the timeout, an
// interrupt), that the run goes on, not cancelled. A token's say nothing of it.
func TestRunGate_messages(t *testing.T) {
	queued := client.Run{ID: "run_1", TaskIdentifier: "smoke-test", Status: client.RunQueued}
	failed := client.Run{ID: "run_1", TaskIdentifier: "smoke-test", Status: client.RunFailed, Error: &client.RunError{Message: "2 of 3 checks failed"}}
	settings := waitSettings{statuses: []string{"COMPLETED"}, timeout: hangBound, interval: hangBound}
	cases := []struct {
		name string
		// poll answers the wait's polls; cancel ends the wait's context (an interrupt).
		poll     func(ctx context.Context, polls int, cancel func()) (client.Run, error)
		settings waitSettings
		want     []string
	}{
		{"ended otherwise", func(context.Context, int, func()) (client.Run, error) { return failed, nil }, settings,
			[]string{`Could not wait for run "run_1" of task "smoke-test": run "run_1" of task "smoke-test" is FAILED (error: "2 of 3 checks failed") and can no longer become COMPLETED.`}},
		{"interrupted", func(_ context.Context, _ int, cancel func()) (client.Run, error) { cancel(); return queued, nil }, settings,
			[]string{"Stopped trying to wait for run", "the operation was interrupted. " + runLeftRunning + "."}},
		{"timed out", func(ctx context.Context, polls int, _ func()) (client.Run, error) {
			if polls > 1 {
				<-ctx.Done() // the timeout ends the poll in flight
				return client.Run{}, ctx.Err()
			}
			return queued, nil
		}, waitSettings{statuses: []string{"COMPLETED"}, timeout: time.Millisecond, interval: time.Nanosecond},
			[]string{"timed out after 1ms waiting for run", "its last status was QUEUED. " + runLeftRunning + "."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			polls := 0
			poll := func(pollCtx context.Context) (client.Run, error) {
				polls++
				return tc.poll(pollCtx, polls, cancel)
			}
			_, diags := runGate.pass(ctx, runName("run_1", "smoke-test"), poll, gateSettings{wait: tc.settings})
			detail := detailOf(diags)
			for _, want := range tc.want {
				if !strings.Contains(detail, want) {
					t.Fatalf("the error says %q, want %q", detail, want)
				}
			}
		})
	}
	t.Run("a token's say nothing of it", func(t *testing.T) {
		err := settings.ended(context.Background(), canceledContext(), tokenGate.waitKind, `"waitpoint_1"`, "WAITING", context.DeadlineExceeded)
		if _, ok := errors.AsType[*waitError](err); !ok || strings.Contains(err.Error(), "cancelled") || !strings.HasSuffix(err.Error(), "its last status was WAITING") {
			t.Fatalf("a token's timeout says %q", err)
		}
	})
}

func canceledContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// detailOf is the one error's detail.
func detailOf(diags diag.Diagnostics) string {
	if len(diags) != 1 {
		return fmt.Sprintf("%d diagnostics: %v", len(diags), diags)
	}
	return diags[0].Detail()
}
