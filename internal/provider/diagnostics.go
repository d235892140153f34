package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// addClientError turns an error from the client into one diagnostic: a clear
// summary for a missing token, a refused key or a wait that ended, the server's
// own message otherwise, each naming the operation once.
func addClientError(diags *diag.Diagnostics, action string, err error) {
	var waitErr *waitError
	apiErr, isAPIError := errors.AsType[*client.APIError](err)
	// The operation is named by action already: the client's own name for
	// it goes, where the two are the same words.
	reason := strings.TrimPrefix(err.Error(), action+": ")
	if isAPIError {
		reason = apiErr.Reply()
	}
	if errors.Is(err, context.Canceled) {
		// Ctrl-C, or Terraform stopping the provider: nothing failed.
		detail := fmt.Sprintf("Stopped trying to %s: the operation was interrupted.", action)
		if interrupted, ok := errors.AsType[*interruptedError](err); ok && interrupted.leftAs != "" {
			detail += " " + interrupted.leftAs + "."
		}
		diags.AddError("Interrupted", detail)
		return
	}
	if unknownKey, ok := errors.AsType[*client.UnknownKeyError](err); ok {
		addUnknownKeyError(diags, unknownKey.Key, "Check the key, or let this run only once the token is created.")
		return
	}
	if unknown, ok := client.UnknownToken(err); ok {
		summary, detail := unknownTokenMessage(unknown)
		diags.AddError(summary, detail)
		return
	}
	if unknown, ok := client.UnknownRun(err); ok {
		diags.AddError("Run not found", fmt.Sprintf(
			"No run %q exists in the environment of the API key (Trigger.dev answered %s). %s",
			unknown.RunID, unknown.Reply(), environmentHint(runGate.short)))
		return
	}
	switch {
	case errors.As(err, &waitErr):
		diags.AddError(capitalized(waitErr.noun)+" did not reach the wanted status", fmt.Sprintf("Could not %s: %s.", action, err))
	case isAPIError && (apiErr.StatusCode == 401 || apiErr.StatusCode == 403):
		diags.AddError("Trigger.dev refused the API key",
			fmt.Sprintf("Could not %s: %s. Check the provider's api_key (or %s) and api_url.", action, reason, envAPIKey))
	default:
		diags.AddError("Trigger.dev API error", fmt.Sprintf("Could not %s: %s.", action, reason))
	}
}

// addUnknownKeyError reports that no token holds key, with advice fit for
// the reader: only one with a `wait` of its own can wait for the token.
func addUnknownKeyError(diags *diag.Diagnostics, key, advice string) {
	diags.AddError("Waitpoint token not found", fmt.Sprintf(
		"No waitpoint token holds the idempotency key %q in the environment of the API key (a key that expired, or that a newer token took over, does not count). %s %s",
		key, advice, environmentHint(tokenGate.short)))
}

// environmentHint says why a thing that exists, a token or a run (its
// kind's short noun), may not be found.
func environmentHint(short string) string {
	return capitalized(short) + "s belong to one environment of a project, and so do API keys (`tr_dev_…`, `tr_prod_…`): " +
		"a key of another environment than the " + short + "'s is the usual cause."
}

// unknownTokenMessage explains a retrieve answered 404, or 500 as the real
// service answers an id its environment does not have.
func unknownTokenMessage(apiErr *client.APIError) (string, string) {
	if apiErr.StatusCode == http.StatusNotFound {
		return "Waitpoint token not found", fmt.Sprintf(
			"No waitpoint token %q exists in the environment of the API key (Trigger.dev answered %s). %s",
			apiErr.TokenID, apiErr.Reply(), environmentHint(tokenGate.short))
	}
	return "Waitpoint token not found, or Trigger.dev failing", fmt.Sprintf(
		"Trigger.dev answered %s to a read of waitpoint token %q. It answers so when no such token exists "+
			"in the environment of the API key, so the token most likely does not exist there; otherwise the service is failing. %s",
		apiErr.Reply(), apiErr.TokenID, environmentHint(tokenGate.short))
}
