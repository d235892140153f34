package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
			"A first Ctrl-C ends the wait at once: the action fails with an `Interrupted` error, and the change it gates is not applied.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: actionIDDescription,
				Validators:          []validator.String{tokenIDValidator()},
			},
			"idempotency_key": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: actionKeyDescription + " A token not created yet is waited for, within the same `timeout`, " +
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

// The descriptions of the two ways an action names its token.
const (
	actionIDDescription  = "The token's id, such as `waitpoint_abc123`. Exactly one of `id` and `idempotency_key` must be set."
	actionKeyDescription = "Instead of `id`: the idempotency key of the token, such as `release-42`, meaning the newest token whose current, live key it is."
)

func (a *waitForWaitpointTokenAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{actionvalidator.ExactlyOneOf(tokenRefPaths...)}
}

func (a *waitForWaitpointTokenAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (a *waitForWaitpointTokenAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
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
