package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// The real-service mode: with TRIGGERDEV_REAL_API_URL and
// TRIGGERDEV_REAL_SECRET_KEY set, every acceptance test that needs none of the
// mock's own powers runs against that Trigger.dev development environment,
// through the real CLI; the others skip, naming the power they need. The
// names are the tests' own, never the provider's TRIGGER_*, so that no test
// reaches a production environment by accident.
const (
	envRealAPIURL = "TRIGGERDEV_REAL_API_URL"
	envRealAPIKey = "TRIGGERDEV_REAL_SECRET_KEY"
)

// realService is the environment the real-service mode names; nil without it.
var realService = sync.OnceValues(func() (*realEnvironment, error) {
	apiURL, key := os.Getenv(envRealAPIURL), os.Getenv(envRealAPIKey)
	switch {
	case apiURL == "" && key == "":
		return nil, nil
	case apiURL == "" || key == "":
		return nil, fmt.Errorf("set both %s and %s for the real-service mode, or neither", envRealAPIURL, envRealAPIKey)
	}
	base, err := url.Parse(apiURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("%s is not a URL", envRealAPIURL)
	}
	api, err := client.New(client.Config{BaseURL: apiURL, APIKey: key, MaxRetries: new(client.MaxRetriesLimit)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envRealAPIURL, err)
	}
	run := make([]byte, 4)
	_, _ = rand.Read(run)
	registerSecret(key, "the real service's API key")
	return &realEnvironment{base: base, key: key, api: api, run: hex.EncodeToString(run)}, nil
})

// realEnvironment is a Trigger.dev development environment that the tests
// share: each test makes its own tokens, named uniquely per run.
type realEnvironment struct {
	base *url.URL
	key  string
	api  *client.Client // the tests' own client, past the request log
	run  string         // this process's mark in every name a test makes
}

// againstService reports whether the tests run against the real service.
func againstService(t testing.TB) bool {
	t.Helper()
	env, err := realService()
	if err != nil {
		t.Fatal(err)
	}
	return env != nil
}

// needsMock skips a test in the real-service mode: it needs power, something
// only the mock can do (faults, fixtures, the control API, seeded counts,
// latency, its clock).
func needsMock(t testing.TB, power string) {
	t.Helper()
	if againstService(t) {
		t.Skipf("needs the mock's %s", power)
	}
}

// target is what an acceptance test talks to: a mock of its own, or the real
// service behind a recording proxy of its own. Its methods are the mock's, so
// that a test reads the same in both modes. The provider is configured with
// URL and testAPIKey in both: the proxy puts the service's key in its place,
// so no configuration, plan or log of a test holds the real key.
type target struct {
	t    testing.TB
	URL  string
	mock *mockapi.Server // nil against the service
	env  *realEnvironment
	log  *mockapi.RequestLog // the proxy's; nil on the mock, which keeps its own

	mu        sync.Mutex
	callbacks map[string]string // callback URL by token id, as the service answered
	created   []string          // the ids of the tokens the test created, oldest first
	listedTag string            // the tag of the tokens listed made, which Tokens lists
	lost      int               // the status that replaces the next answer (LoseNextAnswer); 0: none

	triggers triggerLog // the runs the service's triggers made (target_runs_test.go)
}

// startTarget starts a test's target: an empty mock, or a proxy to the real
// service. opts tune the mock only; none may give it a power the service
// lacks (that test calls needsMock).
func startTarget(t testing.TB, opts ...func(*mockapi.Options)) (*target, string) {
	t.Helper()
	env, err := realService()
	if err != nil {
		t.Fatal(err)
	}
	if env == nil {
		mock, url := startMock(t, 0, opts...)
		return &target{t: t, URL: url, mock: mock}, url
	}
	tg := &target{t: t, env: env, log: &mockapi.RequestLog{}, callbacks: map[string]string{}}
	srv := httptest.NewServer(tg.recordTriggers(tg.proxy()))
	t.Cleanup(srv.Close)
	tg.URL = srv.URL
	return tg, srv.URL
}

