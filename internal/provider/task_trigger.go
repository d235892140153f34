package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// A trigger of a task and the gate on its run: the arguments the trigger
// action and the task run resource share (triggerModel, triggerAttributes),
// their run-time check (request), and the trigger followed by the gate
// (triggerAndWait). The gate itself is gate.go's, over runGate.

// triggerModel is the arguments of a trigger and of the gate on its run.
type triggerModel struct {
	Task              types.String `tfsdk:"task"`
	Payload           types.String `tfsdk:"payload"`
	IdempotencyKey    types.String `tfsdk:"idempotency_key"`
	IdempotencyKeyTTL types.String `tfsdk:"idempotency_key_ttl"`
	Tags              types.List   `tfsdk:"tags"`
	Queue             types.String `tfsdk:"queue"`
	ConcurrencyKey    types.String `tfsdk:"concurrency_key"`
	Delay             types.String `tfsdk:"delay"`
	TTL               types.String `tfsdk:"ttl"`
	MaxAttempts       types.Number `tfsdk:"max_attempts"`
	MaxDuration       types.String `tfsdk:"max_duration"`
	Machine           types.String `tfsdk:"machine"`
	Metadata          types.String `tfsdk:"metadata"`
	LockToVersion     types.String `tfsdk:"lock_to_version"`
	Wait              types.Bool   `tfsdk:"wait"`
	gateModel
}

// triggerAttributes are triggerModel's attributes: the one table of their
// descriptions and validators, the gate's included. The action takes them as
// they are; the resource converts them (replacingAttributes), each forcing a
// new run.
func triggerAttributes() map[string]actionschema.Attribute {
	attrs := runGate.gateAttributes()
	maps.Copy(attrs, map[string]actionschema.Attribute{
		"task": actionschema.StringAttribute{
			Required:            true,
			MarkdownDescription: "The id of the task to trigger, such as `smoke-test`, as its `task({ id })` names it. A task that no deployed worker has is accepted, as Trigger.dev accepts it: its run stays `QUEUED` until it expires.",
			Validators:          []validator.String{taskIDValidator()},
		},
		// Write-only, because an action's attribute cannot be sensitive: the
		// value stays out of the plan and the state, and an ephemeral value
		// is accepted.
		"payload": actionschema.StringAttribute{
			Optional:  true,
			WriteOnly: true,
			MarkdownDescription: "The task's payload, as JSON text of any value, such as `jsonencode({ release = var.release })`. " +
				"Write-only: it is never stored in the plan or the state, and it may come from an ephemeral value. Defaults to no payload: the task receives `undefined`.",
			Validators: []validator.String{jsonValueValidator("Invalid payload")},
		},
		"idempotency_key": actionschema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Names the run: while the key is live (`idempotency_key_ttl`), a trigger of the same task with it returns the run it made, unchanged, instead of a new one, " +
				"unless that run failed, crashed, timed out or expired. Defaults to a key the provider generates for each trigger (`terraform-` and 32 hex digits), " +
				"so that a retry after a lost answer makes no second run.",
			Validators: []validator.String{createdKeyValidator()},
		},
		"idempotency_key_ttl": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "How long `idempotency_key` stays live: a whole number and a unit `s`, `m`, `h` or `d`, such as `1h`. Defaults to Trigger.dev's 30 days.",
			Validators:          []validator.String{ttlValidator()},
		},
		"tags": actionschema.ListAttribute{
			Optional:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "Tags of the run, such as `release:42`: at most 10, each 1 to 128 characters without commas. Defaults to none.",
			Validators:          createdTagsValidators(),
		},
		"queue": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "The name of the queue to run on. Defaults to the task's own queue.",
			Validators:          []validator.String{nonEmptyValidator()},
		},
		"concurrency_key": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Runs with the same concurrency key share the queue's concurrency limit between them only, such as one per tenant. Defaults to none.",
			Validators:          []validator.String{nonEmptyValidator()},
		},
		"delay": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Start the run no earlier than this: a duration from the trigger such as `10m` or `1h30m` (units `w`, `d`, `h`, `m`, `s`), or an RFC 3339 time. The run is `DELAYED` until then. Defaults to none.",
			Validators:          []validator.String{runDurationValidator(0, true)},
		},
		"ttl": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "How long the run may wait to start, such as `10m` (units `w`, `d`, `h`, `m`, `s`): still queued then, it ends `EXPIRED`. Defaults to the task's, or in a development environment to `10m`.",
			Validators:          []validator.String{runDurationValidator(0, false)},
		},
		"max_attempts": actionschema.NumberAttribute{
			Optional:            true,
			MarkdownDescription: "How many attempts the run may make, retries included: a whole number of at least 1. Defaults to the task's retry setting.",
			Validators:          []validator.Number{maxAttemptsValidator()},
		},
		"max_duration": actionschema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("How long the run may execute before it ends `TIMED_OUT`, of at least `%s`, such as `15m` (units `w`, `d`, `h`, `m`, `s`). Defaults to the task's.",
				client.FormatDuration(minRunMaxDuration)),
			Validators: []validator.String{runDurationValidator(minRunMaxDuration, false)},
		},
		"machine": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "The machine to run on: `micro`, `small-1x`, `small-2x`, `medium-1x`, `medium-2x`, `large-1x` or `large-2x`. Defaults to the task's.",
			Validators:          []validator.String{machineValidator()},
		},
		"metadata": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "The run's metadata, as JSON text of an object of at most 256 KiB, such as `jsonencode({ release = var.release })`. Defaults to none.",
			Validators:          []validator.String{metadataValidator()},
		},
		"lock_to_version": actionschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Run the task as a deployed version has it, such as `20250101.1`: a version no worker has is an error. Defaults to the current version.",
			Validators:          []validator.String{nonEmptyValidator()},
		},
		"wait": actionschema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Whether to wait until the run reaches one of `statuses` and check `output_contains`. `false` triggers the run and goes on at once; " +
				"`statuses`, `output_contains`, `timeout` and `interval` are then refused. Defaults to `true`.",
		},
	})
	return attrs
}

