package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// tokenGate is the gate's view of a waitpoint token: the wait action, the
// wait resource and the data source's `wait` poll tokens through it.
var tokenGate = gateKind[client.Token]{
	waitKind: waitKind{
		noun:     "waitpoint token",
		short:    "token",
		answered: "is answered",
		statuses: tokenStatuses,
		final:    func(status string) bool { return status != string(client.StatusWaiting) }, // COMPLETED and TIMED_OUT never change again
		success:  string(client.StatusCompleted),
		statusesDescription: "The statuses that let the apply go on: `WAITING`, `COMPLETED` or `TIMED_OUT`. " +
			"A listed status is always a success, a listed `TIMED_OUT` included. Defaults to `COMPLETED`.",
	},
	status:        func(t client.Token) string { return string(t.Status) },
	outputIsError: func(t client.Token) bool { return t.OutputIsError != nil && *t.OutputIsError },
	outputJSON:    client.Token.OutputJSON,
}

// tokenGateModel is the arguments of a gate on a token: which token, by id
// or idempotency key, and the gate's.
type tokenGateModel struct {
	ID             types.String `tfsdk:"id"`
	IdempotencyKey types.String `tfsdk:"idempotency_key"`
	gateModel
}

// poll is the wait loop's read of the token r names. A token named by a key
// that no token holds yet is the zero token, and the wait goes on; once found,
// it is read by its id (one request instead of a list and a retrieve).
func (r tokenRef) poll(c *client.Client) poller[client.Token] {
	return func(ctx context.Context) (client.Token, error) {
		token, next, err := r.fetch(ctx, c)
		switch {
		case err == nil:
			r = next
		case notCreatedYet(err):
			return client.Token{}, nil
		}
		return token, err
	}
}

// waitForToken is the one wait loop on the token ref names.
func waitForToken(ctx context.Context, c *client.Client, ref tokenRef, s waitSettings) (client.Token, error) {
	return tokenGate.wait(ctx, ref.String(), ref.poll(c), s)
}
