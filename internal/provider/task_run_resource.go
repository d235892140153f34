package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var (
	_ resource.ResourceWithConfigure        = (*taskRunResource)(nil)
	_ resource.ResourceWithConfigValidators = (*taskRunResource)(nil)
	_ resource.ResourceWithImportState      = (*taskRunResource)(nil)
)

// taskRunResource triggers a task when it is created and gates on its run,
// on every CLI: the apply-time gate for CLIs without actions, as the wait
// resource is for tokens. Every argument forces a new run.
type taskRunResource struct {
	data *providerData
}

// taskRunResourceModel is the resource's model: the trigger's arguments (the
// gate's included), what forces a new run, and the run as last read.
type taskRunResourceModel struct {
	ID       types.String `tfsdk:"id"`
	Triggers types.Map    `tfsdk:"triggers"`
	triggerModel
	runState
}

// NewTaskRunResource is the `triggerdev_task_run` resource.
func NewTaskRunResource() resource.Resource { return &taskRunResource{} }

func (r *taskRunResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_task_run"
}

func (r *taskRunResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := replacingAttributes(triggerAttributes())
	state := runSchemaAttributes()
	for _, name := range runArgumentNames {
		delete(state, name)
	}
	maps.Copy(attrs, resourceComputedAttributes(state))
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: runIDDescription,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	key, ok := attrs["idempotency_key"].(schema.StringAttribute)
	if !ok {
		panic("triggerAttributes' idempotency_key is not a string attribute") // every schema read would hit it
	}
	key.Computed = true
	key.MarkdownDescription += " The key sent, generated or not, is stored here; a generated one stays until a new run replaces this one."
	key.PlanModifiers = append([]planmodifier.String{stringplanmodifier.UseStateForUnknown()}, key.PlanModifiers...)
	attrs["idempotency_key"] = key
	attrs["triggers"] = schema.MapAttribute{
		Optional:    true,
		ElementType: types.StringType,
		MarkdownDescription: "Arbitrary strings, such as the release being rolled out: a change of any value forces a new resource, that is a new run. " +
			"`payload` is write-only and forces nothing: put what it depends on here to run again when it changes. Defaults to none.",
		PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Triggers a Trigger.dev task when it is created and waits until its run ends, as the `triggerdev_trigger_task` action does: " +
			"whatever has it in `depends_on` is applied only once the run reached one of `statuses` (by default `COMPLETED`) with an output that holds `output_contains`. " +
			"Apply-time gating on every CLI, OpenTofu and Terraform before 1.14 included. Every argument forces a new resource, that is a new run; " +
			"a failed run stores nothing, so the next apply triggers the task again (with a configured `idempotency_key`, a run that completed keeps its key, and the same run is found again). " +
			"Refresh reads the run's status and output, which never plans a change. A wait that ends early, at its `timeout` or on Ctrl-C, never cancels the run. " +
			"Destroy forgets the run and makes no request: a run still going on (`wait = false`) is not cancelled, since stopping a task half way (a migration) may not be safe. " +
			"Import by run id: the run's `task`, `tags` and `idempotency_key` are read; the first apply then stores the configuration's other arguments without a new run.",
		Attributes: attrs,
	}
}

func (r *taskRunResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{gateNeedsWaitValidator{}}
}

func (r *taskRunResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// Create triggers and waits. It stores the resource only once the run passed
// the gate: after any failure the state holds nothing, so whatever depends
// on the resource is not applied and the next apply triggers again.
func (r *taskRunResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var model taskRunResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	// The payload is write-only: only the configuration has it.
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("payload"), &model.Payload)...)
	if resp.Diagnostics.HasError() {
		return
	}
	trigger, diags := model.check(ctx)
	resp.Diagnostics.Append(diags...)
	c, diags := r.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	done, diags := trigger.triggerAndWait(ctx, c, nil)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	run := done.run
	if !trigger.wait { // only its id is known: read it once, for the attributes
		var err error
		if run, err = c.RetrieveRun(ctx, done.run.ID); err != nil {
			addClientError(&resp.Diagnostics, "read run "+runName(done.run.ID, trigger.task)+" just triggered", err)
			return
		}
	}
	model.ID, model.IdempotencyKey = types.StringValue(run.ID), types.StringValue(done.key)
	model.Payload = types.StringNull()
	resp.Diagnostics.Append(model.refresh(ctx, run)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// refresh takes the run's current state. The arguments stay as they were
// sent; after an import, when there are none, the run's task, tags and key
// are taken.
func (m *taskRunResourceModel) refresh(ctx context.Context, run client.Run) diag.Diagnostics {
	seen, diags := newRunModel(ctx, run)
	m.runState = seen.runState
	if m.Task.IsNull() {
		m.Task, m.IdempotencyKey = seen.Task, seen.IdempotencyKey
		if len(run.Tags) > 0 { // as a configuration without tags has them
			m.Tags = seen.Tags
		}
	}
	return diags
}

// Read refreshes the run's status and output. A run the service no longer
// has leaves the state, and the next apply triggers the task again.
func (r *taskRunResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var model taskRunResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &model)...)
	c, diags := r.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	run, err := c.RetrieveRun(ctx, model.ID.ValueString())
	if unknown, ok := client.UnknownRun(err); ok {
		resp.Diagnostics.AddWarning("Run not found: removed from the state",
			fmt.Sprintf("Trigger.dev answered %s to a read of run %q, so it was removed from the Terraform state, and the next apply triggers the task again.",
				unknown.Reply(), model.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addClientError(&resp.Diagnostics, "read run "+runName(model.ID.ValueString(), model.Task.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(model.refresh(ctx, run)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// Update is called only after an import, to store the configuration's
// arguments that the import could not read (every change otherwise forces
// a new run). It makes no request, and ends the import's exception.
func (r *taskRunResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var model, prior taskRunResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.ID, model.runState, model.Payload = prior.ID, prior.runState, types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

// Delete forgets the run and makes no request: a run still going on is not
// cancelled (see the schema's description).
func (r *taskRunResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var id, status types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	if s := client.RunStatus(status.ValueString()); !s.Final() {
		resp.Diagnostics.AddWarning("Run forgotten, not cancelled",
			fmt.Sprintf("Run %q was %s at the last refresh: it was removed from the Terraform state and goes on in Trigger.dev. Cancel it from the dashboard if it must stop.", id.ValueString(), s))
	}
}

// ImportState takes a run id; the read that follows fills in the rest, and
// marks the import so that the configuration's arguments, which the service
// does not report, force no new run (replaceUnlessImported).
func (r *taskRunResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(checkString(ctx, path.Root("id"), types.StringValue(req.ID), runIDValidator())...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, []byte(`true`))...)
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
