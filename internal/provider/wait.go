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

// waitConfig is a wait's arguments: the data source's `wait`, and a gate's
// (gateModel embeds it).
type waitConfig struct {
	Statuses types.List   `tfsdk:"statuses"`
	Timeout  types.String `tfsdk:"timeout"`
	Interval types.String `tfsdk:"interval"`
}

// waitSettings is a wait's checked settings with their defaults applied.
type waitSettings struct {
	statuses []string
	timeout  time.Duration
	interval time.Duration
	// progress, when set, hears of every poll: the action reports it to the CLI.
	progress func(p waitProgress)
}

// waitProgress is one poll of a wait.
type waitProgress struct {
	noun           string // the kind of thing waited for
	name           string // the thing as the configuration names it
	status         string // "" while it does not exist yet
	elapsed, limit time.Duration
}

// settings checks a wait's arguments, found at p (the data source's `wait`,
// a gate's root), for a kind, and applies the defaults: statuses when none
// are set. Every caller runs it before its first request: a value unknown at
// validation is known here.
func (w waitConfig) settings(ctx context.Context, p path.Path, k waitKind, statuses []string) (waitSettings, diag.Diagnostics) {
	diags := checkList(ctx, p.AtName("statuses"), w.Statuses, statusListValidators(k.statuses...)...)
	diags.Append(checkString(ctx, p.AtName("timeout"), w.Timeout, waitTimeoutValidators...)...)
	diags.Append(checkString(ctx, p.AtName("interval"), w.Interval, waitIntervalValidators...)...)
	s := waitSettings{
		statuses: statuses,
		timeout:  durationOr(w.Timeout, defaultWaitTimeout, parseWaitTimeout),
		interval: durationOr(w.Interval, defaultWaitInterval, parseDuration),
	}
	if isKnown(w.Statuses) {
		s.statuses = listStrings[string](w.Statuses)
	}
	return s, diags
}