// waitsForRun reports whether a trigger waits for its run: wait is not false.
func (m triggerModel) waitsForRun() bool { return !m.Wait.Equal(types.BoolValue(false)) }

// gateArguments are the gate's arguments by name, which `wait = false` refuses.
func (m gateModel) gateArguments() map[string]attr.Value {
	return map[string]attr.Value{"statuses": m.Statuses, "output_contains": m.OutputContains, "timeout": m.Timeout, "interval": m.Interval}
}

// checkedTrigger is a trigger's checked arguments: what is sent, and the gate.
type checkedTrigger struct {
	task    string
	request client.TriggerRequest
	wait    bool
	gate    gateSettings
}

// check checks the arguments again and builds the trigger: the framework's
// checks skip a value unknown at validation (from a variable or another
// resource), which is known here, before any request.
func (m triggerModel) check(ctx context.Context) (checkedTrigger, diag.Diagnostics) {
	diags := checkString(ctx, path.Root("task"), m.Task, taskIDValidator())
	diags.Append(checkString(ctx, path.Root("payload"), m.Payload, jsonValueValidator("Invalid payload"))...)
	diags.Append(checkString(ctx, path.Root("idempotency_key"), m.IdempotencyKey, createdKeyValidator())...)
	diags.Append(checkString(ctx, path.Root("idempotency_key_ttl"), m.IdempotencyKeyTTL, ttlValidator())...)
	diags.Append(checkList(ctx, path.Root("tags"), m.Tags, createdTagsValidators()...)...)
	diags.Append(checkString(ctx, path.Root("queue"), m.Queue, nonEmptyValidator())...)
	diags.Append(checkString(ctx, path.Root("concurrency_key"), m.ConcurrencyKey, nonEmptyValidator())...)
	diags.Append(checkString(ctx, path.Root("lock_to_version"), m.LockToVersion, nonEmptyValidator())...)
	diags.Append(checkString(ctx, path.Root("delay"), m.Delay, runDurationValidator(0, true))...)
	diags.Append(checkString(ctx, path.Root("ttl"), m.TTL, runDurationValidator(0, false))...)
	diags.Append(checkString(ctx, path.Root("max_duration"), m.MaxDuration, runDurationValidator(minRunMaxDuration, false))...)
	diags.Append(checkNumber(ctx, path.Root("max_attempts"), m.MaxAttempts, maxAttemptsValidator())...)
	diags.Append(checkString(ctx, path.Root("machine"), m.Machine, machineValidator())...)
	diags.Append(checkString(ctx, path.Root("metadata"), m.Metadata, metadataValidator())...)
	diags.Append(gateWithoutWait(m.Wait, m.gateArguments())...)
	gate, more := m.settings(ctx, runGate.waitKind)
	diags.Append(more...)
	if diags.HasError() {
		return checkedTrigger{}, diags
	}
	t := checkedTrigger{task: m.Task.ValueString(), wait: m.waitsForRun(), gate: gate, request: client.TriggerRequest{
		IdempotencyKey:    m.IdempotencyKey.ValueString(), // "" (null, or unknown in a plan) has the client generate one
		IdempotencyKeyTTL: m.IdempotencyKeyTTL.ValueString(),
		Queue:             m.Queue.ValueString(),
		ConcurrencyKey:    m.ConcurrencyKey.ValueString(),
		Delay:             m.Delay.ValueString(),
		TTL:               m.TTL.ValueString(),
		Tags:              listStrings[string](m.Tags),
		Machine:           m.Machine.ValueString(),
		LockToVersion:     m.LockToVersion.ValueString(),
	}}
	if isKnown(m.Payload) {
		t.request.Payload = json.RawMessage(m.Payload.ValueString())
	}
	if isKnown(m.Metadata) {
		t.request.Metadata = json.RawMessage(m.Metadata.ValueString())
	}
	if isKnown(m.MaxAttempts) {
		t.request.MaxAttempts = new(wholeNumberOr(m.MaxAttempts, 0))
	}
	if isKnown(m.MaxDuration) {
		d, _ := parseRunDuration(m.MaxDuration.ValueString()) // checked above
		t.request.MaxDuration = new(int(d.Seconds()))
	}
	return t, diags
}

