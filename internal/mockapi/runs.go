package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The task-run routes, at the versions the official SDK calls.
const (
	tasksPrefix     = "/api/v1/tasks/" // + {taskId}/trigger
	runsListPath    = "/api/v1/runs"
	runRetrievePath = "/api/v3/runs/" // + {id}
	runCancelPrefix = "/api/v2/runs/" // + {id}/cancel
	maxTriggerBody  = 3 << 20         // TASK_PAYLOAD_MAXIMUM_SIZE
	maxRunTags      = 10              // MAX_TAGS_PER_RUN
	maxRunMetadata  = 256 << 10       // TASK_RUN_METADATA_MAXIMUM_SIZE
	defaultKeyTTL   = 30 * 24 * time.Hour
	minMaxDuration  = 5
	maxMaxDuration  = 1<<31 - 1
	canceledByUser  = "Canceled by user"
	// developmentTTL is the ttl of a run whose trigger gives none, in a
	// development environment, which the mock is: with no worker, such a
	// run expires when it passes.
	developmentTTL = "10m"
)

// Run statuses as the API reports them (x-trigger-api-version 2025-07-16).
const (
	runDelayed       = "DELAYED"
	runQueued        = "QUEUED"
	runExecuting     = "EXECUTING"
	runCompleted     = "COMPLETED"
	runCanceled      = "CANCELED"
	runFailed        = "FAILED"
	runCrashed       = "CRASHED"
	runSystemFailure = "SYSTEM_FAILURE"
	runExpired       = "EXPIRED"
	runTimedOut      = "TIMED_OUT"
)

// runStatuses are every status the list filter accepts: the current API's
// and the older names it still reads.
var runStatuses = []string{
	"PENDING_VERSION", "QUEUED", "DEQUEUED", "EXECUTING", "WAITING", "COMPLETED", "CANCELED", "FAILED",
	"CRASHED", "SYSTEM_FAILURE", "DELAYED", "EXPIRED", "TIMED_OUT",
	"WAITING_FOR_DEPLOY", "REATTEMPTING", "FROZEN", "INTERRUPTED",
}

// olderStatusNames maps the older names the list filter reads to the current ones.
var olderStatusNames = map[string]string{
	"WAITING_FOR_DEPLOY": "PENDING_VERSION", "REATTEMPTING": runExecuting, "FROZEN": "WAITING", "INTERRUPTED": runFailed,
}

// Outcomes are the final statuses a task fixture or the control API can end a
// run with.
var Outcomes = []string{runCompleted, runFailed, runCrashed, runSystemFailure, runTimedOut, runExpired, runCanceled}

// keyClearingStatuses end a run's hold on its idempotency key: a trigger with
// the key makes a new run (the service's shouldIdempotencyKeyBeCleared).
var keyClearingStatuses = []string{runFailed, runCrashed, runSystemFailure, runTimedOut, runExpired}

// RunError is a failed run's error as the API reports it.
type RunError struct {
	Message    string `json:"message"`
	Name       string `json:"name,omitempty"`
	StackTrace string `json:"stackTrace,omitempty"`
}

// Run is the mock's record of one task run.
type Run struct {
	ID             string
	TaskIdentifier string
	Status         string // as the API reports it
	IdempotencyKey string // "" when the trigger sent none, or once a trigger with it made a new run
	// UserKey is the key as the user gave it (options.idempotencyKeyOptions.key),
	// which the SDK sends apart from the hash it sends as the key; it
	// outlives the key.
	UserKey        string
	KeyExpiresAt   time.Time
	Payload        *string // serialised as PayloadType
	PayloadType    string
	Output         *string // serialised as OutputType; application/store: the stored object's name
	OutputType     string
	Error          *RunError
	Tags           []string // as given, blanks dropped
	Metadata       *string  // JSON text
	Queue          string
	ConcurrencyKey string
	Machine        string
	MaxAttempts    int
	MaxDuration    int // seconds
	TTL            string
	LockToVersion  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	DelayUntil     *time.Time
	StartedAt      *time.Time
	FinishedAt     *time.Time
	ExpiredAt      *time.Time
	AttemptCount   int
	Polls          int // retrieves answered
}

