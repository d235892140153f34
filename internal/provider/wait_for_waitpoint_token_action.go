package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// NewWaitForWaitpointTokenAction is the `triggerdev_wait_for_waitpoint_token` action.
func NewWaitForWaitpointTokenAction() action.Action { return &waitForWaitpointTokenAction{} }

func (a *waitForWaitpointTokenAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wait_for_waitpoint_token"
}

func (a *waitForWaitpointTokenAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := tokenGate.gateAttributes()
	attrs["id"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: tokenRefIDDescription,
		Validators:          []validator.String{tokenIDValidator()},
	}
	attrs["idempotency_key"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: tokenRefKeyDescription + " A token not created yet is waited for, within the same `timeout`, " +
			"one request a poll.",
		Validators: []validator.String{idempotencyKeyValidator()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, at apply time, until a Trigger.dev waitpoint token is completed, and fails the apply otherwise. " +
			"Triggered from a resource's `action_trigger`, it runs only when that resource is about to change. Needs Terraform 1.14 or later. " +
			"A first Ctrl-C ends the wait at once: the action fails with an `Interrupted` error, and the change it gates is not applied.",
		Attributes: attrs,
	}
}

func (a *waitForWaitpointTokenAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{actionvalidator.ExactlyOneOf(tokenRefPaths...)}
}

func (a *waitForWaitpointTokenAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (a *waitForWaitpointTokenAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var model tokenGateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ref, diags := configuredRef(ctx, model.ID, model.IdempotencyKey)
	resp.Diagnostics.Append(diags...)
	settings, diags := model.settings(ctx, tokenGate.waitKind)
	resp.Diagnostics.Append(diags...)
	c, diags := a.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	var reporter progressReporter
	settings.wait.progress = func(p waitProgress) {
		if reporter.due(p) {
			resp.SendProgress(action.InvokeProgressEvent{Message: p.String()})
		}
	}
	_, diags = tokenGate.pass(ctx, ref.String(), ref.poll(c), settings)
	resp.Diagnostics.Append(diags...)
}
