package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// providerData is what the provider's Configure hands to data sources: the client,
// or, when the API key is missing, nil, so that the error surfaces only when a data
// source actually reads.
type providerData struct {
	client *client.Client
}

// Client returns the configured client, or an error naming the attribute and the
// environment variable that would supply the missing key.
func (d *providerData) Client() (*client.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil || d.client == nil {
		diags.AddError("Missing Trigger.dev API key",
			"Set the provider's api_key attribute or the "+envAPIKey+" environment variable to a Trigger.dev secret key.")
	}
	if d == nil {
		return nil, diags
	}
	return d.client, diags
}

// providerDataFrom is the shared body of every data source's Configure.
func providerDataFrom(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *providerData {
	return providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// providerDataOf is what every kind of Configure shares: the provider's data, or
// nil before the provider is configured (Configure runs then, too).
func providerDataOf(providerValue any, diags *diag.Diagnostics) *providerData {
	if providerValue == nil {
		return nil
	}
	data, ok := providerValue.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", providerValue))
		return nil
	}
	return data
}
