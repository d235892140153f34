// Package provider is the Terraform-facing side of the Trigger.dev provider.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = (*triggerdevProvider)(nil)

type triggerdevProvider struct {
	version string
}

// New returns a constructor of the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &triggerdevProvider{version: version} }
}

func (p *triggerdevProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "triggerdev"
	resp.Version = p.version
}

func (p *triggerdevProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

func (p *triggerdevProvider) Configure(_ context.Context, _ provider.ConfigureRequest, _ *provider.ConfigureResponse) {
}

func (p *triggerdevProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		// NewWaitpointTokenDataSource,
		// NewWaitpointTokensDataSource,
	}
}

func (p *triggerdevProvider) Resources(_ context.Context) []func() resource.Resource { return nil }
