package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// runStatuses are every status of a run, as the service writes them.
var runStatuses = client.StatusStrings(client.RunStatuses)

// runAttribute is one computed attribute of a task run, shared by every
// run-shaped schema. The output, whose decoding can fail, is apart
// (outputJSONName).
type runAttribute = computedField[client.Run]

// runAttributes are the attributes of a run, except `id` and `output_json`,
// which each schema declares in its own way.
var runAttributes = []runAttribute{
	{"task", types.StringType, "The task's identifier, such as `smoke-test`.",
		func(r client.Run) attr.Value { return types.StringValue(r.TaskIdentifier) }},
	{"status", types.StringType, "The run's status: `DELAYED`, `PENDING_VERSION`, `QUEUED`, `DEQUEUED`, `EXECUTING` or `WAITING` while it goes on; then `COMPLETED`, the one success, or one of the other final statuses `CANCELED`, `FAILED`, `CRASHED`, `SYSTEM_FAILURE`, `EXPIRED` and `TIMED_OUT`.",
		func(r client.Run) attr.Value { return types.StringValue(string(r.Status)) }},
	{"error", types.StringType, "The message of the error the run ended with, such as `Canceled by user`; null when it has none (a `COMPLETED` run, or one not ended).",
		func(r client.Run) attr.Value {
			if r.Error == nil {
				return types.StringNull()
			}
			return types.StringValue(r.Error.Message)
		}},
	{"tags", stringListType, "The run's tags, sorted alphabetically.",
		func(r client.Run) attr.Value { return stringList(r.Tags) }},
	{"idempotency_key", types.StringType, "The idempotency key the run was triggered with, as sent (a key the provider generated starts with `terraform-`); null when the service reports none.",
		func(r client.Run) attr.Value { return types.StringPointerValue(r.IdempotencyKey) }},
	{"created_at", timetypes.RFC3339Type{}, "When the run was triggered (RFC 3339).",
		func(r client.Run) attr.Value { return serviceTime(&r.CreatedAt) }},
	{"started_at", timetypes.RFC3339Type{}, "When the run's first attempt started (RFC 3339); null while it has not started.",
		func(r client.Run) attr.Value { return serviceTime(r.StartedAt) }},
	{"finished_at", timetypes.RFC3339Type{}, "When the run ended (RFC 3339); null while it goes on.",
		func(r client.Run) attr.Value { return serviceTime(r.FinishedAt) }},
	{"attempts", types.Int64Type, "How many attempts the run has made: 0 before it starts, more than 1 after retries.",
		func(r client.Run) attr.Value { return types.Int64Value(int64(r.AttemptCount)) }},
}

// runOutputJSONDescription describes a run's `output_json`.
const runOutputJSONDescription = "The output the task returned, as plain JSON text ready for `jsondecode`; an output stored apart (512 KiB or more) is fetched, as the official SDK does. " +
	"Null until the run is `COMPLETED`, and when the task returned nothing."

// runModelTypes is runModel's object type: a run's attributes but `id`.
var runModelTypes = func() map[string]attr.Type {
	attrTypes := map[string]attr.Type{outputJSONName: types.StringType}
	for _, a := range runAttributes {
		attrTypes[a.name] = a.typ
	}
	return attrTypes
}()

// runSchemaAttributes returns the computed schema attributes of a run, but `id`.
func runSchemaAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		outputJSONName: schema.StringAttribute{Computed: true, MarkdownDescription: runOutputJSONDescription},
	}
	for _, a := range runAttributes {
		attrs[a.name] = computedAttribute(a)
	}
	return attrs
}

// runModel is a run's computed attributes as a typed model, embedded in the
// data source's model. Its fields are those of runAttributes and output_json
// (TestRunModel_matchesTable).
type runModel struct {
	Task           types.String `tfsdk:"task"`
	Tags           types.List   `tfsdk:"tags"`
	IdempotencyKey types.String `tfsdk:"idempotency_key"`
	runState
}

// runState is the part of a run that changes as it goes on, and that the task
// run resource stores beside its arguments (which hold the task, the tags
// and the key as they were sent).
type runState struct {
	Status     types.String      `tfsdk:"status"`
	Error      types.String      `tfsdk:"error"`
	CreatedAt  timetypes.RFC3339 `tfsdk:"created_at"`
	StartedAt  timetypes.RFC3339 `tfsdk:"started_at"`
	FinishedAt timetypes.RFC3339 `tfsdk:"finished_at"`
	Attempts   types.Int64       `tfsdk:"attempts"`
	OutputJSON types.String      `tfsdk:"output_json"`
}

// runArgumentNames are the attributes of a run that a trigger sets: the task
// run resource has them as arguments, not in runState.
var runArgumentNames = []string{"task", "tags", "idempotency_key"}

// newRunModel is the one conversion of a run to its attributes.
func newRunModel(ctx context.Context, r client.Run) (runModel, diag.Diagnostics) {
	var m runModel
	var diags diag.Diagnostics
	outputJSON, err := r.OutputJSON()
	if err != nil {
		diags.AddAttributeError(path.Root(outputJSONName), "Undecodable run output", err.Error())
		return m, diags
	}
	values := make(map[string]attr.Value, len(runModelTypes))
	values[outputJSONName] = types.StringPointerValue(outputJSON)
	for _, a := range runAttributes {
		values[a.name] = a.value(r)
	}
	object, diags := types.ObjectValue(maps.Clone(runModelTypes), values)
	if !diags.HasError() {
		diags.Append(object.As(ctx, &m, basetypes.ObjectAsOptions{})...)
	}
	return m, diags
}
