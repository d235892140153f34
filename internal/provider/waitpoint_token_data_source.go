package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure        = (*waitpointTokenDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*waitpointTokenDataSource)(nil)
)

type waitpointTokenDataSource struct {
	data *providerData
}

// NewWaitpointTokenDataSource is the `triggerdev_waitpoint_token` data source.
func NewWaitpointTokenDataSource() datasource.DataSource { return &waitpointTokenDataSource{} }

func (d *waitpointTokenDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = tokenTypeName
}

func (d *waitpointTokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = waitpointTokenSchema()
}

// waitpointTokenSchema is the one definition of a single token's arguments and
// attributes, for the data source and (converted) the ephemeral resource.
func waitpointTokenSchema() schema.Schema {
	attrs := tokenSchemaAttributes()
	// A token is named by its id or by its idempotency key; the other one is read.
	attrs["id"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		MarkdownDescription: tokenIDDescription + " Exactly one of `id` and `idempotency_key` must be set; the other is read from the token.",
		Validators:          []validator.String{tokenIDValidator()},
	}
	attrs["idempotency_key"] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: tokenRefKeyDescription + " With `wait`, a token not created yet is waited for, one request a poll; without, it is an error naming the key. " +
			"When `id` is set, the key the token was created with; null when the service reports none.",
		Validators: []validator.String{idempotencyKeyValidator()},
	}
	attrs["url"] = schema.StringAttribute{
		Computed:            true,
		Sensitive:           true,
		MarkdownDescription: "The token's callback URL: a POST to it completes the token without an API key, so it is a secret.",
	}
	attrs["wait"] = tokenGate.waitSchemaAttribute("The statuses to wait for: `WAITING`, `COMPLETED` or `TIMED_OUT`. Defaults to any status but `WAITING` (`COMPLETED` and `TIMED_OUT`).")
	return schema.Schema{
		MarkdownDescription: "Reads one Trigger.dev waitpoint token, optionally waiting until it is completed or times out.",
		Attributes:          attrs,
	}
}

func (d *waitpointTokenDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(tokenRefPaths...)}
}

func (d *waitpointTokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *waitpointTokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model waitpointTokenReadModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(model.read(ctx, d.data)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	}
}

// waitpointTokenReadModel is waitpointTokenSchema's model: the one way in of
// the data source and the ephemeral resource, which differ only in where they
// put what they read.
type waitpointTokenReadModel struct {
	ID   types.String `tfsdk:"id"`
	URL  types.String `tfsdk:"url"`
	Wait *waitConfig  `tfsdk:"wait"`
	tokenModel
}

// read reads (or waits for) the token the model names, and fills in the rest.
func (m *waitpointTokenReadModel) read(ctx context.Context, data *providerData) diag.Diagnostics {
	c, diags := data.Client()
	if diags.HasError() {
		return diags
	}
	ref, diags := configuredRef(ctx, m.ID, m.IdempotencyKey)
	if diags.HasError() {
		return diags
	}
	token, diags := readToken(ctx, c, ref, m.Wait)
	if diags.HasError() {
		return diags
	}
	m.tokenModel, diags = newTokenModel(ctx, token)
	m.URL = types.StringValue(token.URL)
	if m.ID.IsNull() { // a configured id stays as it is: the service also accepts the id without its prefix
		m.ID = types.StringValue(token.ID)
	}
	return diags
}

// readToken retrieves a token once, or polls it as wait says.
func readToken(ctx context.Context, c *client.Client, ref tokenRef, wait *waitConfig) (client.Token, diag.Diagnostics) {
	var diags diag.Diagnostics
	if wait == nil {
		token, _, err := ref.fetch(ctx, c)
		if unknownKey, ok := errors.AsType[*client.UnknownKeyError](err); ok {
			addUnknownKeyError(&diags, unknownKey.Key, "Wait for the token to be created with the `wait` setting, or check the key.")
		} else if err != nil {
			addClientError(&diags, fmt.Sprintf("read waitpoint token %s", ref), err)
		}
		return token, diags
	}
	settings, diags := wait.settings(ctx, path.Root("wait"), tokenGate.waitKind,
		[]string{string(client.StatusCompleted), string(client.StatusTimedOut)})
	if diags.HasError() {
		return client.Token{}, diags
	}
	token, err := waitForToken(ctx, c, ref, settings)
	if err != nil {
		addClientError(&diags, fmt.Sprintf("wait for waitpoint token %s", ref), err)
	}
	return token, diags
}
