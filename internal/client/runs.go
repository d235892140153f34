package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The task-run endpoints, at the versions the official SDK calls.
const (
	runsPath = "/api/v1/runs" // list
	// APIVersion is the x-trigger-api-version the client sends, as the SDK
	// does: without it the service reports runs with its older status names.
	APIVersion = "2025-07-16"
)

func triggerPath(taskID string) string { return "/api/v1/tasks/" + url.PathEscape(taskID) + "/trigger" }
func runPath(id string) string         { return "/api/v3/runs/" + url.PathEscape(id) }
func cancelPath(id string) string      { return "/api/v2/runs/" + url.PathEscape(id) + "/cancel" }

// triggerBody is the trigger request: {"payload": …, "options": {…}}.
type triggerBody struct {
	Payload json.RawMessage `json:"payload,omitempty"`
	Options triggerOptions  `json:"options"`
}

type triggerOptions struct {
	IdempotencyKey    string          `json:"idempotencyKey"`
	IdempotencyKeyTTL string          `json:"idempotencyKeyTTL,omitempty"`
	Queue             *queueOption    `json:"queue,omitempty"`
	ConcurrencyKey    string          `json:"concurrencyKey,omitempty"`
	Delay             string          `json:"delay,omitempty"`
	TTL               string          `json:"ttl,omitempty"`
	Tags              []string        `json:"tags,omitempty"`
	MaxAttempts       *int            `json:"maxAttempts,omitempty"`
	MaxDuration       *int            `json:"maxDuration,omitempty"`
	Machine           string          `json:"machine,omitempty"`
	Metadata          json.RawMessage `json:"metadata,omitempty"`
	LockToVersion     string          `json:"lockToVersion,omitempty"`
}

type queueOption struct {
	Name string `json:"name"`
}

// TriggerTask triggers the task taskID, as the SDK's tasks.trigger does from
// a backend. It always sends an idempotency key (options.idempotencyKey), so
// that a retry of a trigger whose answer was lost (a 5xx, a reset
// connection) returns the run the first attempt made instead of making a
// second one: every retry sends the same body. Errors never hold the payload
// nor the metadata.
func (c *Client) TriggerTask(ctx context.Context, taskID string, req TriggerRequest) (TriggeredRun, error) {
	key := req.IdempotencyKey
	if key == "" {
		key = generateKey()
	}
	operation := fmt.Sprintf("trigger task %q with idempotency key %q", taskID, key)
	switch {
	case strings.Trim(taskID, ".") == "": // "." and ".." would name another path
		return TriggeredRun{}, fmt.Errorf("%s: the task id is empty or only dots", operation)
	case req.Payload != nil && !json.Valid(req.Payload):
		return TriggeredRun{}, fmt.Errorf("%s: the payload is not valid JSON", operation)
	case req.Metadata != nil && !isJSONObject(req.Metadata):
		return TriggeredRun{}, fmt.Errorf("%s: the metadata is not a JSON object", operation)
	}
	options := triggerOptions{
		IdempotencyKey: key, IdempotencyKeyTTL: req.IdempotencyKeyTTL, ConcurrencyKey: req.ConcurrencyKey,
		Delay: req.Delay, TTL: req.TTL, Tags: req.Tags, MaxAttempts: req.MaxAttempts, MaxDuration: req.MaxDuration,
		Machine: req.Machine, Metadata: req.Metadata, LockToVersion: req.LockToVersion,
	}
	if req.Queue != "" {
		options.Queue = &queueOption{Name: req.Queue}
	}
	var triggered TriggeredRun
	if err := c.post(ctx, operation, triggerPath(taskID), jsonBody(triggerBody{Payload: req.Payload, Options: options}), &triggered); err != nil {
		return TriggeredRun{}, err
	}
	triggered.IdempotencyKey = key
	return triggered, nil
}

// isJSONObject reports whether raw is one JSON object.
func isJSONObject(raw json.RawMessage) bool {
	var object map[string]json.RawMessage
	return json.Unmarshal(raw, &object) == nil && object != nil
}

