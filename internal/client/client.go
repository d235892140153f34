// Package client is a Go client for the Trigger.dev waitpoint-token API. It knows
// nothing of Terraform.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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
	MinRetryWait   time.Duration // the first backoff; default 1s, doubling from there
	MaxRetryWait   time.Duration // cap on any one wait between attempts, whatever a header asks; default 60s
	MaxBodyBytes   int64         // cap on a response body; default 16 MiB
	HTTPClient     *http.Client  // default: a fresh client with the RequestTimeout
}

// Client talks to the API. It is safe for concurrent use.
type Client struct {
	baseURL      string
	apiKey       string
	userAgent    string
	maxBodyBytes int64
	gate         *rateGate
	http         *retryablehttp.Client
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute http(s) URL", cfg.BaseURL)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-triggerdev"
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 16 << 20
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 60 * time.Second
	}
	gate := &rateGate{maxWait: cfg.MaxRetryWait}
	return &Client{
		baseURL:      strings.TrimSuffix(base.String(), "/"),
		apiKey:       cfg.APIKey,
		userAgent:    cfg.UserAgent,
		maxBodyBytes: cfg.MaxBodyBytes,
		gate:         gate,
		http:         newRetryingClient(cfg, gate),
	}, nil
}

// GetToken retrieves one token by id, output included.
func (c *Client) GetToken(ctx context.Context, id string) (Token, error) {
	var t Token
	err := c.get(ctx, fmt.Sprintf("retrieve waitpoint token %q", id), "/api/v1/waitpoints/tokens/"+url.PathEscape(id), nil, &t)
	return t, err
}

// get sends one GET (with retries) and decodes a JSON answer into out.
func (c *Client) get(ctx context.Context, operation, path string, query url.Values, out any) error {
	target := c.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := retryablehttp.NewRequestWithContext(withRetryBudget(ctx), http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", operation, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	if err := c.gate.wait(ctx); err != nil {
		return fmt.Errorf("%s: %w", operation, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%s: %w", operation, ctxErr)
		}
		return fmt.Errorf("%s: %w", operation, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := c.readBody(resp)
	if err != nil {
		return fmt.Errorf("%s: %w", operation, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &APIError{StatusCode: resp.StatusCode, Message: errorMessage(resp, body), Operation: operation}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: malformed response body: %w", operation, err)
	}
	return nil
}

// readBody reads at most maxBodyBytes, so a runaway answer cannot exhaust memory.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading response body: %w", err)
	}
	if int64(len(body)) > c.maxBodyBytes {
		return nil, fmt.Errorf("response body exceeds %d bytes", c.maxBodyBytes)
	}
	return body, nil
}

// errorMessage finds the server's words for a failure: the `error` field (with
// its details), a problem+json detail or title, else the status text.
func errorMessage(resp *http.Response, body []byte) string {
	var e struct {
		Error   string          `json:"error"`
		Details json.RawMessage `json:"details"`
		Detail  string          `json:"detail"`
		Title   string          `json:"title"`
	}
	_ = json.Unmarshal(body, &e)
	switch {
	case e.Error != "" && len(e.Details) > 0 && string(e.Details) != "null":
		return e.Error + ": " + string(e.Details)
	case e.Error != "":
		return e.Error
	case e.Detail != "":
		return e.Detail
	case e.Title != "":
		return e.Title
	}
	return http.StatusText(resp.StatusCode)
}

var errRepeatedCursor = errors.New("the service returned a cursor it had already returned")
