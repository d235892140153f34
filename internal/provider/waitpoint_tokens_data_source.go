package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure      = (*waitpointTokensDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*waitpointTokensDataSource)(nil)
)

const (
	defaultMaxItems = 1000
	defaultPageSize = 100
)

type waitpointTokensDataSource struct {
	data *providerData
}

type waitpointTokensModel struct {
	Statuses       types.List   `tfsdk:"statuses"`
	Tags           types.List   `tfsdk:"tags"`
	TagsMatch      types.String `tfsdk:"tags_match"`
	IdempotencyKey types.String `tfsdk:"idempotency_key"`
	CreatedPeriod  types.String `tfsdk:"created_period"`
	CreatedFrom    types.String `tfsdk:"created_from"`
	CreatedTo      types.String `tfsdk:"created_to"`
	MaxItems       types.Number `tfsdk:"max_items"`
	PageSize       types.Number `tfsdk:"page_size"`
	IncludeOutput  types.Bool   `tfsdk:"include_output"`
	Tokens         types.List   `tfsdk:"tokens"`
	URLs           types.Map    `tfsdk:"urls"`
	IDs            types.List   `tfsdk:"ids"`
	HasMore        types.Bool   `tfsdk:"has_more"`
}

// NewWaitpointTokensDataSource is the `triggerdev_waitpoint_tokens` data source.
func NewWaitpointTokensDataSource() datasource.DataSource { return &waitpointTokensDataSource{} }

// tokensTypeName is the data source's type name, which the protocol server
// also routes on (server.go).
const tokensTypeName = providerTypeName + "_waitpoint_tokens"

func (d *waitpointTokensDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = tokensTypeName
}

func (d *waitpointTokensDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	createdBounds := []path.Expression{path.MatchRoot("created_from"), path.MatchRoot("created_to")}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Trigger.dev waitpoint tokens, newest first, filtered exactly: every token returned matches every filter.",
		Attributes: map[string]schema.Attribute{
			"statuses": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          statusListValidators(tokenStatuses...),
				MarkdownDescription: "Only tokens with one of these statuses: `WAITING`, `COMPLETED`, `TIMED_OUT`. Defaults to every status.",
			},
			"tags": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          tagFilterValidators(),
				MarkdownDescription: "Only tokens with these tags: any of them, or all of them when `tags_match` is `all`. A tag with a comma is refused: the service reads the filter as a comma-separated list, so no token could match it. Defaults to no tag filter.",
			},
			"tags_match": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{tagsMatchValidator()},
				MarkdownDescription: "How `tags` match: `any` (a token has at least one) or `all` (a token has every one). Defaults to `any`.",
			},
			"idempotency_key": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{idempotencyKeyValidator()},
				MarkdownDescription: "Only tokens created with this idempotency key (current or expired).",
			},
			"created_period": schema.StringAttribute{
				Optional: true,
				Validators: []validator.String{
					createdPeriodValidator(),
					stringvalidator.ConflictsWith(createdBounds...),
				},
				MarkdownDescription: "Only tokens created within this period before now, such as `24h`, `7d` or `1h30m` (units `ms`, `s`, `m`, `h`, `d`, `w`, `y`). Conflicts with `created_from` and `created_to`.",
			},
			"created_from": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{rfc3339Validator()},
				MarkdownDescription: "Only tokens created at or after this RFC 3339 time, exact at any precision. Defaults to no lower bound.",
			},
			"created_to": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{rfc3339Validator()},
				MarkdownDescription: "Only tokens created at or before this RFC 3339 time, exact at any precision; not before `created_from`. Defaults to no upper bound.",
			},
			"max_items": schema.NumberAttribute{
				Optional:            true,
				Validators:          []validator.Number{wholeNumberValidator{least: 1}},
				MarkdownDescription: fmt.Sprintf("The most tokens to return, a whole number; `has_more` tells whether more matched. Defaults to `%d`.", defaultMaxItems),
			},
			"page_size": schema.NumberAttribute{
				Optional:            true,
				Validators:          []validator.Number{wholeNumberValidator{least: 1, most: 100}},
				MarkdownDescription: fmt.Sprintf("Tokens per API request, from 1 to 100, for tuning. Defaults to `%d`.", defaultPageSize),
			},
			"include_output": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Also fetch each token's output (one more request per token). Defaults to `false`, when the output attributes of `tokens` are null.",
			},
			// A list of objects rather than nested attributes: the framework walks a
			// nested schema once per value, which cost a third of a 10,000-token plan.
			"tokens": schema.ListAttribute{
				Computed:    true,
				ElementType: types.ObjectType{AttrTypes: tokenAttrTypes},
				MarkdownDescription: "The matching tokens, newest first. Each has the attributes of the `triggerdev_waitpoint_token` data source " +
					"but `url` (see `urls`) and `wait`: " + tokenAttributeNames() + "; the four output attributes are null unless `include_output` is `true`.",
			},
			"urls": schema.MapAttribute{
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
				MarkdownDescription: "The callback URL of each token in `tokens`, by token id. Sensitive: a POST to a URL completes its token without an API key.",
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The ids of `tokens`, in the same order.",
			},
			"has_more": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether more tokens match the filters than `tokens` holds (at most `max_items`). It costs no extra request when the service filters exactly; " +
					"with `tags_match = \"all\"`, or several `statuses` with one of `COMPLETED` and `TIMED_OUT` but not the other, the service returns tokens the provider drops, " +
					"so the read goes on, page by page, until one more matching token or the end of the listing.",
			},
		},
	}
}