// RetrieveRun retrieves one run by id, its output included: an output stored
// apart is fetched from its presigned URL, without the API key. An id the
// environment does not have answers 404, which the service marks for retry
// (a run just triggered may not have reached the replica it reads yet), so
// the client retries it before it returns the 404; UnknownRun tells it.
func (c *Client) RetrieveRun(ctx context.Context, id string) (Run, error) {
	operation := fmt.Sprintf("retrieve run %q", id)
	var run Run
	if err := c.onRun(ctx, call{operation: operation, method: http.MethodGet, path: runPath(id)}, id, &run); err != nil {
		return Run{}, err
	}
	slices.Sort(run.Tags) // the service sorts by locale, the provider by byte
	if run.OutputPresignedURL != "" {
		stored, err := c.download(ctx, run.OutputPresignedURL)
		if err != nil {
			return Run{}, fmt.Errorf("fetch the stored output of run %q: %w", id, err)
		}
		run.stored = stored
	}
	return run, nil
}

// CanceledRun is the service's answer to a cancel.
type CanceledRun struct {
	ID string `json:"id"`
}

func (r *CanceledRun) checkShape() error {
	if r.ID == "" {
		return errors.New("not a canceled run: it has no id")
	}
	return nil
}

// CancelRun cancels a run that has not ended, as the SDK's runs.cancel does. A
// run that has ended is left as it is, with the same answer, so retries are
// safe.
func (c *Client) CancelRun(ctx context.Context, id string) (CanceledRun, error) {
	var canceled CanceledRun
	cl := call{operation: fmt.Sprintf("cancel run %q", id), method: http.MethodPost, path: cancelPath(id)}
	if err := c.onRun(ctx, cl, id, &canceled); err != nil {
		return CanceledRun{}, err
	}
	return canceled, nil
}

// onRun sends a call naming one run: it refuses an id that would name another
// path, and marks the service's refusal with the id, for UnknownRun.
func (c *Client) onRun(ctx context.Context, cl call, id string, out any) error {
	if strings.Trim(id, ".") == "" {
		return fmt.Errorf("%s: the id is empty or only dots", cl.operation)
	}
	err := c.do(ctx, cl, out)
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		apiErr.RunID = id
	}
	return err
}

// UnknownRun reports whether err is the service's answer that the run named
// by id (RetrieveRun, CancelRun) is not in the key's environment: a 404.
func UnknownRun(err error) (*APIError, bool) {
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok || apiErr.RunID == "" {
		return nil, false
	}
	return apiErr, apiErr.StatusCode == http.StatusNotFound
}

// RunListing is a run listing: its runs, newest first, through All, and
// whether the service has more than the caller took, through More.
type RunListing struct {
	client *Client
	ctx    context.Context
	params RunListParams
	more   bool
}

// ListRuns lists the runs matching p. No request is made until All is ranged
// over.
func (c *Client) ListRuns(ctx context.Context, p RunListParams) *RunListing {
	return &RunListing{client: c, ctx: ctx, params: p}
}

// All iterates over the runs as Listing.All does over tokens.
func (l *RunListing) All() iter.Seq2[Run, error] {
	return func(yield func(Run, error) bool) {
		query, err := l.params.query()
		if err != nil {
			l.more = false
			yield(Run{}, err)
			return
		}
		walkPages(l.client, l.ctx, listedThing{"list runs", "runs", runsPath}, query, &l.more,
			func(r *Run) { slices.Sort(r.Tags) }, yield)
	}
}

// More reports whether, when the caller stopped ranging over All, the service
// had runs left that the caller did not take.
func (l *RunListing) More() bool { return l.more }

// query validates p and encodes it as the list endpoint's query.
func (p RunListParams) query() (url.Values, error) {
	q := url.Values{}
	if p.PageSize < 0 || p.PageSize > 100 {
		return nil, fmt.Errorf("list runs: page size %d is outside 1 to 100", p.PageSize)
	}
	if p.PageSize > 0 {
		q.Set("page[size]", strconv.Itoa(p.PageSize))
	}
	statuses := make([]string, len(p.Statuses))
	for i, s := range p.Statuses {
		if !slices.Contains(RunStatuses, s) {
			return nil, fmt.Errorf("list runs: unknown status %q", s)
		}
		statuses[i] = string(s)
	}
	setList(q, "filter[status]", statuses)
	setList(q, "filter[taskIdentifier]", p.Tasks)
	setList(q, "filter[tag]", p.Tags)
	if err := setCreated(q, "list runs", p.CreatedPeriod, p.CreatedFrom, p.CreatedTo); err != nil {
		return nil, err
	}
	return q, nil
}
