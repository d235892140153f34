// Package client is a Go client for the Trigger.dev waitpoint-token API. It knows
// nothing of Terraform.
package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the public Trigger.dev API.
const DefaultBaseURL = "https://api.trigger.dev"

// tokensPath is the waitpoint tokens' endpoint: list and create.
const tokensPath = "/api/v1/waitpoints/tokens"

// tokenPath is one token's endpoint, the id kept one path segment.
func tokenPath(id string) string { return tokensPath + "/" + url.PathEscape(id) }

// Defaults for the zero values of Config.
const (
	DefaultMaxRetries     = 3 // when Config.MaxRetries is nil
	DefaultRequestTimeout = 30 * time.Second
	DefaultMinRetryWait   = time.Second
	DefaultMaxRetryWait   = 60 * time.Second
	// DefaultMaxBodyBytes bounds an API answer. The largest is a retrieve: an
	// output held inline is under 512 KiB (larger ones are stored apart, see
	// MaxStoredOutputBytes), at most 3 MiB once JSON-escaped (6 bytes, \u0000,
	// for a control character of a text output), plus a few KiB of other fields.
	DefaultMaxBodyBytes = 16 << 20
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

func positiveOr[T ~int | ~int64](v, fallback T) T {
	if v > 0 {
		return v
	}
	return fallback
}

var errRepeatedCursor = errors.New("the service returned a cursor it had already returned")