// name is a name unique to the test and the run against the service (keys,
// tags), and name itself against a mock of the test's own.
func (tg *target) name(name string) string {
	if tg.mock != nil {
		return name
	}
	return fmt.Sprintf("%s-%s-%08x", name, tg.env.run, crc32.ChecksumIEEE([]byte(tg.t.Name())))
}

// keyed is a copy of a with its idempotency_key made the test's own (name).
func (tg *target) keyed(a attrs) attrs {
	keyed := maps.Clone(a)
	if key, ok := a["idempotency_key"].(string); ok {
		keyed["idempotency_key"] = tg.name(key)
	}
	return keyed
}

// listed gives a listing test n tokens of its own on the service, tagged with
// a tag unique to the test and completed with data unless it is nil, and
// returns the argument that lists only them; on the mock, whose seeded tokens
// the test lists, it does nothing.
func (tg *target) listed(n int, data []byte) string {
	tg.t.Helper()
	if tg.mock != nil {
		return ""
	}
	// One request a token, not CreateToken's two: the service's rate limiter
	// is shared by every test.
	tg.listedTag = tg.name("listed")
	for range n {
		var created struct{ ID string }
		tg.call(http.MethodPost, "/api/v1/waitpoints/tokens", map[string]any{"tags": []string{tg.listedTag}}, &created)
		if data == nil {
			continue
		}
		if err := tg.Complete(created.ID, data); err != nil {
			tg.t.Fatal(err)
		}
	}
	return fmt.Sprintf("tags = [%q]\n", tg.listedTag)
}

// proxy forwards to the service, with its key in place of the tests', logs
// every request and its status, and remembers every callback URL answered so
// that the trace scan looks for its hash.
func (tg *target) proxy() http.Handler {
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(tg.env.base)
			r.Out.Host = tg.env.base.Host
			r.Out.Header.Del("Accept-Encoding") // answers the proxy reads, plain
			if auth := r.In.Header.Get("Authorization"); auth == "Bearer "+testAPIKey || auth == "Bearer "+keyThroughState {
				r.Out.Header.Set("Authorization", "Bearer "+tg.env.key)
			}
		},
		ModifyResponse: func(resp *http.Response) error {
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/api/v1/waitpoints/tokens") {
				return nil
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			// A callback URL names the proxy, as it would a service configured
			// at the proxy's address: callbacks are then logged too.
			body = serviceCallback.ReplaceAll(body, []byte(`${1}`+tg.URL+`/api/v1/waitpoints/tokens/`))
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
			if err == nil {
				tg.remember(body, resp.Request.Method == http.MethodPost && resp.Request.URL.Path == "/api/v1/waitpoints/tokens")
			}
			return err
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := tg.log.Begin(r)
		tg.mu.Lock()
		lost := tg.lost
		tg.lost = 0
		tg.mu.Unlock()
		if lost != 0 {
			proxy.ServeHTTP(httptest.NewRecorder(), r) // the service does the work; its answer goes nowhere
			http.Error(w, http.StatusText(lost), lost)
			done(lost)
			return
		}
		sw := &proxyStatus{ResponseWriter: w}
		proxy.ServeHTTP(sw, r)
		done(sw.status)
	})
}

// LoseNextAnswer has the next request do its work and its answer lost on the
// way back: the provider gets status instead, as from a gateway that gave up.
// On the mock it is the fault {Status: status, AfterWork: true}.
func (tg *target) LoseNextAnswer(status int) {
	if tg.mock != nil {
		tg.mock.InjectFault(mockapi.Fault{Status: status, AfterWork: true})
		return
	}
	tg.mu.Lock()
	defer tg.mu.Unlock()
	tg.lost = status
}

