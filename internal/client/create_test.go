package client_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// creates sits in front of the mock and records the body of every create
// and every trigger.
type creates struct {
	mock   *mockapi.Server
	mu     sync.Mutex
	bodies []string
}

func (c *creates) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && (r.URL.Path == "/api/v1/waitpoints/tokens" || strings.HasSuffix(r.URL.Path, "/trigger")) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		c.mu.Lock()
		c.bodies = append(c.bodies, string(body))
		c.mu.Unlock()
	}
	c.mock.ServeHTTP(w, r)
}

func (c *creates) sent() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.bodies)
}

// newCreates starts a mock with no tokens behind a creates recorder.
func newCreates(t *testing.T) (*creates, *client.Client, string) {
	t.Helper()
	return newRecorded(t, mockapi.Options{})
}

// newRecorded starts a mock with opts (the test key and seed added) behind a
// creates recorder.
func newRecorded(t *testing.T, opts mockapi.Options) (*creates, *client.Client, string) {
	t.Helper()
	opts.APIKey, opts.Seed = testKey, 7
	rec := &creates{mock: mockapi.New(opts)}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, newClient(t, srv.URL, client.Config{}), srv.URL
}

func TestCreateToken(t *testing.T) {
	cases := []struct {
		name     string
		params   client.CreateTokenParams
		wantBody string // with KEY for a generated key
		check    func(t *testing.T, tok mockapi.Token)
	}{
		{
			name:     "every parameter",
			params:   client.CreateTokenParams{IdempotencyKey: "release-42", IdempotencyKeyTTL: "1h", Timeout: "30m", Tags: []string{"deploy:prod", "approval"}},
			wantBody: `{"idempotencyKey":"release-42","idempotencyKeyTTL":"1h","timeout":"30m","tags":["deploy:prod","approval"]}`,
			check: func(t *testing.T, tok mockapi.Token) {
				if tok.IdempotencyKeyExpiresAt == nil || !tok.IdempotencyKeyExpiresAt.Equal(tok.CreatedAt.Add(time.Hour)) ||
					tok.TimeoutAt == nil || tok.TimeoutAt.Sub(tok.CreatedAt).Round(time.Second) != 30*time.Minute ||
					!slices.Equal(tok.Tags, []string{"deploy:prod", "approval"}) {
					t.Errorf("the mock's token %+v lacks the key's TTL, the timeout or the tags", tok)
				}
			},
		},
		{
			name:     "no parameters: a generated key, nothing else",
			wantBody: `{"idempotencyKey":"KEY"}`,
			check: func(t *testing.T, tok mockapi.Token) {
				random, found := strings.CutPrefix(tok.IdempotencyKey, client.GeneratedKeyPrefix)
				if decoded, err := hex.DecodeString(random); !found || err != nil || len(decoded) != 16 {
					t.Errorf("generated key %q: want %s and 32 hex digits", tok.IdempotencyKey, client.GeneratedKeyPrefix)
				}
				if tok.IdempotencyKeyExpiresAt != nil || tok.TimeoutAt != nil || len(tok.Tags) != 0 {
					t.Errorf("the mock's token %+v has values no one asked for", tok)
				}
			},
		},
		{
			name:     "characters HTML would escape are sent as they are",
			params:   client.CreateTokenParams{IdempotencyKey: "a<b>&c", Tags: []string{"x&y"}},
			wantBody: `{"idempotencyKey":"a<b>&c","tags":["x&y"]}`,
			check:    func(*testing.T, mockapi.Token) {},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, c, url := newCreates(t)
			created, err := c.CreateToken(context.Background(), tc.params)
			if err != nil {
				t.Fatal(err)
			}
			tok, ok := rec.mock.Token(created.ID)
			if !ok || created.IsCached || created.URL != rec.mock.CallbackURL(url, created.ID) || created.IdempotencyKey != tok.IdempotencyKey {
				t.Fatalf("created %+v; the mock has %+v (found: %v)", created, tok, ok)
			}
			if want := strings.ReplaceAll(tc.wantBody, "KEY", created.IdempotencyKey); !slices.Equal(rec.sent(), []string{want}) {
				t.Errorf("sent %q, want %q", rec.sent(), want)
			}
			tc.check(t, tok)
		})
	}
}

