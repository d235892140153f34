package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var (
	_ action.ActionWithConfigure        = (*completeWaitpointTokenAction)(nil)
	_ action.ActionWithConfigValidators = (*completeWaitpointTokenAction)(nil)
)

// completeWaitpointTokenAction answers a Trigger.dev task that waits on a
// token: Terraform completes it, with data, once the infrastructure is ready.
type completeWaitpointTokenAction struct {
	data *providerData
}

type completeWaitpointTokenModel struct {
	ID             types.String `tfsdk:"id"`
	IdempotencyKey types.String `tfsdk:"idempotency_key"`
	Data           types.String `tfsdk:"data"`
}

// NewCompleteWaitpointTokenAction is the `triggerdev_complete_waitpoint_token` action.
func NewCompleteWaitpointTokenAction() action.Action { return &completeWaitpointTokenAction{} }

func (a *completeWaitpointTokenAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_complete_waitpoint_token"
}

func (a *completeWaitpointTokenAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Completes a `WAITING` Trigger.dev waitpoint token with data, as the SDK's `wait.completeToken` does, " +
			"so that a task waiting on it with `wait.forToken` resumes with that data. A token already `COMPLETED` is left as it is, " +
			"with a warning naming when it was completed, so re-applying never fails; a `TIMED_OUT` token is an error: its task has already resumed. " +
			"Triggered from a resource's `action_trigger` (`after_create`, `after_update`) or with `terraform apply -invoke`. Needs Terraform 1.14 or later.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: tokenRefIDDescription,
				Validators:          []validator.String{tokenIDValidator()},
			},
			"idempotency_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: tokenRefKeyDescription + " A token not created yet is an error naming the key.",
				Validators:          []validator.String{idempotencyKeyValidator()},
			},
			// Write-only, because an action's attribute cannot be sensitive:
			// plan output hides the value, and an ephemeral value is accepted.
			// A saved plan still holds a value that is not ephemeral: Terraform
			// stores an action's configuration as evaluated, write-only
			// attributes included, and the provider has no say in it
			// (TestAccCompleteWaitpointTokenAction_savedPlan).
			"data": schema.StringAttribute{
				Optional:  true,
				WriteOnly: true,
				MarkdownDescription: "The data the waiting task receives, as JSON text of any value, such as `jsonencode({ endpoint = aws_db_instance.tenant.endpoint })`. " +
					"A string is received as a string, `jsonencode(null)` as `null`. " +
					"Write-only: never in state, and plan output shows `(write-only attribute)`. A saved plan (`terraform plan -out`) still holds it in clear text, " +
					"and `terraform show -json` prints it under `config_values`, sensitive or not, unless the value is ephemeral: " +
					"give a secret as an ephemeral variable or an ephemeral resource's attribute, which Terraform stores as `null`. " +
					"Defaults to no data: the token completes without output, and the task receives `undefined`.",
				Validators: []validator.String{jsonValueValidator("Invalid data")},
			},
		},
	}
}

func (a *completeWaitpointTokenAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{actionvalidator.ExactlyOneOf(tokenRefPaths...)}
}

func (a *completeWaitpointTokenAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (a *completeWaitpointTokenAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var model completeWaitpointTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ref, diags := configuredRef(ctx, model.ID, model.IdempotencyKey)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(checkString(ctx, path.Root("data"), model.Data, jsonValueValidator("Invalid data"))...)
	c, diags := a.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	token, _, err := ref.fetch(ctx, c)
	if err != nil {
		addClientError(&resp.Diagnostics, fmt.Sprintf("read waitpoint token %s to complete it", ref), err)
		return
	}
	name := ref.found(token.ID)
	if diags := completable(name, token); len(diags) > 0 {
		resp.Diagnostics.Append(diags...)
		if !diags.HasError() {
			// Terraform 1.16 shows an action's warnings after -invoke only, and
			// drops them when a resource triggered it: the console says it too.
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("waitpoint token %s was already completed at %s: left as it is", name, completedAt(token))})
		}
		return
	}
	if err := c.CompleteToken(ctx, token.ID, json.RawMessage(model.Data.ValueString())); err != nil {
		addClientError(&resp.Diagnostics, fmt.Sprintf("complete waitpoint token %s", name), err)
		return
	}
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("completed waitpoint token %s", name)})
}

// completable says why a token that is not WAITING is not completed: a
// COMPLETED one is a warning, so that applying again never fails; a TIMED_OUT
// one is an error, since its task resumed without the data.
func completable(name string, token client.Token) diag.Diagnostics {
	var diags diag.Diagnostics
	switch token.Status {
	case client.StatusWaiting:
	case client.StatusCompleted:
		diags.AddWarning("Waitpoint token already completed", fmt.Sprintf(
			"Waitpoint token %s was completed at %s, before this run: it is left as it is, and the data was not sent again.",
			name, completedAt(token)))
	case client.StatusTimedOut:
		diags.AddError("Waitpoint token timed out", fmt.Sprintf(
			"Waitpoint token %s timed out at %s: the task waiting on it has already resumed with a timeout, without the data. "+
				"A new run of the task needs a new token.", name, completedAt(token)))
	default:
		diags.AddError("Unexpected waitpoint token status", fmt.Sprintf(
			"Waitpoint token %s is %q, which this provider does not know: it was not completed.", name, token.Status))
	}
	return diags
}

// completedAt is when the token was completed or timed out, as the service says it.
func completedAt(token client.Token) string {
	if token.CompletedAt == nil {
		return "an unknown time"
	}
	return token.CompletedAt.UTC().Format(client.TimeLayout)
}
