package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*waitpointTokenDataSource)(nil)

type waitpointTokenDataSource struct {
	data *providerData
}

// NewWaitpointTokenDataSource is the `triggerdev_waitpoint_token` data source.
func NewWaitpointTokenDataSource() datasource.DataSource { return &waitpointTokenDataSource{} }

func (d *waitpointTokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_waitpoint_token"
}

func (d *waitpointTokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = waitpointTokenSchema()
}

// waitpointTokenSchema is the one definition of a single token's arguments and
// attributes, for the data source and (converted) the ephemeral resource.
func waitpointTokenSchema() schema.Schema {
	attrs := tokenSchemaAttributes()
	attrs["id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The token's id, such as `waitpoint_abc123`.",
		Validators:          []validator.String{tokenIDValidator()},
	}
	attrs["url"] = schema.StringAttribute{
		Computed:            true,
		Sensitive:           true,
		MarkdownDescription: "The token's callback URL: a POST to it completes the token without an API key, so it is a secret.",
	}
	attrs["wait"] = waitSchemaAttribute()
	return schema.Schema{
		MarkdownDescription: "Reads one Trigger.dev waitpoint token, optionally waiting until it is completed or times out.",
		Attributes:          attrs,
	}
}

func (d *waitpointTokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req, resp)
}

func (d *waitpointTokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	values, diags := readTokenAttributes(ctx, req.Config, d.data)
	resp.Diagnostics.Append(diags...)
	for name, v := range values {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// readTokenAttributes reads (or waits for) the token config names, and returns
// every attribute of waitpointTokenSchema: the data source and the ephemeral
// resource differ only in where they put them.
func readTokenAttributes(ctx context.Context, config tfsdk.Config, data *providerData) (map[string]attr.Value, diag.Diagnostics) {
	var configID types.String
	var wait *waitConfig
	diags := config.GetAttribute(ctx, path.Root("id"), &configID)
	diags.Append(config.GetAttribute(ctx, path.Root("wait"), &wait)...)
	c, clientDiags := data.Client()
	diags.Append(clientDiags...)
	if diags.HasError() {
		return nil, diags
	}
	token, readDiags := readToken(ctx, c, configID.ValueString(), wait)
	diags.Append(readDiags...)
	if diags.HasError() {
		return nil, diags
	}
	values, err := tokenValues(token, true)
	if err != nil {
		diags.AddAttributeError(path.Root("output_json"), "Undecodable waitpoint token output", err.Error())
		return nil, diags
	}
	values["url"] = types.StringValue(token.URL)
	values["id"] = configID // as configured: the service also accepts the id without its prefix
	return values, diags
}

// readToken retrieves a token once, or polls it as wait says.
func readToken(ctx context.Context, c *client.Client, id string, wait *waitConfig) (client.Token, diag.Diagnostics) {
	var diags diag.Diagnostics
	if wait == nil {
		token, err := c.GetToken(ctx, id)
		if err != nil {
			addClientError(&diags, fmt.Sprintf("read waitpoint token %q", id), err)
		}
		return token, diags
	}
	settings, diags := newWaitSettings(ctx, path.Root("wait"), wait.Statuses, wait.Timeout, wait.Interval,
		[]client.Status{client.StatusCompleted, client.StatusTimedOut})
	if diags.HasError() {
		return client.Token{}, diags
	}
	token, err := waitForToken(ctx, c, id, settings)
	if err != nil {
		addClientError(&diags, fmt.Sprintf("wait for waitpoint token %q", id), err)
	}
	return token, diags
}