// TestCreateToken_idempotency: a live key returns its token unchanged; two
// creates without a key make two tokens, each with its own generated key.
func TestCreateToken_idempotency(t *testing.T) {
	rec, c, _ := newCreates(t)
	ctx := context.Background()
	first, err := c.CreateToken(ctx, client.CreateTokenParams{IdempotencyKey: "release-42", Tags: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.CreateToken(ctx, client.CreateTokenParams{IdempotencyKey: "release-42", Tags: []string{"b"}})
	if err != nil || !again.IsCached || again.ID != first.ID {
		t.Fatalf("the same key again: %+v, %v; want the first token %s, cached", again, err, first.ID)
	}
	if tok, _ := rec.mock.Token(first.ID); !slices.Equal(tok.Tags, []string{"a"}) {
		t.Errorf("the cached token's tags became %v", tok.Tags)
	}
	one, err1 := c.CreateToken(ctx, client.CreateTokenParams{})
	two, err2 := c.CreateToken(ctx, client.CreateTokenParams{})
	if err := errors.Join(err1, err2); err != nil || one.ID == two.ID || one.IdempotencyKey == two.IdempotencyKey || one.IsCached || two.IsCached {
		t.Fatalf("two creates without a key: %+v and %+v (%v); want two new tokens with two keys", one, two, err)
	}
	if n := len(rec.mock.Tokens()); n != 3 {
		t.Fatalf("%d tokens, want 3", n)
	}
}

// TestCreateToken_lostAnswer: a create whose first answer is lost after the
// service made the token is retried with the same body and key, and returns
// that token: exactly one token exists.
func TestCreateToken_lostAnswer(t *testing.T) {
	cases := []struct {
		name   string
		fault  mockapi.Fault
		params client.CreateTokenParams
	}{
		{name: "502, generated key", fault: mockapi.Fault{Status: http.StatusBadGateway, AfterWork: true}},
		{name: "502, the caller's key", fault: mockapi.Fault{Status: http.StatusBadGateway, AfterWork: true},
			params: client.CreateTokenParams{IdempotencyKey: "release-7", Tags: []string{"approval"}}},
		{name: "reset connection, generated key", fault: mockapi.Fault{Reset: true, AfterWork: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, c, _ := newCreates(t)
			rec.mock.InjectFault(tc.fault)
			created, err := c.CreateToken(context.Background(), tc.params)
			if err != nil {
				t.Fatal(err)
			}
			tokens := rec.mock.Tokens()
			if len(tokens) != 1 || created.ID != tokens[0].ID || !created.IsCached {
				t.Fatalf("created %+v; the mock has %d tokens %+v; want exactly one, the one returned", created, len(tokens), tokens)
			}
			if sent := rec.sent(); len(sent) != 2 || sent[0] != sent[1] {
				t.Fatalf("sent %q; want the same body twice", sent)
			}
		})
	}
}

// TestCreateToken_refused: a create the service refuses is an APIError naming
// the key, not retried.
func TestCreateToken_refused(t *testing.T) {
	rec, c, _ := newCreates(t)
	tags := make([]string, 11)
	for i := range tags {
		tags[i] = string(rune('a' + i))
	}
	_, err := c.CreateToken(context.Background(), client.CreateTokenParams{IdempotencyKey: "release-9", Tags: tags})
	apiErr, ok := errors.AsType[*client.APIError](err)
	if !ok || apiErr.StatusCode != http.StatusUnprocessableEntity ||
		err.Error() != `create waitpoint token with idempotency key "release-9": HTTP 422: Waitpoints can only have 10 tags, you're trying to set 11.` {
		t.Fatalf("got %v", err)
	}
	if n := len(rec.sent()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(rec.sent()[0]), &body); err != nil || len(body["tags"].([]any)) != 11 {
		t.Fatalf("sent %q: want the 11 tags as given (%v)", rec.sent()[0], err)
	}
}
