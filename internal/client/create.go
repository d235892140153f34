package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
)

// GeneratedKeyPrefix starts every idempotency key the client makes up, so that
// such keys are told from a user's in the dashboard and in listings.
const GeneratedKeyPrefix = "terraform-"

// CreateTokenParams is what a new token gets. Zero values are not sent.
type CreateTokenParams struct {
	// IdempotencyKey names the token: a create with a live key returns the
	// token that holds it. Empty: the client generates one (GeneratedKeyPrefix
	// and 128 random bits), never sending "", which the service takes as one
	// key shared by every create that sends it.
	IdempotencyKey    string
	IdempotencyKeyTTL string   // how long the key stays live, e.g. 24h (^\d+[smhd]$); empty: for ever
	Timeout           string   // a duration (30m, 1h30m, 2w) or an RFC 3339 instant; empty: none
	Tags              []string // at most 10
}

// CreatedToken is the service's answer to a create.
type CreatedToken struct {
	ID string `json:"id"`
	// IsCached is true when a live idempotency key named an existing token,
	// which is returned unchanged: the new timeout and tags are not applied.
	IsCached bool `json:"isCached"`
	// URL is the callback URL, a capability: whoever holds it can complete
	// the token. Never log it.
	URL string `json:"url"`
	// IdempotencyKey is the key sent: the caller's, or the one generated.
	IdempotencyKey string `json:"-"`
}

func (t *CreatedToken) checkShape() error {
	if t.ID == "" {
		return errors.New("not a created waitpoint token: it has no id")
	}
	return nil
}

// createBody is the create request. Empty values are left out: the service
// refuses null, and an empty key would be one key shared by every create.
type createBody struct {
	IdempotencyKey    string   `json:"idempotencyKey"`
	IdempotencyKeyTTL string   `json:"idempotencyKeyTTL,omitempty"`
	Timeout           string   `json:"timeout,omitempty"`
	Tags              []string `json:"tags,omitempty"`
}

// CreateToken creates a WAITING token, as the SDK's wait.createToken does. It
// always sends an idempotency key, so that a retry of a create whose answer
// was lost (a 5xx, a reset connection) returns the token the first attempt
// made instead of making a second one: every retry sends the same body.
func (c *Client) CreateToken(ctx context.Context, p CreateTokenParams) (CreatedToken, error) {
	key := p.IdempotencyKey
	if key == "" {
		key = generateKey()
	}
	body := jsonBody(createBody{IdempotencyKey: key, IdempotencyKeyTTL: p.IdempotencyKeyTTL, Timeout: p.Timeout, Tags: p.Tags})
	operation := fmt.Sprintf("create waitpoint token with idempotency key %q", key)
	var created CreatedToken
	if err := c.post(ctx, operation, tokensPath, body, &created); err != nil {
		return CreatedToken{}, err
	}
	created.IdempotencyKey = key
	return created, nil
}

// generateKey makes an idempotency key no one else will send.
func generateKey() string {
	random := make([]byte, 16)
	_, _ = rand.Read(random) // never fails: it crashes the program instead
	return GeneratedKeyPrefix + hex.EncodeToString(random)
}
