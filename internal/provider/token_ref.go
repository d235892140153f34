package provider

import (
	"context"
	"errors"
	"fmt"

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
