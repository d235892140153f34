package provider

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// addClientError turns an error from the client into one diagnostic: a clear
// summary for a missing token, a refused key or a wait that ended, the server's
// own message otherwise.
func addClientError(diags *diag.Diagnostics, action string, err error) {
	var apiErr *client.APIError
	var waitErr *waitError
	switch {
	case errors.As(err, &waitErr):
		diags.AddError("Waitpoint token did not reach the wanted status", fmt.Sprintf("Could not %s: %s.", action, err))
	case client.IsNotFound(err):
		diags.AddError("Waitpoint token not found", fmt.Sprintf("Could not %s: %s.", action, err))
	case errors.As(err, &apiErr) && (apiErr.StatusCode == 401 || apiErr.StatusCode == 403):
		diags.AddError("Trigger.dev refused the API key",
			fmt.Sprintf("Could not %s: %s. Check the provider's api_key (or %s) and api_url.", action, err, envAPIKey))
	default:
		diags.AddError("Trigger.dev API error", fmt.Sprintf("Could not %s: %s.", action, err))
	}
}
