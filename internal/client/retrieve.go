package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// GetToken retrieves one token by id, output included.
func (c *Client) GetToken(ctx context.Context, id string) (Token, error) {
	var t Token
	cl := call{operation: fmt.Sprintf("retrieve waitpoint token %q", id), method: http.MethodGet, path: tokenPath(id)}
	if err := c.onToken(ctx, cl, id, &t); err != nil {
		return Token{}, err
	}
	// Retrieve returns tags in stored order, list sorted: one token reads the
	// same either way.
	slices.Sort(t.Tags)
	return t, c.resolveStoredOutput(ctx, &t)
}

// onToken sends a call naming one token: it refuses an id that would name
// another path, and marks the service's refusal with the id, for UnknownToken.
func (c *Client) onToken(ctx context.Context, cl call, id string, out any) error {
	if strings.Trim(id, ".") == "" { // "." and ".." would name another path
		return fmt.Errorf("%s: the id is empty or only dots", cl.operation)
	}
	err := c.do(ctx, cl, out)
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		apiErr.TokenID = id
	}
	return err
}
