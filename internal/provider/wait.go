package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

const (
	defaultWaitTimeout  = 10 * time.Minute
	defaultWaitInterval = 5 * time.Second
)

// The descriptions of a wait's timeout and interval, for the data source's
// `wait` and the action alike.
var (
	waitTimeoutDescription = fmt.Sprintf("How long to wait before failing, as a Go duration such as `30m`. Defaults to `%s`.",
		client.FormatDuration(defaultWaitTimeout))
	waitIntervalDescription = fmt.Sprintf("How long to sleep between polls, as a Go duration such as `10s`. Defaults to `%s`.",
		client.FormatDuration(defaultWaitInterval))
)

// waitConfig is the `wait` attribute.
type waitConfig struct {
	Statuses []types.String `tfsdk:"statuses"`
	Timeout  types.String   `tfsdk:"timeout"`
	Interval types.String   `tfsdk:"interval"`
}

// waitSettings is a validated waitConfig with its defaults applied.
type waitSettings struct {
	statuses []client.Status
	timeout  time.Duration
	interval time.Duration
	// progress, when set, hears of every poll: the action reports it to the CLI.
	progress func(p waitProgress)
}

// waitProgress is one poll of a wait.
type waitProgress struct {
	id             string
	status         client.Status
	elapsed, limit time.Duration
}

// clientStatuses turns a configured list of statuses into the client's type.
func clientStatuses(values []types.String) []client.Status {
	statuses := make([]client.Status, len(values))
	for i, v := range values {
		statuses[i] = client.Status(v.ValueString())
	}
	return statuses
}

// statusListValidators refuses an unknown or repeated status.
func statusListValidators() []validator.List {
	return []validator.List{
		listvalidator.SizeAtLeast(1),
		listvalidator.UniqueValues(),
		listvalidator.ValueStringsAre(stringvalidator.OneOf(client.StatusStrings(client.Statuses)...)),
	}
}

func waitSchemaAttribute() schema.Attribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Block the read until the token reaches one of `statuses`, polling every `interval`. " +
			"The read fails at once when the token reaches a status that can no longer become one of them, and after `timeout`.",
		Attributes: map[string]schema.Attribute{
			"statuses": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          statusListValidators(),
				MarkdownDescription: "The statuses to wait for: `WAITING`, `COMPLETED` or `TIMED_OUT`. Defaults to any status but `WAITING` (`COMPLETED` and `TIMED_OUT`).",
			},
			"timeout": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
				MarkdownDescription: waitTimeoutDescription,
			},
			"interval": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
				MarkdownDescription: waitIntervalDescription,
			},
		},
	}
}

// settings applies the defaults.
func (w *waitConfig) settings() (waitSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := waitSettings{
		statuses: []client.Status{client.StatusCompleted, client.StatusTimedOut},
		timeout:  positiveDuration(&diags, path.Root("wait").AtName("timeout"), w.Timeout, defaultWaitTimeout),
		interval: positiveDuration(&diags, path.Root("wait").AtName("interval"), w.Interval, defaultWaitInterval),
	}
	if w.Statuses != nil {
		s.statuses = clientStatuses(w.Statuses)
	}
	return s, diags
}

// positiveDuration reads an optional duration attribute at p, or fallback when
// it is not set.
func positiveDuration(diags *diag.Diagnostics, p path.Path, v types.String, fallback time.Duration) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return fallback
	}
	d, err := parseDuration(v.ValueString())
	if err != nil { // the validator refuses it first; this keeps a read safe on its own
		diags.AddAttributeError(p, "Invalid duration", fmt.Sprintf("Attribute %s %s.", p, err))
	}
	return d
}

// waitError is a wait that ended without the token reaching a wanted status.
type waitError struct{ message string }

func (e *waitError) Error() string { return e.message }

// waitForToken polls the token until it reaches one of s.statuses. It fails at
// once when the token is in a final status that is not wanted, at the timeout,
// and when ctx ends.
func waitForToken(ctx context.Context, c *client.Client, id string, s waitSettings) (client.Token, error) {
	start := time.Now()
	deadline := start.Add(s.timeout)
	want := joinStatuses(s.statuses)
	for {
		token, err := c.GetToken(ctx, id)
		if err != nil {
			return token, err
		}
		elapsed := time.Since(start)
		tflog.Info(ctx, "waiting for waitpoint token", map[string]any{
			"id": id, "status": string(token.Status), "want": want, "elapsed": elapsed.Round(time.Second).String(),
		})
		if s.progress != nil {
			s.progress(waitProgress{id: id, status: token.Status, elapsed: elapsed, limit: s.timeout})
		}
		switch {
		case slices.Contains(s.statuses, token.Status):
			return token, nil
		case token.Status != client.StatusWaiting: // COMPLETED and TIMED_OUT never change again
			return token, &waitError{fmt.Sprintf("waitpoint token %q is %s and can no longer become %s", id, token.Status, want)}
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return token, &waitError{fmt.Sprintf("timed out after %s waiting for waitpoint token %q to become %s; its last status was %s",
				client.FormatDuration(s.timeout), id, want, token.Status)}
		}
		timer := time.NewTimer(min(s.interval, remaining))
		select {
		case <-ctx.Done():
			timer.Stop()
			return token, fmt.Errorf("waitpoint token %q: %w", id, ctx.Err())
		case <-timer.C:
		}
	}
}

func joinStatuses(statuses []client.Status) string {
	return strings.Join(client.StatusStrings(statuses), " or ")
}