type runRecord struct {
	Run
	seq    int
	cursor string
	script *TaskFixture // nil: the run stays QUEUED until the control API ends it or its ttl passes
}

// Run returns the current state of one run.
func (s *Server) Run(id string) (Run, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.lookupRun(id)
	if r == nil {
		return Run{}, false
	}
	return r.snapshot(), true
}

// Runs returns every run, newest first.
func (s *Server) Runs() []Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Run, 0, len(s.runs))
	for i := len(s.runs) - 1; i >= 0; i-- {
		s.settle(s.runs[i])
		out = append(out, s.runs[i].snapshot())
	}
	return out
}

// EndRun ends a run that has not ended with outcome (one of Outcomes): output
// (any JSON; nil: none) for COMPLETED, runErr (nil: the service's message for
// the outcome) for the others. A run that has ended is an error.
func (s *Server) EndRun(id, outcome string, output []byte, runErr *RunError) error {
	if !slices.Contains(Outcomes, outcome) {
		return fmt.Errorf("outcome %q is not one of %s", outcome, strings.Join(Outcomes, ", "))
	}
	var value any
	if output != nil {
		var err error
		if value, err = parseJS(output); err != nil {
			return errors.New("output is not JSON")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.lookupRun(id)
	switch {
	case r == nil:
		return errRunNotFound
	case isFinalRun(r.Status):
		return fmt.Errorf("run %s has ended: it is %s", r.ID, r.Status)
	}
	return s.finish(r, outcome, value, output != nil, runErr)
}

var errRunNotFound = errors.New("Run not found")

func (r *runRecord) snapshot() Run {
	run := r.Run
	run.Tags = slices.Clone(r.Tags)
	if r.Error != nil {
		e := *r.Error
		run.Error = &e
	}
	return run
}

func isFinalRun(status string) bool { return slices.Contains(Outcomes, status) }

// lookupRun finds a run by id, its clock-driven changes applied; the caller
// holds s.mu.
func (s *Server) lookupRun(id string) *runRecord {
	r := s.runsByID[id]
	if r != nil {
		s.settle(r)
	}
	return r
}

// settle applies what the clock does to a run: a delay that has passed
// queues it, a ttl that has passed before it started expires it.
func (s *Server) settle(r *runRecord) {
	now := s.now().UTC().Truncate(time.Millisecond)
	if r.Status == runDelayed && r.DelayUntil != nil && !now.Before(*r.DelayUntil) {
		r.Status, r.UpdatedAt = runQueued, *r.DelayUntil
	}
	if r.Status != runQueued || r.TTL == "" {
		return
	}
	from := r.CreatedAt
	if r.DelayUntil != nil {
		from = *r.DelayUntil
	}
	if expires := parseDelay(r.TTL, from); !expires.IsZero() && !now.Before(expires) {
		_ = s.finish(r, runExpired, nil, false, nil)
		r.ExpiredAt = r.FinishedAt
	}
}

// poll is a retrieve's effect on a scripted run: the first polls retrieves
// see it QUEUED, then EXECUTING; the next sees its outcome.
func (s *Server) poll(r *runRecord) {
	r.Polls++
	if r.script == nil || isFinalRun(r.Status) || r.Status == runDelayed {
		return
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	switch {
	case r.Polls > r.script.Polls:
		var value any
		if r.script.Output != nil {
			value, _ = parseJS(r.script.Output) // checked when the fixture was parsed
		}
		_ = s.finish(r, r.script.outcome(), value, r.script.Output != nil, r.script.Error)
	case r.Polls > 1 && r.Status == runQueued:
		r.Status, r.StartedAt, r.UpdatedAt, r.AttemptCount = runExecuting, &now, now, 1
	}
}

// finish ends a run with outcome as the run engine does: output stored as the
// worker stores a task's return value (offloaded from 512 KiB), an error
// (the service's own message for the outcome when runErr is nil); the caller
// holds s.mu.
func (s *Server) finish(r *runRecord, outcome string, value any, present bool, runErr *RunError) error {
	now := s.now().UTC().Truncate(time.Millisecond)
	if outcome == runCompleted {
		output, outputType, err := stringifyIO(value, present)
		if err != nil {
			return err
		}
		r.Output, r.OutputType = s.offload(r.ID+"/output", output, outputType)
	} else {
		r.Error = runErr
		if r.Error == nil {
			r.Error = &RunError{Message: s.outcomeMessage(r, outcome)}
		}
	}
	if outcome != runExpired && outcome != runCanceled && r.StartedAt == nil {
		r.StartedAt, r.AttemptCount = &now, 1
	}
	r.Status, r.UpdatedAt = outcome, now
	// A cancel sets no completion time on a run that never started: the
	// service's cancel passes none, and only a worker's ending sets one.
	if outcome != runCanceled || r.StartedAt != nil {
		r.FinishedAt = &now
	}
	return nil
}

// outcomeMessage is the error the service reports for an outcome no one
// described.
func (s *Server) outcomeMessage(r *runRecord, outcome string) string {
	switch outcome {
	case runCanceled:
		return canceledByUser
	case runExpired:
		return fmt.Sprintf("Run expired because the TTL (%s) was reached", r.TTL)
	case runTimedOut:
		return "trigger.dev internal error (MAX_DURATION_EXCEEDED)"
	case runCrashed:
		return "trigger.dev internal error (TASK_PROCESS_EXITED_WITH_NON_ZERO_CODE)"
	case runSystemFailure:
		return "trigger.dev internal error (TASK_RUN_CRASHED)"
	}
	return "Error: the task threw"
}

// cancel cancels a run that has not ended, as the service's cancel does; a
// run that has ended is left as it is. The caller holds s.mu.
func (s *Server) cancel(r *runRecord) {
	if !isFinalRun(r.Status) {
		_ = s.finish(r, runCanceled, nil, false, nil)
	}
}

// triggerSpec is a trigger's body and headers as the service reads them.
type triggerSpec struct {
	received       time.Time // when the trigger arrived, to the millisecond
	payload        *string
	payloadType    string
	key            string
	userKey        string
	keyTTL         time.Duration
	queue          string
	concurrencyKey string
	delayUntil     *time.Time
	ttl            string
	tags           []string
	maxAttempts    int
	maxDuration    int
	machine        string
	metadata       *string
	lockToVersion  string
}

// trigger makes a run, or returns the run holding spec's live idempotency key
// for the same task (cached); a run that failed, crashed, timed out or
// expired, or whose key expired, lets the key go. The caller holds s.mu.
func (s *Server) trigger(taskID string, spec triggerSpec) (r *runRecord, cached bool) {
	now := spec.received
	if spec.key != "" {
		if old := s.runHolding(taskID, spec.key); old != nil {
			s.settle(old)
			if now.Before(old.KeyExpiresAt) && !slices.Contains(keyClearingStatuses, old.Status) {
				return old, true
			}
			old.IdempotencyKey = ""
		}
	}
	seq := len(s.runs) + 1
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), uint64(seq)^0x72756e73))
	r = &runRecord{
		Run: Run{
			// A run-ops id: 24 base32hex characters, a region and a version.
			ID:             "run_" + randomFrom(rng, "0123456789abcdefghijklmnopqrstuv", 24) + "01",
			TaskIdentifier: taskID,
			Status:         runQueued,
			IdempotencyKey: spec.key,
			UserKey:        spec.userKey,
			Payload:        spec.payload,
			PayloadType:    spec.payloadType,
			OutputType:     "application/json",
			Tags:           spec.tags,
			Metadata:       spec.metadata,
			Queue:          spec.queue,
			ConcurrencyKey: spec.concurrencyKey,
			Machine:        spec.machine,
			MaxAttempts:    spec.maxAttempts,
			MaxDuration:    spec.maxDuration,
			TTL:            spec.ttl,
			LockToVersion:  spec.lockToVersion,
			CreatedAt:      now,
			UpdatedAt:      now,
		},
		seq:    seq,
		cursor: "cm" + randomBody(rng, 23, idAlphabet),
		script: s.tasks[taskID],
	}
	if spec.key != "" {
		ttl := spec.keyTTL
		if ttl == 0 {
			ttl = defaultKeyTTL
		}
		r.KeyExpiresAt = now.Add(ttl)
	}
	if spec.delayUntil != nil {
		r.Status, r.DelayUntil = runDelayed, millis(spec.delayUntil)
	}
	r.Payload, r.PayloadType = s.offload(r.ID+"/payload", r.Payload, r.PayloadType)
	s.runs = append(s.runs, r)
	s.runsByID[r.ID] = r
	s.runsByCursor[r.cursor] = r
	return r, false
}

