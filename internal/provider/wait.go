package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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

// The descriptions and validators of a wait's settings, for the data source's
// `wait`, the ephemeral resource's and the action alike.
var (
	waitTimeoutDescription = fmt.Sprintf("How long to wait before failing, as a duration such as `30m`, `1h30m`, `2d` or `1w` (a Go duration, or the units `w`, `d`, `h`, `m`, `s` a token's `timeout` takes). Defaults to `%s`.",
		client.FormatDuration(defaultWaitTimeout))
	waitIntervalDescription = fmt.Sprintf("How long to sleep between polls, as a Go duration of at least `%s`, such as `10s`. Defaults to `%s`.",
		client.FormatDuration(minWaitInterval), client.FormatDuration(defaultWaitInterval))
	waitTimeoutValidators  = []validator.String{waitTimeoutValidator()}
	waitIntervalValidators = []validator.String{durationValidator(minWaitInterval)}
)

// waitConfig is the `wait` attribute.
type waitConfig struct {
	Statuses types.List   `tfsdk:"statuses"`
	Timeout  types.String `tfsdk:"timeout"`
	Interval types.String `tfsdk:"interval"`
}

// waitSettings is a checked waitConfig with its defaults applied.
type waitSettings struct {
	statuses []client.Status
	timeout  time.Duration
	interval time.Duration
	// progress, when set, hears of every poll: the action reports it to the CLI.
	progress func(p waitProgress)
}

// waitProgress is one poll of a wait.
type waitProgress struct {
	token          string        // the token as tokenRef names it
	status         client.Status // "" while no token holds the key the wait names
	elapsed, limit time.Duration
}

// newWaitSettings checks a wait's settings, found at p (the data source's
// `wait`, the action's root), and applies the defaults. Every caller runs it
// before its first request: a value unknown at validation is known here.
func newWaitSettings(ctx context.Context, p path.Path, statuses types.List, timeout, interval types.String, defaults []client.Status) (waitSettings, diag.Diagnostics) {
	diags := checkList(ctx, p.AtName("statuses"), statuses, statusListValidators()...)
	diags.Append(checkString(ctx, p.AtName("timeout"), timeout, waitTimeoutValidators...)...)
	diags.Append(checkString(ctx, p.AtName("interval"), interval, waitIntervalValidators...)...)
	s := waitSettings{
		statuses: defaults,
		timeout:  durationOr(timeout, defaultWaitTimeout, parseWaitTimeout),
		interval: durationOr(interval, defaultWaitInterval, parseDuration),
	}
	if isKnown(statuses) {
		s.statuses = listStrings[client.Status](statuses)
	}
	return s, diags
}

// durationOr is a checked duration attribute's value read by parse, or
// fallback when it is not set.
func durationOr(v types.String, fallback time.Duration, parse func(string) (time.Duration, error)) time.Duration {
	if !isKnown(v) {
		return fallback
	}
	d, _ := parse(v.ValueString()) // the caller's checks refuse what does not parse
	return d
}

// listStrings is a known list of strings as Go strings of type T.
func listStrings[T ~string](l types.List) []T {
	out := make([]T, 0, len(l.Elements()))
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok {
			out = append(out, T(s.ValueString()))
		}
	}
	return out
}

func waitSchemaAttribute() schema.Attribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: "Block the read until the token reaches one of `statuses`, polling every `interval`. " +
			"The read fails at once when the token reaches a status that can no longer become one of them, and after `timeout`. " +
			"Defaults to no wait: the token is read once. " + interruptNote,
		Attributes: map[string]schema.Attribute{
			"statuses": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          statusListValidators(),
				MarkdownDescription: "The statuses to wait for: `WAITING`, `COMPLETED` or `TIMED_OUT`. Defaults to any status but `WAITING` (`COMPLETED` and `TIMED_OUT`).",
			},
			"timeout": schema.StringAttribute{
				Optional:            true,
				Validators:          waitTimeoutValidators,
				MarkdownDescription: waitTimeoutDescription,
			},
			"interval": schema.StringAttribute{
				Optional:            true,
				Validators:          waitIntervalValidators,
				MarkdownDescription: waitIntervalDescription,
			},
		},
	}
}

// interruptNote says what Ctrl-C does to a wait.
const interruptNote = "Ctrl-C ends the wait at once during `plan`, and during `apply` when the read happens in the apply itself. " +
	"In the plan that `apply` runs first, only Terraform 1.16 or later passes a first Ctrl-C on to the provider: on Terraform 1.15 and earlier, and on OpenTofu 1.12, " +
	"the wait runs on until the token is answered or `timeout` passes, and the apply then stops with `execution halted` without changing anything; a second Ctrl-C ends the CLI at once."

// waitError is a wait that ended without the token reaching a wanted status.
type waitError struct{ message string }

func (e *waitError) Error() string { return e.message }

// waitForToken polls the token until it reaches one of s.statuses. A token
// named by an idempotency key that no token holds yet is waited for too, one
// request a poll. It fails at once when the token is in a final status that is
// not wanted, when ctx ends, and at the timeout, which also ends a request in
// flight or a retry's wait: a wait never outlasts its timeout.
func waitForToken(ctx context.Context, c *client.Client, ref tokenRef, s waitSettings) (client.Token, error) {
	start := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	want := joinStatuses(s.statuses)
	name := ref.String()
	var token client.Token
	for {
		polled, next, err := ref.fetch(waitCtx, c)
		switch {
		case err == nil:
			token, ref = polled, next
		case !notCreatedYet(err):
			return token, s.ended(ctx, waitCtx, name, token, err)
		}
		elapsed := time.Since(start)
		tflog.Info(ctx, "waiting for waitpoint token", map[string]any{
			"token": name, "status": string(token.Status), "want": want, "elapsed": elapsed.Round(time.Second).String(),
		})
		if s.progress != nil {
			s.progress(waitProgress{token: name, status: token.Status, elapsed: elapsed, limit: s.timeout})
		}
		switch {
		case slices.Contains(s.statuses, token.Status):
			return token, nil
		case token.Status != "" && token.Status != client.StatusWaiting: // COMPLETED and TIMED_OUT never change again
			return token, &waitError{fmt.Sprintf("waitpoint token %s is %s and can no longer become %s", name, token.Status, want)}
		}
		timer := time.NewTimer(s.interval)
		select {
		case <-waitCtx.Done():
			timer.Stop()
			return token, s.ended(ctx, waitCtx, name, token, waitCtx.Err())
		case <-timer.C:
		}
	}
}

// ended says why a wait ended early: ctx ended (an interrupt), the timeout
// came (or a retry's wait would have ended after it), or err, a request's
// failure.
func (s waitSettings) ended(ctx, waitCtx context.Context, name string, last client.Token, err error) error {
	_, pastTimeout := errors.AsType[*client.WaitPastDeadlineError](err)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("waitpoint token %s: %w", name, ctx.Err())
	case waitCtx.Err() == nil && !pastTimeout:
		return err
	}
	return &waitError{fmt.Sprintf("timed out after %s waiting for waitpoint token %s to become %s; %s",
		client.FormatDuration(s.timeout), name, joinStatuses(s.statuses), lastSeen(last))}
}

func joinStatuses(statuses []client.Status) string {
	return strings.Join(client.StatusStrings(statuses), " or ")
}

// lastSeen says what a wait saw of the token last.
func lastSeen(last client.Token) string {
	if last.Status == "" {
		return "no such token had been created, or Trigger.dev had not answered yet"
	}
	return "its last status was " + string(last.Status)
}
