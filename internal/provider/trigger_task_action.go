package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
)

var (
	_ action.ActionWithConfigure        = (*triggerTaskAction)(nil)
	_ action.ActionWithConfigValidators = (*triggerTaskAction)(nil)
)

// triggerTaskAction triggers a Trigger.dev task at apply time and, by
// default, gates on its run: only when the resource that triggers it is
// about to change.
type triggerTaskAction struct {
	data *providerData
}

// NewTriggerTaskAction is the `triggerdev_trigger_task` action.
func NewTriggerTaskAction() action.Action { return &triggerTaskAction{} }

func (a *triggerTaskAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_trigger_task"
}

func (a *triggerTaskAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Triggers a Trigger.dev task at apply time and waits until its run ends, failing the apply unless the run reaches one of `statuses` " +
			"(by default `COMPLETED`) with an output that holds `output_contains`: a smoke test, a migration or an approval task as a gate. " +
			"The failure names the run, its status and its error. `wait = false` only triggers. Progress lines name the run's id, which the dashboard shows. " +
			"A trigger always carries an idempotency key (the provider's own when `idempotency_key` is not set), so that a retry after a lost answer makes one run. " +
			"A wait that ends early, at its `timeout` or on Ctrl-C, never cancels the run: it goes on, and an apply with the same `idempotency_key` waits for that run again. " +
			"Triggered from a resource's `action_trigger`, or with `terraform apply -invoke`. Needs Terraform 1.14 or later; on other CLIs, use the `triggerdev_task_run` resource. " +
			"A first Ctrl-C ends the wait at once: the action fails with an `Interrupted` error, which says the run goes on, and the change it gates is not applied.",
		Attributes: triggerAttributes(),
	}
}

func (a *triggerTaskAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{gateNeedsWaitValidator{}}
}

func (a *triggerTaskAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (a *triggerTaskAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var model triggerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	trigger, diags := model.check(ctx)
	resp.Diagnostics.Append(diags...)
	c, diags := a.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, diags = trigger.triggerAndWait(ctx, c, func(message string) {
		resp.SendProgress(action.InvokeProgressEvent{Message: message})
	})
	resp.Diagnostics.Append(diags...)
}