// waitSchemaAttribute is a read's `wait`, for a kind: statusesDescription
// describes its `statuses`, with their default.
func (k waitKind) waitSchemaAttribute(statusesDescription string) schema.Attribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Block the read until the %[1]s reaches one of `statuses`, polling every `interval`. "+
			"The read fails at once when the %[1]s reaches a status that can no longer become one of them, and after `timeout`. "+
			"Defaults to no wait: the %[1]s is read once. ", k.short) + k.interruptNote(),
		Attributes: map[string]schema.Attribute{
			"statuses": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          statusListValidators(k.statuses...),
				MarkdownDescription: statusesDescription,
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

// interruptNote says what Ctrl-C does to a read's wait.
func (k waitKind) interruptNote() string {
	return "Ctrl-C ends the wait at once during `plan`, and during `apply` when the read happens in the apply itself. " +
		"In the plan that `apply` runs first, only Terraform 1.16 or later passes a first Ctrl-C on to the provider: on Terraform 1.15 and earlier, and on OpenTofu 1.12, " +
		"the wait runs on until the " + k.short + " " + k.answered + " or `timeout` passes, and the apply then stops with `execution halted` without changing anything; a second Ctrl-C ends the CLI at once."
}

// waitError is a wait that ended without the thing reaching a wanted status.
type waitError struct{ noun, message string }

func (e *waitError) Error() string { return e.message }

// poller reads the thing a wait waits for, once: the zero T, with no error,
// while it does not exist yet (a token named by a key no token holds).
type poller[T any] func(ctx context.Context) (T, error)

// wait is the one wait loop: it polls until the thing reaches one of
// s.statuses, a thing not created yet included, one request a poll. It fails
// at once when the thing is in a final status that is not wanted, when ctx
// ends, and at the timeout, which also ends a request in flight or a retry's
// wait: a wait never outlasts its timeout.
func (k gateKind[T]) wait(ctx context.Context, name string, poll poller[T], s waitSettings) (T, error) {
	start := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	want := joinStatuses(s.statuses)
	var last T
	for {
		polled, err := poll(waitCtx)
		if err != nil {
			return last, s.ended(ctx, waitCtx, k.waitKind, name, k.status(last), err)
		}
		last = polled
		status, elapsed := k.status(last), time.Since(start)
		tflog.Info(ctx, "waiting for "+k.noun, map[string]any{
			k.short: name, "status": status, "want": want, "elapsed": elapsed.Round(time.Second).String(),
		})
		if s.progress != nil {
			s.progress(waitProgress{noun: k.noun, name: name, status: status, elapsed: elapsed, limit: s.timeout})
		}
		switch {
		case slices.Contains(s.statuses, status):
			return last, nil
		case status != "" && k.final(status):
			return last, &waitError{k.noun, fmt.Sprintf("%s %s is %s%s and can no longer become %s", k.noun, name, status, k.endedWith(last), want)}
		}
		timer := time.NewTimer(s.interval)
		select {
		case <-waitCtx.Done():
			timer.Stop()
			return last, s.ended(ctx, waitCtx, k.waitKind, name, status, waitCtx.Err())
		case <-timer.C:
		}
	}
}

// ended says why a wait ended early: ctx ended (an interrupt), the timeout
// came (or a retry's wait would have ended after it), or err, a request's
// failure. lastStatus is the thing's status when it was last seen.
func (s waitSettings) ended(ctx, waitCtx context.Context, k waitKind, name, lastStatus string, err error) error {
	_, pastTimeout := errors.AsType[*client.WaitPastDeadlineError](err)
	switch {
	case ctx.Err() != nil:
		return &interruptedError{fmt.Errorf("%s %s: %w", k.noun, name, ctx.Err()), k.afterEarlyEnd}
	case waitCtx.Err() == nil && !pastTimeout:
		return err
	}
	return &waitError{k.noun, fmt.Sprintf("timed out after %s waiting for %s %s to become %s; %s%s",
		client.FormatDuration(s.timeout), k.noun, name, joinStatuses(s.statuses), k.lastSeen(lastStatus), sentence(k.afterEarlyEnd))}
}

// sentence is s as a sentence following another: "" stays "".
func sentence(s string) string {
	if s == "" {
		return ""
	}
	return ". " + s
}

// interruptedError is a wait ended by an interrupt: err wraps the context's
// error, and leftAs says what became of the thing, when the kind says it.
type interruptedError struct {
	err    error
	leftAs string
}

func (e *interruptedError) Error() string { return e.err.Error() + sentence(e.leftAs) }

func (e *interruptedError) Unwrap() error { return e.err }

func joinStatuses(statuses []string) string {
	return strings.Join(statuses, " or ")
}

// lastSeen says what a wait saw of the thing last.
func (k waitKind) lastSeen(status string) string {
	if status == "" {
		return fmt.Sprintf("no such %s had been created, or Trigger.dev had not answered yet", k.short)
	}
	return "its last status was " + status
}

// progressEvery is how often the action reports a wait whose status does not change.
const progressEvery = 30 * time.Second

// progressReporter picks the polls worth a line on the console: the first,
// each change of status, and otherwise one every progressEvery at most. A
// line at every poll would be 360 lines for a 30-minute wait.
type progressReporter struct {
	reported   bool
	lastStatus string
	lastAt     time.Duration
}

func (r *progressReporter) due(p waitProgress) bool {
	if r.reported && p.status == r.lastStatus && p.elapsed-r.lastAt < progressEvery {
		return false
	}
	r.reported, r.lastStatus, r.lastAt = true, p.status, p.elapsed
	return true
}

func (p waitProgress) String() string {
	status := p.status
	if status == "" {
		status = "not created yet"
	}
	return fmt.Sprintf("%s %s is %s after %s (timeout %s)",
		p.noun, p.name, status, p.elapsed.Round(time.Second), client.FormatDuration(p.limit))
}
