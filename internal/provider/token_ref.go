package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// tokenRef names a token the way a configuration does: by its id, or by an
// idempotency key, meaning the newest token whose current key it is.
type tokenRef struct {
	id, key string
}

func (r tokenRef) String() string {
	if r.key != "" {
		return fmt.Sprintf("with idempotency key %q", r.key)
	}
	return fmt.Sprintf("%q", r.id)
}

// found names the token with id that the reference found: a key alone does
// not say which token the user's task holds.
func (r tokenRef) found(id string) string {
	if r.key == "" {
		return r.String()
	}
	return fmt.Sprintf("%q (idempotency key %q)", id, r.key)
}

// fetch reads the token once. A token found by key is read by its id from
// then on (one request instead of a list and a retrieve): fetch returns the
// reference to use next.
func (r tokenRef) fetch(ctx context.Context, c *client.Client) (client.Token, tokenRef, error) {
	if r.key == "" {
		token, err := c.GetToken(ctx, r.id)
		return token, r, err
	}
	token, err := c.TokenByIdempotencyKey(ctx, r.key)
	if err != nil {
		return token, r, err
	}
	return token, tokenRef{id: token.ID}, nil
}

// notCreatedYet reports whether err says that no token holds the reference's
// key yet: a wait goes on, a single read fails.
func notCreatedYet(err error) bool {
	_, ok := errors.AsType[*client.UnknownKeyError](err)
	return ok
}

// The descriptions of the two ways a configuration names a token, which
// each kind completes with what it does with a key no token holds yet.
const (
	tokenIDDescription     = "The token's id, such as `waitpoint_abc123`."
	tokenRefIDDescription  = tokenIDDescription + " Exactly one of `id` and `idempotency_key` must be set."
	tokenRefKeyDescription = "Instead of `id`: the idempotency key of the token, such as `release-42`, meaning the newest token whose current, live key it is."
)

// tokenRefPaths are the two ways a configuration names a token, exactly one of
// which is set: the config validators of every kind that reads a token.
var tokenRefPaths = []path.Expression{path.MatchRoot("id"), path.MatchRoot("idempotency_key")}

// configuredRef is the token that a configuration's id or idempotency_key
// names, checked again when the value is used: the framework's checks skip a
// value unknown at validation (from a variable or another resource).
func configuredRef(ctx context.Context, id, key types.String) (tokenRef, diag.Diagnostics) {
	var diags diag.Diagnostics
	if id.IsNull() == key.IsNull() {
		diags.AddError("Invalid Attribute Combination", "Exactly one of these attributes must be configured: [id,idempotency_key]. "+
			"id names one token, idempotency_key the newest token whose current key it is.")
		return tokenRef{}, diags
	}
	diags.Append(checkString(ctx, path.Root("id"), id, tokenIDValidator())...)
	diags.Append(checkString(ctx, path.Root("idempotency_key"), key, idempotencyKeyValidator())...)
	return tokenRef{id: id.ValueString(), key: key.ValueString()}, diags
}
