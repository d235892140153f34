package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var (
	_ list.ListResourceWithConfigure      = (*waitpointTokenListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*waitpointTokenListResource)(nil)
)

// listFilterNames are the list data source's filters the list resource
// takes; `limit` of the list block stands for max_items.
var listFilterNames = []string{"statuses", "tags", "tags_match", "idempotency_key", "created_period", "created_from", "created_to", "page_size"}

// waitpointTokenListResource lists tokens for `terraform query`, with the
// list data source's filters and listing code, as identities that import
// blocks take.
type waitpointTokenListResource struct {
	data *providerData
}

// NewWaitpointTokenListResource is the `triggerdev_waitpoint_token` list resource.
func NewWaitpointTokenListResource() list.ListResource { return &waitpointTokenListResource{} }

// tokenListModel is the list block's configuration: the filters.
type tokenListModel struct {
	Statuses       types.List   `tfsdk:"statuses"`
	Tags           types.List   `tfsdk:"tags"`
	TagsMatch      types.String `tfsdk:"tags_match"`
	IdempotencyKey types.String `tfsdk:"idempotency_key"`
	CreatedPeriod  types.String `tfsdk:"created_period"`
	CreatedFrom    types.String `tfsdk:"created_from"`
	CreatedTo      types.String `tfsdk:"created_to"`
	PageSize       types.Number `tfsdk:"page_size"`
}

func (r *waitpointTokenListResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = tokenTypeName
}

func (r *waitpointTokenListResource) ListResourceConfigSchema(ctx context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	var tokens datasource.SchemaResponse
	(&waitpointTokensDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &tokens)
	attrs := make(map[string]schema.Attribute, len(listFilterNames))
	for _, name := range listFilterNames {
		attrs[name] = listAttribute(name, tokens.Schema.Attributes[name])
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Trigger.dev waitpoint tokens for `terraform query` (Terraform 1.14 or later), newest first, with the filters of the " +
			"`triggerdev_waitpoint_tokens` data source (`limit` is its `max_items`), as identities that `import` blocks take.",
		Attributes: attrs,
	}
}

func (r *waitpointTokenListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateListResourceConfig is the list data source's own check.
func (r *waitpointTokenListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var checked datasource.ValidateConfigResponse
	(&waitpointTokensDataSource{}).ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: req.Config}, &checked)
	resp.Diagnostics.Append(checked.Diagnostics...)
}

func (r *waitpointTokenListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config tokenListModel
	diags := req.Config.Get(ctx, &config)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	tokens, _ := readTokens(ctx, r.data, config.filters(req.Limit, req.IncludeResource), &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for _, token := range tokens {
			if !push(listResult(ctx, req, token)) {
				return
			}
		}
	}
}

// filters is the list data source's configuration with these filters, at
// most limit tokens, outputs included when the resources are wanted.
func (m tokenListModel) filters(limit int64, withOutput bool) waitpointTokensModel {
	maxItems := types.NumberNull()
	if limit > 0 {
		maxItems = types.NumberValue(new(big.Float).SetInt64(limit))
	}
	return waitpointTokensModel{
		Statuses: m.Statuses, Tags: m.Tags, TagsMatch: m.TagsMatch, IdempotencyKey: m.IdempotencyKey,
		CreatedPeriod: m.CreatedPeriod, CreatedFrom: m.CreatedFrom, CreatedTo: m.CreatedTo,
		PageSize: m.PageSize, MaxItems: maxItems, IncludeOutput: types.BoolValue(withOutput),
	}
}

// listResult is one token's identity, and its resource as an import would
// read it when the query asks for resources.
func listResult(ctx context.Context, req list.ListRequest, token client.Token) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = fmt.Sprintf("%s (%s)", token.ID, token.Status)
	result.Diagnostics.Append(result.Identity.Set(ctx, tokenIdentityModel{ID: types.StringValue(token.ID)})...)
	if req.IncludeResource {
		model := waitpointTokenResourceModel{ID: types.StringValue(token.ID)}
		model.IdempotencyKey, model.Tags = types.StringNull(), types.ListNull(types.StringType)
		result.Diagnostics.Append(model.refresh(ctx, token)...)
		result.Diagnostics.Append(result.Resource.Set(ctx, &model)...)
	}
	return result
}