// remember keeps the callback URLs of a create, retrieve or list answer, and
// the id a create answered.
func (tg *target) remember(body []byte, create bool) {
	type token struct{ ID, URL string }
	var answer struct {
		token
		Data []token
	}
	if json.Unmarshal(body, &answer) != nil {
		return
	}
	tg.mu.Lock()
	defer tg.mu.Unlock()
	if create && answer.ID != "" && !slices.Contains(tg.created, answer.ID) {
		tg.created = append(tg.created, answer.ID)
	}
	for _, tok := range append(answer.Data, answer.token) {
		if tok.ID != "" && strings.Contains(tok.URL, "/callback/") {
			tg.callbacks[tok.ID] = tok.URL
			registerSecret(tok.URL[strings.LastIndex(tok.URL, "/")+1:], "the callback hash of "+tok.ID)
		}
	}
}

// serviceCallback is the start of a callback URL in an answer, up to its path.
var serviceCallback = regexp.MustCompile(`("url"\s*:\s*")[^"]*?/api/v1/waitpoints/tokens/`)

type proxyStatus struct {
	http.ResponseWriter
	status int
}

func (w *proxyStatus) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *proxyStatus) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// CreateToken creates a token as the mock's CreateToken does, through the API.
func (tg *target) CreateToken(spec mockapi.TokenSpec) mockapi.Token {
	tg.t.Helper()
	if tg.mock != nil {
		return tg.mock.CreateToken(spec)
	}
	body := map[string]any{}
	if spec.IdempotencyKey != "" { // without one the service makes one up (sending "" would share one)
		body["idempotencyKey"] = spec.IdempotencyKey
	}
	if len(spec.Tags) > 0 {
		body["tags"] = spec.Tags
	}
	if spec.IdempotencyKeyTTL > 0 {
		body["idempotencyKeyTTL"] = fmt.Sprintf("%ds", int(spec.IdempotencyKeyTTL.Seconds()))
	}
	switch {
	case spec.CreatedAt.IsZero():
	case spec.IdempotencyKeyTTL > 0 && !spec.CreatedAt.Add(spec.IdempotencyKeyTTL).After(time.Now()):
		// The service cannot back-date a token; a key that would have expired
		// by now gets a TTL of 0s, which expires at once.
		body["idempotencyKeyTTL"] = "0s"
	default:
		tg.t.Fatal("a token created in the past needs the mock's fixtures")
	}
	switch {
	case spec.Timeout > 0:
		body["timeout"] = fmt.Sprintf("%ds", int(spec.Timeout.Seconds()))
	case !spec.TimeoutAt.IsZero() && !spec.TimeoutAt.After(time.Now()):
		body["timeout"] = spec.TimeoutAt.UnixMilli() // a past instant as a number: the service times the token out at once
	case !spec.TimeoutAt.IsZero():
		body["timeout"] = spec.TimeoutAt.UTC().Format(time.RFC3339Nano)
	}
	var created struct{ ID, URL string }
	tg.call(http.MethodPost, "/api/v1/waitpoints/tokens", body, &created)
	tg.remember(fmt.Appendf(nil, `{"id":%q,"url":%q}`, created.ID, created.URL), true)
	timedOut := !spec.TimeoutAt.IsZero() && !spec.TimeoutAt.After(time.Now())
	deadline := time.Now().Add(hangBound)
	for {
		tok, ok := tg.Token(created.ID)
		switch {
		case !ok:
			tg.t.Fatalf("the service lost token %s", created.ID)
		case !timedOut || tok.Status == "TIMED_OUT":
			return tok
		case time.Now().After(deadline):
			tg.t.Fatalf("token %s, created with a past timeout, is still %s", created.ID, tok.Status)
		}
		// The service times such a token out a moment after answering the
		// create: it is read again until it has.
	}
}

// call sends one request to the service with its key, past the request log.
func (tg *target) call(method, path string, body, out any) {
	tg.t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		tg.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, method, tg.env.base.JoinPath(path).String(), bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+tg.env.key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tg.t.Fatalf("%s %s: %v", method, path, err)
		}
		answer, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			// The service's rate limiter is live: the environment is shared.
			if err := waitForReset(ctx, resp.Header.Get("x-ratelimit-reset")); err != nil {
				tg.t.Fatalf("%s %s: rate limited: %v", method, path, err)
			}
			continue
		}
		if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(answer, out) != nil {
			tg.t.Fatalf("%s %s: %d %v", method, path, resp.StatusCode, err)
		}
		return
	}
}

