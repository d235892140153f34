package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var (
	_ action.ActionWithConfigure        = (*waitForWaitpointTokenAction)(nil)
	_ action.ActionWithConfigValidators = (*waitForWaitpointTokenAction)(nil)
)

// waitForWaitpointTokenAction waits for a token at apply time, and only when the
// resource that triggers it is about to change: unlike a data source, it holds
// up no plan, refresh or destroy.
type waitForWaitpointTokenAction struct {
	data *providerData
}

type waitForWaitpointTokenModel struct {
	ID             types.String `tfsdk:"id"`
	IdempotencyKey types.String `tfsdk:"idempotency_key"`
	Statuses       types.List   `tfsdk:"statuses"`
	OutputContains types.String `tfsdk:"output_contains"`
	Timeout        types.String `tfsdk:"timeout"`
	Interval       types.String `tfsdk:"interval"`
}

// NewWaitForWaitpointTokenAction is the `triggerdev_wait_for_waitpoint_token` action.
func NewWaitForWaitpointTokenAction() action.Action { return &waitForWaitpointTokenAction{} }

func (a *waitForWaitpointTokenAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wait_for_waitpoint_token"
}

func (a *waitForWaitpointTokenAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, at apply time, until a Trigger.dev waitpoint token is completed, and fails the apply otherwise. " +
			"Triggered from a resource's `action_trigger`, it runs only when that resource is about to change. Needs Terraform 1.14 or later. " +
			"On Ctrl-C it stops waiting and holds the run until a second Ctrl-C, which ends it with nothing applied: once a provider is asked to stop, " +
			"Terraform no longer hears an action's failure, and Terraform 1.16 would take the silence for a success.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: tokenRefIDDescription,
				Validators:          []validator.String{tokenIDValidator()},
			},
			"idempotency_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: tokenRefKeyDescription + " A token not created yet is waited for, within the same `timeout`, " +
					"one request a poll.",
				Validators: []validator.String{idempotencyKeyValidator()},
			},
			"statuses": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          statusListValidators(),
				MarkdownDescription: "The statuses that let the apply go on: `WAITING`, `COMPLETED` or `TIMED_OUT`. A listed status is always a success, a listed `TIMED_OUT` included. Defaults to `COMPLETED`.",
			},
			"output_contains": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{jsonObjectValidator()},
				MarkdownDescription: "JSON text of an object, such as `jsonencode({ approved = true })`: a `COMPLETED` token's decoded output must be an object " +
					"holding each of its members with an equal value (nested objects compare member by member, numbers exactly). Defaults to no check.",
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

func (a *waitForWaitpointTokenAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{actionvalidator.ExactlyOneOf(tokenRefPaths...)}
}

func (a *waitForWaitpointTokenAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (a *waitForWaitpointTokenAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	defer holdIfStopped(ctx, &resp.Diagnostics)
	var model waitForWaitpointTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ref, diags := configuredRef(ctx, model.ID, model.IdempotencyKey)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(checkString(ctx, path.Root("output_contains"), model.OutputContains, jsonObjectValidator())...)
	settings, diags := newWaitSettings(ctx, path.Empty(), model.Statuses, model.Timeout, model.Interval, []client.Status{client.StatusCompleted})
	resp.Diagnostics.Append(diags...)
	c, diags := a.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var reporter progressReporter
	settings.progress = func(p waitProgress) {
		if reporter.due(p) {
			resp.SendProgress(action.InvokeProgressEvent{Message: p.String()})
		}
	}
	_, diags = passGate(ctx, c, ref, settings, model.OutputContains.ValueString())
	resp.Diagnostics.Append(diags...)
}

// holdIfStopped never returns when the action fails after Terraform asked
// the provider to stop (a first Ctrl-C). terraform-plugin-go drops every event
// of an action once stopped (tf6server.InvokeAction), its failure included,
// and Terraform 1.16 takes a stream that ends without one for a success: the
// change the action gates would be applied, declined or not. Held, the run
// ends at Terraform's second Ctrl-C, with nothing applied.
func holdIfStopped(ctx context.Context, diags *diag.Diagnostics) {
	if ctx.Err() == nil || !diags.HasError() {
		return
	}
	tflog.Warn(ctx, "the action was interrupted: it holds the run until Terraform exits (a second Ctrl-C), so that the change it gates is not applied")
	select {}
}

// progressEvery is how often the action reports a wait whose status does not change.
const progressEvery = 30 * time.Second

// progressReporter picks the polls worth a line on the console: the first,
// each change of status, and otherwise one every progressEvery at most. A
// line at every poll would be 360 lines for a 30-minute wait.
type progressReporter struct {
	reported   bool
	lastStatus client.Status
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
	status := string(p.status)
	if status == "" {
		status = "not created yet"
	}
	return fmt.Sprintf("waitpoint token %s is %s after %s (timeout %s)",
		p.token, status, p.elapsed.Round(time.Second), client.FormatDuration(p.limit))
}
