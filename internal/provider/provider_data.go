package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// providerData is what the provider's Configure hands to data sources: the client,
// or, when the API key is missing, nil, so that the error surfaces only when a data
// source actually reads.
type providerData struct {
	client *client.Client
	// unknown names the provider's attributes unknown at plan time: no
	// client then, and a read that happens fails naming them.
	unknown []string
}

// Client returns the configured client, or an error naming the attribute and the
// environment variable that would supply the missing key, or the attributes
// unknown at plan time.
func (d *providerData) Client() (*client.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d != nil && len(d.unknown) > 0 {
		for _, name := range d.unknown {
			diags.AddError("Unknown provider configuration value",
				fmt.Sprintf("The provider cannot read Trigger.dev while %s is unknown at plan time. Set it to a value known before apply (a variable, a literal or an environment variable), or apply the resource it comes from first with -target.", name))
		}
		return nil, diags
	}
	if d == nil || d.client == nil {
		diags.AddError("Missing Trigger.dev API key",
			"Set the provider's api_key attribute or the "+envAPIKey+" environment variable to a Trigger.dev secret key.")
	}
	if d == nil {
		return nil, diags
	}
	return d.client, diags
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
