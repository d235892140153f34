package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var _ action.ActionWithConfigure = (*waitForWaitpointTokenAction)(nil)

// waitForWaitpointTokenAction waits for a token at apply time, and only when the
// resource that triggers it is about to change: unlike a data source, it holds
// up no plan, refresh or destroy.
type waitForWaitpointTokenAction struct {
	data *providerData
}

type waitForWaitpointTokenModel struct {
	ID             types.String   `tfsdk:"id"`
	Statuses       []types.String `tfsdk:"statuses"`
	OutputContains types.String   `tfsdk:"output_contains"`
	Timeout        types.String   `tfsdk:"timeout"`
	Interval       types.String   `tfsdk:"interval"`
}

// NewWaitForWaitpointTokenAction is the `triggerdev_wait_for_waitpoint_token` action.
func NewWaitForWaitpointTokenAction() action.Action { return &waitForWaitpointTokenAction{} }

func (a *waitForWaitpointTokenAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wait_for_waitpoint_token"
}

func (a *waitForWaitpointTokenAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Waits, at apply time, until a Trigger.dev waitpoint token is completed, and fails the apply otherwise. " +
			"Triggered from a resource's `action_trigger`, it runs only when that resource is about to change. Needs Terraform 1.14 or later.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The token's id, such as `waitpoint_abc123`.",
				Validators:          []validator.String{tokenIDValidator()},
			},
			"statuses": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          statusListValidators(),
				MarkdownDescription: "The statuses that let the apply go on: `WAITING`, `COMPLETED` or `TIMED_OUT`. Defaults to `COMPLETED`.",
			},
			"output_contains": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{jsonObjectValidator{}},
				MarkdownDescription: "JSON text of an object, such as `jsonencode({ approved = true })`: the token's decoded output must be an object " +
					"holding each of its members with an equal value (nested objects compare member by member). Defaults to no check.",
			},
			"timeout": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
				MarkdownDescription: waitTimeoutDescription,
			},
			"interval": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{durationValidator{}},
				MarkdownDescription: waitIntervalDescription,
			},
		},
	}
}

func (a *waitForWaitpointTokenAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (a *waitForWaitpointTokenAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var model waitForWaitpointTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	c, diags := a.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := model.ID.ValueString()
	settings := waitSettings{
		statuses: []client.Status{client.StatusCompleted},
		timeout:  positiveDuration(&resp.Diagnostics, path.Root("timeout"), model.Timeout, defaultWaitTimeout),
		interval: positiveDuration(&resp.Diagnostics, path.Root("interval"), model.Interval, defaultWaitInterval),
		progress: func(p waitProgress) {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("waitpoint token %q is %s after %s (timeout %s)",
				p.id, p.status, p.elapsed.Round(time.Second), client.FormatDuration(p.limit))})
		},
	}
	if model.Statuses != nil {
		settings.statuses = clientStatuses(model.Statuses)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	token, err := waitForToken(ctx, c, id, settings)
	if err != nil {
		addClientError(&resp.Diagnostics, fmt.Sprintf("wait for waitpoint token %q", id), err)
		return
	}
	if reason := outputProblem(token, model.OutputContains.ValueString()); reason != "" {
		resp.Diagnostics.AddError("Waitpoint token did not approve the change",
			fmt.Sprintf("Waitpoint token %q is %s, but %s.", id, token.Status, reason))
	}
}

// outputProblem says what is wrong with the output of a token that reached a
// wanted status, or "" when nothing is.
func outputProblem(token client.Token, contains string) string {
	if token.OutputIsError != nil && *token.OutputIsError {
		return "its output is an error"
	}
	if contains == "" {
		return ""
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(contains), &want); err != nil {
		return fmt.Sprintf("output_contains is not a JSON object: %s", err)
	}
	outputJSON, err := token.OutputJSON()
	if err != nil {
		return fmt.Sprintf("its output could not be decoded: %s", err)
	}
	var got any
	if outputJSON != nil {
		_ = json.Unmarshal([]byte(*outputJSON), &got) // OutputJSON returns valid JSON
	}
	return missingMembers(got, want, "")
}

// missingMembers compares an output with the members it must hold, nested
// objects member by member, and names the first member that differs.
func missingMembers(got any, want map[string]any, prefix string) string {
	object, ok := got.(map[string]any)
	if !ok {
		if prefix == "" {
			return "its output is not a JSON object"
		}
		return fmt.Sprintf("its output's member %q is not an object", strings.TrimSuffix(prefix, "."))
	}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names) // the same member is named on every run
	for _, name := range names {
		value, present := object[name]
		wantValue := want[name]
		switch nested, isObject := wantValue.(map[string]any); {
		case !present:
			return fmt.Sprintf("its output has no member %q", prefix+name)
		case isObject:
			if reason := missingMembers(value, nested, prefix+name+"."); reason != "" {
				return reason
			}
		case !reflect.DeepEqual(value, wantValue):
			shown, _ := json.Marshal(value)
			expected, _ := json.Marshal(wantValue)
			return fmt.Sprintf("its output's member %q is %s, not %s", prefix+name, shown, expected)
		}
	}
	return ""
}

var _ validator.String = jsonObjectValidator{}

// jsonObjectValidator refuses text that is not a JSON object, at plan time.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string {
	return "must be JSON text of an object, such as `jsonencode({ approved = true })`"
}

func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var object map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &object); err != nil || object == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid output_contains",
			fmt.Sprintf("Attribute %s must be JSON text of an object, such as jsonencode({ approved = true }), got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}
