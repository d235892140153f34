// Package client is a Go client for the Trigger.dev waitpoint-token API. It knows
// nothing of Terraform.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// DefaultBaseURL is the public Trigger.dev API.
const DefaultBaseURL = "https://api.trigger.dev"

// Defaults for the zero values of Config.
const (
	DefaultMaxRetries     = 3 // when Config.MaxRetries is nil
	DefaultRequestTimeout = 30 * time.Second
	DefaultMinRetryWait   = time.Second
	DefaultMaxRetryWait   = 60 * time.Second
	DefaultMaxBodyBytes   = 16 << 20
)

// MaxRetriesLimit is the most retries New accepts: with backoff doubling from
// MinRetryWait, more would hold one request for many minutes.
const MaxRetriesLimit = 10

// Config configures a Client. Zero values take the documented defaults; for
// MaxRetries, where 0 means "none", the default is nil.
type Config struct {
	BaseURL        string        // default DefaultBaseURL; a trailing slash is ignored
	APIKey         string        // sent as a bearer token; never logged
	UserAgent      string        // full User-Agent header value
	MaxRetries     *int          // retries after the first attempt, 0 to MaxRetriesLimit; nil: DefaultMaxRetries
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
	httpClient   *http.Client
	retry        retryPolicy
	gate         *rateGate
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		shown := cfg.BaseURL
		if cfg.APIKey != "" {
			shown = strings.ReplaceAll(shown, cfg.APIKey, "(API key)") // pasted in the wrong place
		}
		return nil, fmt.Errorf("base URL %q %w", shown, err)
	}
	if r := cfg.MaxRetries; r != nil && (*r < 0 || *r > MaxRetriesLimit) {
		return nil, fmt.Errorf("max_retries must be 0 to %d, got %d", MaxRetriesLimit, *r)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-triggerdev"
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Timeout: positiveOr(cfg.RequestTimeout, DefaultRequestTimeout)}
	}
	retry := newRetryPolicy(cfg)
	return &Client{
		baseURL:      strings.TrimSuffix(base.String(), "/"),
		apiKey:       cfg.APIKey,
		userAgent:    cfg.UserAgent,
		maxBodyBytes: cfg.MaxBodyBytes,
		httpClient:   httpClient,
		retry:        retry,
		gate:         &rateGate{maxWait: retry.maxWait},
	}, nil
}

// errInvalidBaseURL states the rule ParseBaseURL applies, without the URL, which
// may hold a key pasted in the wrong place.
var errInvalidBaseURL = errors.New("must be an absolute http:// or https:// URL without query or fragment")

// ParseBaseURL is the one rule for what a valid API base URL is, for the client
// and the provider block alike: http or https, a host, and no query or fragment,
// which the request paths appended to it would land behind.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, errInvalidBaseURL
	}
	return u, nil
}

// GetToken retrieves one token by id, output included.
func (c *Client) GetToken(ctx context.Context, id string) (Token, error) {
	operation := fmt.Sprintf("retrieve waitpoint token %q", id)
	if strings.Trim(id, ".") == "" { // "." and ".." would name another path
		return Token{}, fmt.Errorf("%s: the id is empty or only dots", operation)
	}
	var t Token
	err := c.get(ctx, operation, "/api/v1/waitpoints/tokens/"+url.PathEscape(id), nil, &t)
	// Retrieve returns tags in stored order, list sorted: one token reads the
	// same either way.
	slices.Sort(t.Tags)
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		apiErr.TokenID = id
	}
	if err == nil {
		err = c.resolveStoredOutput(ctx, &t)
	}
	return t, err
}

// get sends one GET (with retries) and decodes a JSON answer into out.
func (c *Client) get(ctx context.Context, operation, path string, query url.Values, out any) error {
	target := c.baseURL + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", operation, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	if err := c.gate.wait(ctx); err != nil {
		return fmt.Errorf("%s: %w", operation, err)
	}
	resp, err := c.send(req)
	if err != nil {
		if resp != nil { // a retry the policy refused still carries its answer
			err = c.withMessage(resp, err)
		}
		if netErr, ok := errors.AsType[net.Error](err); ok && netErr.Timeout() && ctx.Err() == nil {
			err = fmt.Errorf("no answer within the request timeout of %s: %w", FormatDuration(c.httpClient.Timeout), err)
		}
		return fmt.Errorf("%s: %w", operation, contextOr(ctx, err))
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := readBody(resp, c.maxBodyBytes)
	if err != nil {
		return fmt.Errorf("%s: %w", operation, contextOr(ctx, err))
	}
	defer body.release()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &APIError{StatusCode: resp.StatusCode, Message: errorMessage(resp.StatusCode, body.Bytes()), Operation: operation}
	}
	if err := decodeBody(body.Bytes(), out); err != nil {
		return fmt.Errorf("%s: malformed response body from %s (Content-Type %q): %w",
			operation, path, resp.Header.Get("Content-Type"), err)
	}
	return nil
}

// shaped is a response whose decoded value can tell whether it has the shape
// the API documents, so that a proxy's 200 is never read as an empty token.
type shaped interface{ checkShape() error }

// decodeBody decodes a JSON answer into out and checks its shape.
func decodeBody(body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		return err
	}
	if s, ok := out.(shaped); ok {
		return s.checkShape()
	}
	return nil
}

// withMessage adds the server's words to a WaitTooLongError, and closes resp.
func (c *Client) withMessage(resp *http.Response, err error) error {
	defer func() { _ = resp.Body.Close() }()
	tooLong, ok := errors.AsType[*WaitTooLongError](err)
	if !ok {
		return err
	}
	tooLong.Message = http.StatusText(resp.StatusCode)
	if body, readErr := readBody(resp, c.maxBodyBytes); readErr == nil {
		tooLong.Message = errorMessage(resp.StatusCode, body.Bytes())
		body.release()
	}
	return tooLong
}

// contextOr prefers the context's own error, so callers can test for
// context.Canceled or context.DeadlineExceeded whichever layer noticed it.
func contextOr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return err
}

func positiveOr[T ~int | ~int64](v, fallback T) T {
	if v > 0 {
		return v
	}
	return fallback
}

var errRepeatedCursor = errors.New("the service returned a cursor it had already returned")