func (d *waitpointTokensDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses a created_from after created_to.
func (d *waitpointTokensDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var from, to types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("created_from"), &from)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("created_to"), &to)...)
	fromTime, toTime := timePointer(from), timePointer(to)
	if resp.Diagnostics.HasError() || fromTime == nil || toTime == nil {
		return
	}
	if fromTime.After(*toTime) {
		resp.Diagnostics.AddAttributeError(path.Root("created_to"), "created_to is before created_from",
			fmt.Sprintf("created_to %s must not be before created_from %s.", to.ValueString(), from.ValueString()))
	}
}

// Read is the fallback path: the protocol server answers this data source's
// reads itself (readTokensFast, server.go), and hands the framework only what
// the fast path declines, such as a configuration not wholly known.
func (d *waitpointTokensDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model waitpointTokensModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tokens, hasMore := readTokens(ctx, d.data, model, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(model.setResults(tokens, hasMore, model.IncludeOutput.ValueBool())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// readTokens lists what the configuration asks for, outputs included when it
// says so: the one read both the framework's path and the fast path make.
func readTokens(ctx context.Context, data *providerData, model waitpointTokensModel, diags *diag.Diagnostics) ([]client.Token, bool) {
	c, clientDiags := data.Client()
	diags.Append(clientDiags...)
	if diags.HasError() {
		return nil, false
	}
	tokens, hasMore, err := newTokenFilter(model).list(ctx, c)
	if err == nil && model.IncludeOutput.ValueBool() {
		err = fetchOutputs(ctx, c, tokens)
	}
	if err != nil {
		addClientError(diags, "list waitpoint tokens", err)
	}
	return tokens, hasMore
}

// setResults builds the computed attributes directly, without reflection: a list
// of thousands of tokens must stay cheap.
func (m *waitpointTokensModel) setResults(tokens []client.Token, hasMore, withOutput bool) diag.Diagnostics {
	var diags diag.Diagnostics
	objects := make([]attr.Value, len(tokens))
	ids := make([]attr.Value, len(tokens))
	urls := make(map[string]attr.Value, len(tokens))
	objectType := types.ObjectType{AttrTypes: tokenAttrTypes}
	for i, t := range tokens {
		values := listedTokenValues(i, t, withOutput, &diags)
		if diags.HasError() {
			return diags
		}
		obj, d := types.ObjectValue(tokenAttrTypes, values)
		diags.Append(d...)
		objects[i], ids[i], urls[t.ID] = obj, types.StringValue(t.ID), types.StringValue(t.URL)
	}
	m.Tokens = types.ListValueMust(objectType, objects)
	m.IDs = types.ListValueMust(types.StringType, ids)
	m.URLs = types.MapValueMust(types.StringType, urls)
	m.HasMore = types.BoolValue(hasMore)
	return diags
}

// listedTokenValues is tokenValues for the i-th token of `tokens`, an
// undecodable output reported at its path.
func listedTokenValues(i int, t client.Token, withOutput bool, diags *diag.Diagnostics) map[string]attr.Value {
	values, err := tokenValues(t, withOutput)
	if err != nil {
		diags.AddAttributeError(path.Root("tokens").AtListIndex(i).AtName(outputJSONName), "Undecodable waitpoint token output", err.Error())
	}
	return values
}
