package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure        = (*waitpointTokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigValidators = (*waitpointTokenEphemeralResource)(nil)
)

// waitpointTokenEphemeralResource is the data source's read, kept out of state
// and plan: the callback URL and the output can be used without being stored.
type waitpointTokenEphemeralResource struct {
	data *providerData
}

// NewWaitpointTokenEphemeralResource is the `triggerdev_waitpoint_token` ephemeral resource.
func NewWaitpointTokenEphemeralResource() ephemeral.EphemeralResource {
	return &waitpointTokenEphemeralResource{}
}

func (r *waitpointTokenEphemeralResource) Metadata(_ context.Context, _ ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = tokenTypeName
}

func (r *waitpointTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	ds := waitpointTokenSchema()
	resp.Schema = schema.Schema{
		MarkdownDescription: ds.MarkdownDescription + " As an ephemeral resource, nothing it returns, the callback `url` included, " +
			"is written to state or plan. Needs Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: ephemeralAttributes(ds.Attributes),
	}
}

func (r *waitpointTokenEphemeralResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{ephemeralvalidator.ExactlyOneOf(tokenRefPaths...)}
}

func (r *waitpointTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *waitpointTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var model waitpointTokenReadModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(model.read(ctx, r.data)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Result.Set(ctx, &model)...)
	}
}