// waitForReset waits until a 429's reset, unix milliseconds.
func waitForReset(ctx context.Context, reset string) error {
	var ms int64
	if _, err := fmt.Sscan(reset, &ms); err != nil {
		ms = time.Now().Add(time.Second).UnixMilli()
	}
	timer := time.NewTimer(time.Until(time.UnixMilli(ms)))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// Complete completes a token as the SDK's wait.completeToken does.
func (tg *target) Complete(id string, data []byte) error {
	if tg.mock != nil {
		return tg.mock.Complete(id, data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	return tg.env.api.CompleteToken(ctx, id, data)
}

// Token is a token as the service reports it now.
func (tg *target) Token(id string) (mockapi.Token, bool) {
	tg.t.Helper()
	if tg.mock != nil {
		return tg.mock.Token(id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	tok, err := tg.env.api.GetToken(ctx, id)
	if err != nil {
		tg.t.Logf("retrieving %s: %v", id, err)
		return mockapi.Token{}, false
	}
	return mockToken(tok), true
}

// mockToken is the service's token as the mock describes one.
func mockToken(tok client.Token) mockapi.Token {
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return mockapi.Token{
		ID: tok.ID, Status: string(tok.Status), IdempotencyKey: deref(tok.IdempotencyKey),
		IdempotencyKeyExpiresAt: tok.IdempotencyKeyExpiresAt, TimeoutAt: tok.TimeoutAt, CompletedAt: tok.CompletedAt,
		CreatedAt: tok.CreatedAt, Tags: tok.Tags, Output: tok.Output, OutputType: deref(tok.OutputType),
		OutputIsError: tok.OutputIsError != nil && *tok.OutputIsError,
	}
}

// Tokens are the mock's tokens, or those the test created on the service
// (itself or through the provider; those of listed, listed by their tag),
// newest first, as the list orders them.
func (tg *target) Tokens() []mockapi.Token {
	tg.t.Helper()
	if tg.mock != nil {
		return tg.mock.Tokens()
	}
	if tg.listedTag != "" {
		var tokens []mockapi.Token
		for tok, err := range tg.env.api.ListTokens(context.Background(), client.ListParams{Tags: []string{tg.listedTag}}).All() {
			if err != nil {
				tg.t.Fatal(err)
			}
			tokens = append(tokens, mockToken(tok))
		}
		return tokens
	}
	tg.mu.Lock()
	ids := slices.Clone(tg.created)
	tg.mu.Unlock()
	tokens := make([]mockapi.Token, 0, len(ids))
	for _, id := range slices.Backward(ids) {
		if tok, ok := tg.Token(id); ok {
			tokens = append(tokens, tok)
		}
	}
	return tokens
}

// CallbackURL is the token's callback URL: the mock's at baseURL, or the one
// the service answered.
func (tg *target) CallbackURL(baseURL, id string) string {
	tg.t.Helper()
	if tg.mock != nil {
		return tg.mock.CallbackURL(baseURL, id)
	}
	tg.mu.Lock()
	callback, ok := tg.callbacks[id]
	tg.mu.Unlock()
	if !ok {
		tg.t.Fatalf("the service answered no callback URL for %s", id)
	}
	return callback
}

// Requests are the requests the mock or the proxy received so far.
func (tg *target) Requests() []mockapi.Request {
	if tg.mock != nil {
		return tg.mock.Requests()
	}
	return tg.log.Requests()
}

// WaitForRequests is the mock's WaitForRequests, or the proxy's.
func (tg *target) WaitForRequests(ctx context.Context, done func([]mockapi.Request) bool) error {
	if tg.mock != nil {
		return tg.mock.WaitForRequests(ctx, done)
	}
	if err := tg.log.WaitForRequests(ctx, done); err != nil {
		return fmt.Errorf("the proxy to the service %w", err)
	}
	return nil
}

// ResetRequests forgets the requests received so far.
func (tg *target) ResetRequests() {
	if tg.mock != nil {
		tg.mock.ResetRequests()
		return
	}
	tg.log.ResetRequests()
}