// triggered is what a trigger made: the run, as last read (only its id
// without a wait), and the key it was triggered with.
type triggered struct {
	run client.Run
	key string
}

// triggerAndWait triggers the task and, unless the trigger says not to, gates
// on its run with the one gate: one request to trigger, then one a poll.
// progress, when set, hears of the trigger and of the polls worth a line
// (progressReporter); the trigger is logged either way.
func (t checkedTrigger) triggerAndWait(ctx context.Context, c *client.Client, progress func(string)) (triggered, diag.Diagnostics) {
	var diags diag.Diagnostics
	answer, err := c.TriggerTask(ctx, t.task, t.request)
	if err != nil {
		addClientError(&diags, fmt.Sprintf("trigger task %q", t.task), err)
		return triggered{}, diags
	}
	name := runName(answer.ID, t.task)
	said := "triggered run " + name
	if answer.IsCached {
		said = fmt.Sprintf("run %s holds idempotency key %q: no new run was triggered, and this one is used instead", name, answer.IdempotencyKey)
	}
	tflog.Info(ctx, said)
	if progress != nil {
		progress(said)
		var reporter progressReporter
		t.gate.wait.progress = func(p waitProgress) {
			if reporter.due(p) {
				progress(p.String())
			}
		}
	}
	done := triggered{run: client.Run{ID: answer.ID, TaskIdentifier: t.task}, key: answer.IdempotencyKey}
	if !t.wait {
		return done, diags
	}
	done.run, diags = runGate.pass(ctx, name, runPoller(c, answer.ID), t.gate)
	return done, diags
}

// gateWithoutWait refuses gate arguments beside `wait = false`, which would
// have no effect: the run is not waited for.
func gateWithoutWait(wait types.Bool, gate map[string]attr.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	if !wait.Equal(types.BoolValue(false)) {
		return diags
	}
	for _, name := range slices.Sorted(maps.Keys(gate)) {
		if !gate[name].IsNull() {
			diags.AddAttributeError(path.Root(name), "Gate setting without a wait",
				fmt.Sprintf("Attribute %s has no effect with wait = false: the run is triggered and not waited for. Remove it, or remove wait = false to wait for the run.", name))
		}
	}
	return diags
}
