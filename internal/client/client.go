// Package client is a Go client for the Trigger.dev waitpoint-token API. It knows
// nothing of Terraform.
package client

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"time"
)

// DefaultBaseURL is the public Trigger.dev API.
const DefaultBaseURL = "https://api.trigger.dev"

// Config configures a Client. Zero values take the documented defaults.
type Config struct {
	BaseURL        string        // default DefaultBaseURL
	APIKey         string        // sent as a bearer token; never logged
	UserAgent      string        // full User-Agent header value
	MaxRetries     int           // retries after the first attempt; default 3, negative means none
	RequestTimeout time.Duration // per attempt; default 30s
	MaxRetryWait   time.Duration // cap on any one wait between attempts, whatever a header asks; default 60s
	MaxBodyBytes   int64         // cap on a response body; default 16 MiB
	HTTPClient     *http.Client  // default: a fresh client with the RequestTimeout
}

// Client talks to the API. It is safe for concurrent use.
type Client struct {
	cfg Config
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	return &Client{cfg: cfg}, nil
}

// GetToken retrieves one token by id, output included.
func (c *Client) GetToken(ctx context.Context, id string) (Token, error) {
	return Token{}, errors.New("not implemented")
}

// ListTokens iterates over the tokens matching p, newest first, following
// pagination.next page by page until it is absent or the caller stops. An error
// ends the sequence.
func (c *Client) ListTokens(ctx context.Context, p ListParams) iter.Seq2[Token, error] {
	return func(yield func(Token, error) bool) {
		yield(Token{}, errors.New("not implemented"))
	}
}
