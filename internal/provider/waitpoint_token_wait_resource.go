package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure        = (*waitpointTokenWaitResource)(nil)
	_ resource.ResourceWithConfigValidators = (*waitpointTokenWaitResource)(nil)
)

// waitpointTokenWaitResource gates at apply time on every CLI, as time_sleep
// delays: it waits when it is created and never again. Every argument forces
// a new resource, so a new wait comes only with a new token or new triggers;
// Read and Delete make no request, so a plan with nothing changed never waits.
// It offers no import: a gate must be passed, not imported.
type waitpointTokenWaitResource struct {
	data *providerData
}

type waitpointTokenWaitModel struct {
	tokenGateModel
	Triggers    types.Map         `tfsdk:"triggers"`
	Status      types.String      `tfsdk:"status"`
	CompletedAt timetypes.RFC3339 `tfsdk:"completed_at"`
	OutputJSON  types.String      `tfsdk:"output_json"`
}

// NewWaitpointTokenWaitResource is the `triggerdev_waitpoint_token_wait` resource.
func NewWaitpointTokenWaitResource() resource.Resource { return &waitpointTokenWaitResource{} }

func (r *waitpointTokenWaitResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_waitpoint_token_wait"
}

func (r *waitpointTokenWaitResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := replacingAttributes(tokenGate.gateAttributes())
	attrs["id"] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: tokenRefIDDescription + " With `idempotency_key`, the id of the token found, which forces no new wait: " +
			"a new wait comes with a new key or new `triggers`.",
		Validators: []validator.String{tokenIDValidator()},
		// UseStateForUnknown first: a token found by key keeps its id in
		// every later plan, so only a configured id can force a new wait.
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
	}
	attrs["idempotency_key"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: tokenRefKeyDescription + " A token not created yet is waited for, within the same `timeout`.",
		Validators:          []validator.String{idempotencyKeyValidator()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
	attrs["triggers"] = schema.MapAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Arbitrary strings, such as the release being rolled out: a change of any value forces a new resource, " +
			"that is a new wait, even on a token that already approved a previous one. Defaults to none.",
		PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
	}
	attrs["status"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "The token's status when the wait ended: `COMPLETED`, or another of `statuses`.",
	}
	attrs["completed_at"] = schema.StringAttribute{
		Computed:            true,
		CustomType:          timetypes.RFC3339Type{},
		MarkdownDescription: "When the token was completed or timed out (RFC 3339), as seen when the wait ended; null when it was still waiting.",
	}
	attrs[outputJSONName] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: outputJSONDescription + " As it was when the wait ended.",
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, when it is created, until a Trigger.dev waitpoint token is completed, and fails the apply otherwise: " +
			"whatever has it in `depends_on` is applied only once the token approved it. Every argument forces a new resource, that is a new wait; " +
			"plans, refreshes and destroys make no request. Apply-time gating on every CLI, OpenTofu and Terraform before 1.14 included. " +
			"A failed wait stores nothing, so the next apply waits again. It cannot be imported: a gate must be passed. " +
			"Each poll is logged at `TF_LOG=info`. A first Ctrl-C stops the wait at once on every CLI: the create runs in the apply half of `apply`, where CLIs pass the interrupt on.",
		Attributes: attrs,
	}
}

func (r *waitpointTokenWaitResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(tokenRefPaths...)}
}

func (r *waitpointTokenWaitResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// Create waits. It stores the resource only once the token opened the gate:
// after any failure the state holds nothing, so whatever depends on the
// resource is not applied and the next apply waits again.
func (r *waitpointTokenWaitResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var model waitpointTokenWaitModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The configuration's id: the plan's is unknown when a key names the token.
	var configID types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &configID)...)
	ref, diags := configuredRef(ctx, configID, model.IdempotencyKey)
	resp.Diagnostics.Append(diags...)
	settings, diags := model.settings(ctx, tokenGate.waitKind)
	resp.Diagnostics.Append(diags...)
	c, diags := r.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	token, diags := tokenGate.pass(ctx, ref.String(), ref.poll(c), settings)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	seen, diags := newTokenModel(ctx, token)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.Status, model.CompletedAt, model.OutputJSON = seen.Status, seen.CompletedAt, seen.OutputJSON
	if ref.key != "" {
		model.ID = types.StringValue(token.ID) // a configured id stays as written: the service also accepts it without its prefix
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// Read makes no request and changes nothing: the state records a gate that
// was passed, not the token as it is now.
func (r *waitpointTokenWaitResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Update is never called, every argument forcing a new resource; the
// framework requires it, so it takes the plan as it is.
func (r *waitpointTokenWaitResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

// Delete makes no request: the framework removes the resource from the state.
func (r *waitpointTokenWaitResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}