// runHolding finds the run of taskID that holds key; the caller holds s.mu.
func (s *Server) runHolding(taskID, key string) *runRecord {
	for _, r := range s.runs {
		if r.TaskIdentifier == taskID && r.IdempotencyKey == key {
			return r
		}
	}
	return nil
}

func randomFrom(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// resetRuns forgets every run; the caller holds s.mu.
func (s *Server) resetRuns() {
	s.runs, s.runsByID, s.runsByCursor = nil, map[string]*runRecord{}, map[string]*runRecord{}
}

// runJSON is a run as the retrieve and list endpoints share it.
type runJSON struct {
	ID              string          `json:"id"`
	Status          string          `json:"status"`
	TaskIdentifier  string          `json:"taskIdentifier"`
	IdempotencyKey  string          `json:"idempotencyKey,omitempty"`
	Version         string          `json:"version,omitempty"`
	IsQueued        bool            `json:"isQueued"`
	IsExecuting     bool            `json:"isExecuting"`
	IsWaiting       bool            `json:"isWaiting"`
	IsCompleted     bool            `json:"isCompleted"`
	IsSuccess       bool            `json:"isSuccess"`
	IsFailed        bool            `json:"isFailed"`
	IsCancelled     bool            `json:"isCancelled"`
	IsTest          bool            `json:"isTest"`
	CreatedAt       string          `json:"createdAt"`
	UpdatedAt       string          `json:"updatedAt"`
	StartedAt       string          `json:"startedAt,omitempty"`
	FinishedAt      string          `json:"finishedAt,omitempty"`
	DelayedUntil    string          `json:"delayedUntil,omitempty"`
	TTL             string          `json:"ttl,omitempty"`
	ExpiredAt       string          `json:"expiredAt,omitempty"`
	Tags            []string        `json:"tags"`
	CostInCents     int             `json:"costInCents"`
	BaseCostInCents int             `json:"baseCostInCents"`
	DurationMs      int64           `json:"durationMs"`
	Metadata        json.RawMessage `json:"metadata,omitempty"`
}

// retrieveRunJSON is the retrieve answer.
type retrieveRunJSON struct {
	runJSON
	// Region is the run's region, or else its worker queue, which in a
	// development environment is the environment's id.
	Region              string          `json:"region"`
	Depth               int             `json:"depth"`
	TriggerFunction     string          `json:"triggerFunction"`
	Payload             json.RawMessage `json:"payload,omitempty"`
	PayloadPresignedURL string          `json:"payloadPresignedUrl,omitempty"`
	Output              json.RawMessage `json:"output,omitempty"`
	OutputPresignedURL  string          `json:"outputPresignedUrl,omitempty"`
	Error               *RunError       `json:"error,omitempty"`
	AttemptCount        int             `json:"attemptCount"`
	Attempts            []any           `json:"attempts"`
	RelatedRuns         struct {
		Children []any `json:"children"`
	} `json:"relatedRuns"`
}

// listRunJSON is a list item.
type listRunJSON struct {
	runJSON
	TaskKind string `json:"taskKind"`
	Env      struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"env"`
}

// json is what retrieve and list share: the status and its booleans as the
// service derives them, tags sorted by locale.
func (r *runRecord) json() runJSON {
	out := runJSON{
		ID: r.ID, Status: r.Status, TaskIdentifier: r.TaskIdentifier, IdempotencyKey: r.IdempotencyKey,
		Version:     r.LockToVersion,
		IsQueued:    r.Status == runQueued || r.Status == runDelayed || r.Status == "PENDING_VERSION",
		IsExecuting: r.Status == runExecuting || r.Status == "DEQUEUED",
		IsWaiting:   r.Status == "WAITING",
		// The service's isCompleted leaves out EXPIRED and TIMED_OUT.
		IsCompleted: isFinalRun(r.Status) && r.Status != runExpired && r.Status != runTimedOut,
		CreatedAt:   formatTime(r.CreatedAt), UpdatedAt: formatTime(r.UpdatedAt),
		StartedAt: formatTimePtr(r.StartedAt), FinishedAt: formatTimePtr(r.FinishedAt),
		DelayedUntil: formatTimePtr(r.DelayUntil), TTL: r.TTL, ExpiredAt: formatTimePtr(r.ExpiredAt),
		Tags: slices.Clone(r.Tags),
	}
	out.IsSuccess = out.IsCompleted && r.Status == runCompleted
	out.IsFailed = out.IsCompleted && r.Status != runCompleted
	out.IsCancelled = r.Status == runCanceled
	if out.Tags == nil {
		out.Tags = []string{}
	}
	slices.SortFunc(out.Tags, localeCompare)
	if r.StartedAt != nil && r.FinishedAt != nil {
		out.DurationMs = r.FinishedAt.Sub(*r.StartedAt).Milliseconds()
	}
	if r.Metadata != nil {
		out.Metadata = json.RawMessage(*r.Metadata)
	}
	return out
}

// retrieveJSON is the retrieve answer: payload and output decoded as the
// service's parsePacketAsJson does, or as presigned URLs when stored apart.
func (s *Server) retrieveRunJSON(r *runRecord, baseURL string) retrieveRunJSON {
	out := retrieveRunJSON{runJSON: r.json(), Region: s.environmentID(), TriggerFunction: "trigger", AttemptCount: r.AttemptCount, Attempts: []any{}, Error: r.Error}
	if r.UserKey != "" { // the service's getUserProvidedIdempotencyKey; the list shows the key itself
		out.IdempotencyKey = r.UserKey
	}
	out.RelatedRuns.Children = []any{}
	out.Payload, out.PayloadPresignedURL = s.packetJSON(r.Payload, r.PayloadType, baseURL)
	if r.Status == runCompleted {
		out.Output, out.OutputPresignedURL = s.packetJSON(r.Output, r.OutputType, baseURL)
	}
	return out
}

// packetJSON is a stored packet as the retrieve answer carries it: its value
// as JSON, or a presigned URL for one stored apart.
func (s *Server) packetJSON(data *string, dataType, baseURL string) (json.RawMessage, string) {
	switch {
	case data == nil:
		return nil, ""
	case dataType == "application/store":
		return nil, s.presign(baseURL, *data)
	case dataType == "text/plain":
		var b bytes.Buffer
		jsQuote(&b, *data)
		return b.Bytes(), ""
	case dataType == "application/super+json":
		var doc struct {
			JSON json.RawMessage `json:"json"`
		}
		if json.Unmarshal([]byte(*data), &doc) != nil || doc.JSON == nil {
			return json.RawMessage("null"), ""
		}
		return doc.JSON, ""
	}
	return json.RawMessage(*data), ""
}

// serveRunRoutes routes the task-run endpoints; it reports whether path is one.
func (s *Server) serveRunRoutes(w http.ResponseWriter, r *http.Request, path string) bool {
	if path == runsListPath {
		if !isRead(r) {
			writeRouteError(w, http.StatusMethodNotAllowed) // the route has no action
		} else if s.authorized(w, r) {
			s.serveRunList(w, r)
		}
		return true
	}
	if rest, ok := strings.CutPrefix(path, tasksPrefix); ok {
		taskID, ok := strings.CutSuffix(rest, "/trigger")
		if !ok || taskID == "" || strings.Contains(taskID, "/") {
			return false
		}
		if isRead(r) {
			w.WriteHeader(http.StatusMethodNotAllowed) // the route's loader answers 405, no body
		} else if scopes, ok := s.authenticate(w, r, true); ok {
			s.serveTrigger(w, r, unescape(taskID), scopes)
		}
		return true
	}
	if id, ok := strings.CutPrefix(path, runRetrievePath); ok && id != "" && !strings.Contains(id, "/") {
		if !isRead(r) {
			writeRouteError(w, http.StatusMethodNotAllowed)
		} else if scopes, ok := s.authenticate(w, r, true); ok {
			s.serveRunRetrieve(w, r, unescape(id), scopes)
		}
		return true
	}
	if rest, ok := strings.CutPrefix(path, runCancelPrefix); ok {
		id, ok := strings.CutSuffix(rest, "/cancel")
		if !ok || id == "" || strings.Contains(id, "/") {
			return false
		}
		if isRead(r) {
			writeRouteError(w, http.StatusBadRequest) // the route has no loader
		} else if scopes, ok := s.authenticate(w, r, true); ok {
			s.serveRunCancel(w, unescape(id), scopes)
		}
		return true
	}
	return false
}

// serveRunRetrieve answers the secret key, or a public token that may read
// the run, its task or one of its tags (the 403 comes after the 404).
func (s *Server) serveRunRetrieve(w http.ResponseWriter, r *http.Request, id string, scopes []string) {
	s.mu.Lock()
	rec := s.lookupRun(id)
	var body retrieveRunJSON
	allowed := rec != nil && (scopes == nil || permits(scopes, "read", rec.resources(true)...))
	if allowed {
		s.poll(rec)
		body = s.retrieveRunJSON(rec, baseURLOf(r))
	}
	s.mu.Unlock()
	switch {
	case rec == nil:
		// The route builder's answer when its resource is not found; the run
		// may be on its way to the replica the route reads, so it asks for a retry.
		w.Header().Set("x-should-retry", "true")
		writeError(w, http.StatusNotFound, "Not found")
	case !allowed:
		writeUnauthorized(w)
	default:
		writeJSON(w, http.StatusOK, body)
	}
}

// serveRunCancel answers the secret key, or a public token that may write
// the run or its task (the 403 comes after the 404).
func (s *Server) serveRunCancel(w http.ResponseWriter, id string, scopes []string) {
	s.mu.Lock()
	rec := s.lookupRun(id)
	allowed := rec != nil && (scopes == nil || permits(scopes, "write", rec.resources(false)...))
	if allowed {
		s.cancel(rec)
	}
	s.mu.Unlock()
	switch {
	case rec == nil:
		writeError(w, http.StatusNotFound, "Resource not found") // the route builder's, before the action
	case !allowed:
		writeUnauthorized(w)
	default:
		writeJSON(w, http.StatusOK, map[string]string{"id": rec.ID})
	}
}

// resources are what a public token's scope can name to reach the run: the
// run and its task, and for reading its tags too.
func (r *runRecord) resources(withTags bool) []resource {
	out := []resource{{"runs", r.ID}, {"tasks", r.TaskIdentifier}}
	if withTags {
		for _, tag := range r.Tags {
			out = append(out, resource{"tags", tag})
		}
	}
	return out
}

// serveTrigger answers the secret key, or a public token that may trigger
// the task, checked after the body is read.
func (s *Server) serveTrigger(w http.ResponseWriter, r *http.Request, taskID string, scopes []string) {
	body, ok := readAPIBody(w, r, maxTriggerBody)
	if !ok {
		return
	}
	if scopes != nil && !permits(scopes, "trigger", resource{"tasks", taskID}) {
		writeUnauthorized(w)
		return
	}
	spec, status, message := s.parseTrigger(taskID, body, r.Header)
	if status != 0 {
		writeError(w, status, message)
		return
	}
	s.mu.Lock()
	rec, cached := s.trigger(taskID, spec)
	id := rec.ID
	s.mu.Unlock()
	granted := []string{"read:runs:" + id, "write:inputStreams:" + id}
	claims, _ := json.Marshal(struct {
		Sub    string   `json:"sub"`
		Pub    bool     `json:"pub"`
		Scopes []string `json:"scopes"`
	}{s.environmentID(), true, granted})
	w.Header().Set("x-trigger-jwt", s.signJWT(granted, 60*60))
	w.Header().Set("x-trigger-jwt-claims", string(claims))
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "isCached": cached})
}
