package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// UnknownKeyError is TokenByIdempotencyKey's "not found": no token holds Key
// as its current, live idempotency key. A key that expired, or that a newer
// token took over, does not count.
type UnknownKeyError struct{ Key string }

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("no waitpoint token holds the idempotency key %q (an expired key does not count)", e.Key)
}

// TokenByIdempotencyKey returns the newest token whose current key is key and
// not expired, output included. filter[idempotencyKey] also matches expired
// keys, which list items show in place of the current one, so each candidate,
// newest first, is retrieved to see its current key (retrieve shows an
// expired one apart, as inactiveIdempotencyKey). A candidate whose key has
// expired by the list item's own idempotencyKeyExpiresAt is passed over
// unretrieved. When the newest candidate holds the key, that is one list
// request and one retrieve.
func (c *Client) TokenByIdempotencyKey(ctx context.Context, key string) (Token, error) {
	if key == "" {
		return Token{}, errors.New("find waitpoint token by idempotency key: the key is empty")
	}
	now := time.Now()
	for item, err := range c.ListTokens(ctx, ListParams{IdempotencyKey: key}).All() {
		if err != nil {
			return Token{}, err
		}
		if expired(item, now) {
			continue
		}
		t, err := c.GetToken(ctx, item.ID)
		if err != nil {
			return Token{}, err
		}
		if t.IdempotencyKey != nil && *t.IdempotencyKey == key && !expired(t, now) {
			return t, nil
		}
	}
	return Token{}, &UnknownKeyError{Key: key}
}

// expired reports whether the token's idempotency key expired by now.
func expired(t Token, now time.Time) bool {
	return t.IdempotencyKeyExpiresAt != nil && !now.Before(*t.IdempotencyKeyExpiresAt)
}
