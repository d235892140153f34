package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// The task runs of a target: against the service, the runs a test triggered
// (through the provider or itself, past the proxy) as the mock's Run
// describes them. The service's run list needs ClickHouse, which a local
// build lacks, so the proxy remembers what each trigger made instead.

// triggerLog is the proxy's record of the runs the service's triggers made.
type triggerLog struct {
	mu   sync.Mutex
	ids  []string               // oldest first, each once
	sent map[string]sentTrigger // the options of the trigger that made each run
}

// sentTrigger holds the trigger options the service's retrieve does not
// report, as the trigger that made the run sent them: what reached the
// service, which accepted them.
type sentTrigger struct {
	Options struct {
		IdempotencyKeyTTL string `json:"idempotencyKeyTTL"`
		Queue             struct {
			Name string `json:"name"`
		} `json:"queue"`
		ConcurrencyKey string `json:"concurrencyKey"`
		Machine        string `json:"machine"`
		MaxAttempts    int    `json:"maxAttempts"`
		MaxDuration    int    `json:"maxDuration"`
		LockToVersion  string `json:"lockToVersion"`
	} `json:"options"`
}

// recordTriggers passes every request on to next, and remembers the run and
// the options of each trigger the service answered.
func (tg *target) recordTriggers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/api/v1/tasks/") || !strings.HasSuffix(r.URL.Path, "/trigger") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		answer := httptest.NewRecorder()
		next.ServeHTTP(answer, r)
		var triggered client.TriggeredRun
		if answer.Code == http.StatusOK && json.Unmarshal(answer.Body.Bytes(), &triggered) == nil && triggered.ID != "" {
			var sent sentTrigger
			_ = json.Unmarshal(body, &sent) // the service accepted it: it is JSON
			tg.triggers.remember(triggered.ID, sent)
		}
		header := w.Header()
		for name, values := range answer.Header() {
			header[name] = values
		}
		w.WriteHeader(answer.Code)
		_, _ = w.Write(answer.Body.Bytes())
	})
}

func (l *triggerLog) remember(id string, sent sentTrigger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if slices.Contains(l.ids, id) { // a cached trigger: the run keeps the options that made it
		return
	}
	if l.sent == nil {
		l.sent = map[string]sentTrigger{}
	}
	l.ids = append(l.ids, id)
	l.sent[id] = sent
}

func (l *triggerLog) runs() ([]string, map[string]sentTrigger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.ids), l.sent
}

// Run is the run as the mock or the service reports it now; false when it
// has no such run.
func (tg *target) Run(id string) (mockapi.Run, bool) {
	tg.t.Helper()
	if tg.mock != nil {
		return tg.mock.Run(id)
	}
	var run serviceRun
	if status := tg.retrieveRun(id, &run); status == http.StatusNotFound {
		return mockapi.Run{}, false
	}
	_, sent := tg.triggers.runs()
	return run.mockRun(sent[id]), true
}

// Runs are the mock's runs, or those the test's triggers made on the
// service, newest first, as the mock orders them.
func (tg *target) Runs() []mockapi.Run {
	tg.t.Helper()
	if tg.mock != nil {
		return tg.mock.Runs()
	}
	ids, _ := tg.triggers.runs()
	runs := make([]mockapi.Run, 0, len(ids))
	for _, id := range slices.Backward(ids) {
		if run, ok := tg.Run(id); ok {
			runs = append(runs, run)
		}
	}
	return runs
}

// CancelRun cancels a run that has not ended, as the API's cancel does (on
// the mock, as its control API does).
func (tg *target) CancelRun(id string) error {
	if tg.mock != nil {
		return tg.mock.EndRun(id, "CANCELED", nil, nil)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	_, err := tg.env.api.CancelRun(ctx, id)
	return err
}

// serviceRun is the service's retrieve answer, with the payload the
// provider's client does not read.
type serviceRun struct {
	client.Run
	Payload json.RawMessage `json:"payload"`
}

// mockRun is the run as the mock describes one, with the options the
// service does not report as sent.
func (run serviceRun) mockRun(sent sentTrigger) mockapi.Run {
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	text := func(raw json.RawMessage) *string {
		if raw == nil || string(raw) == "null" {
			return nil
		}
		var compact bytes.Buffer
		if json.Compact(&compact, raw) != nil {
			return nil
		}
		s := compact.String()
		return &s
	}
	m := mockapi.Run{
		ID: run.ID, TaskIdentifier: run.TaskIdentifier, Status: string(run.Status), IdempotencyKey: deref(run.IdempotencyKey),
		Payload: text(run.Payload), Output: text(run.Output), Metadata: text(run.Metadata), Tags: run.Tags, TTL: deref(run.TTL),
		CreatedAt: run.CreatedAt, UpdatedAt: run.UpdatedAt, DelayUntil: run.DelayedUntil, StartedAt: run.StartedAt,
		FinishedAt: run.FinishedAt, ExpiredAt: run.ExpiredAt, AttemptCount: run.AttemptCount,
		Queue: sent.Options.Queue.Name, ConcurrencyKey: sent.Options.ConcurrencyKey, Machine: sent.Options.Machine,
		MaxAttempts: sent.Options.MaxAttempts, MaxDuration: sent.Options.MaxDuration, LockToVersion: sent.Options.LockToVersion,
	}
	if run.Error != nil {
		m.Error = &mockapi.RunError{Message: run.Error.Message, Name: run.Error.Name, StackTrace: run.Error.StackTrace}
	}
	if ttl, err := parseTTL(sent.Options.IdempotencyKeyTTL); err == nil && m.IdempotencyKey != "" {
		m.KeyExpiresAt = run.CreatedAt.Add(ttl)
	}
	return m
}

// retrieveRun reads a run from the service, past the request log, at the
// API version the provider's client sends; it returns the status, and fails
// the test on any but 200 and 404.
func (tg *target) retrieveRun(id string, out *serviceRun) int {
	tg.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, tg.env.base.JoinPath("/api/v3/runs", id).String(), nil)
		req.Header.Set("Authorization", "Bearer "+tg.env.key)
		req.Header.Set("x-trigger-api-version", client.APIVersion)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tg.t.Fatalf("retrieving run %s: %v", id, err)
		}
		answer, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			// The service's rate limiter is live: the environment is shared.
			if err := waitForReset(ctx, resp.Header.Get("x-ratelimit-reset")); err != nil {
				tg.t.Fatalf("retrieving run %s: rate limited: %v", id, err)
			}
			continue
		case resp.StatusCode == http.StatusNotFound:
			return resp.StatusCode
		case err == nil && resp.StatusCode == http.StatusOK:
			err = json.Unmarshal(answer, out)
		default:
			err = errors.Join(err, errors.New(http.StatusText(resp.StatusCode)))
		}
		if err != nil {
			tg.t.Fatalf("retrieving run %s: %d %v", id, resp.StatusCode, err)
		}
		return resp.StatusCode
	}
}
