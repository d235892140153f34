package client

import (
	"encoding/json"
	"errors"
	"slices"
	"time"
)

// RunStatus is the status of a task run as the API reports it (API version
// APIVersion).
type RunStatus string

// The statuses the service reports, in the order it documents them.
const (
	RunPendingVersion RunStatus = "PENDING_VERSION" // no deployed version has the task or its queue yet
	RunQueued         RunStatus = "QUEUED"
	RunDequeued       RunStatus = "DEQUEUED"
	RunExecuting      RunStatus = "EXECUTING" // also while it waits to retry after a failed attempt
	RunWaiting        RunStatus = "WAITING"   // paused by the system (a wait inside the task), resumed by it
	RunCompleted      RunStatus = "COMPLETED"
	RunCanceled       RunStatus = "CANCELED"
	RunFailed         RunStatus = "FAILED"
	RunCrashed        RunStatus = "CRASHED"
	RunSystemFailure  RunStatus = "SYSTEM_FAILURE"
	RunDelayed        RunStatus = "DELAYED" // triggered with a delay that has not passed
	RunExpired        RunStatus = "EXPIRED" // its ttl passed before it started
	RunTimedOut       RunStatus = "TIMED_OUT"
)

// RunStatuses lists every run status, in the order the API documents them.
var RunStatuses = []RunStatus{
	RunPendingVersion, RunQueued, RunDequeued, RunExecuting, RunWaiting, RunCompleted, RunCanceled,
	RunFailed, RunCrashed, RunSystemFailure, RunDelayed, RunExpired, RunTimedOut,
}

// FinalRunStatuses are the statuses a run never leaves.
var FinalRunStatuses = []RunStatus{RunCompleted, RunCanceled, RunFailed, RunCrashed, RunSystemFailure, RunExpired, RunTimedOut}

// Final reports whether a run with this status has ended for good.
func (s RunStatus) Final() bool { return slices.Contains(FinalRunStatuses, s) }

// RunError is a failed run's error as the API reports it.
type RunError struct {
	Message    string `json:"message"`
	Name       string `json:"name,omitempty"`
	StackTrace string `json:"stackTrace,omitempty"`
}

// Run is a task run as the retrieve endpoint answers it (list items carry
// neither payload, output nor error). Optional values the service omits are
// nil pointers or empty.
type Run struct {
	ID             string     `json:"id"`
	TaskIdentifier string     `json:"taskIdentifier"`
	Status         RunStatus  `json:"status"`
	IdempotencyKey *string    `json:"idempotencyKey"` // the caller's key, as sent
	Version        *string    `json:"version"`        // the deployed version the run is locked to
	Tags           []string   `json:"tags"`
	TTL            *string    `json:"ttl"`
	IsTest         bool       `json:"isTest"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
	StartedAt      *time.Time `json:"startedAt"`
	FinishedAt     *time.Time `json:"finishedAt"`
	DelayedUntil   *time.Time `json:"delayedUntil"`
	ExpiredAt      *time.Time `json:"expiredAt"`
	AttemptCount   int        `json:"attemptCount"`
	DurationMs     float64    `json:"durationMs"`
	CostInCents    float64    `json:"costInCents"`
	// Metadata is the run's metadata object, as JSON; nil when it has none.
	Metadata json.RawMessage `json:"metadata"`
	// Output is a COMPLETED run's output as JSON, decoded by the service;
	// nil when it returned nothing, or when the output is stored apart
	// (OutputPresignedURL), which RetrieveRun fetches. Never log it.
	Output json.RawMessage `json:"output"`
	// OutputPresignedURL names an output of 512 KiB or more, stored apart. A
	// capability for 300 s: never log it.
	OutputPresignedURL string    `json:"outputPresignedUrl"`
	Error              *RunError `json:"error"`
	// stored is the output behind OutputPresignedURL, which RetrieveRun fetches.
	stored *storedOutput
}

// checkShape refuses a run without the values every run has.
func (r *Run) checkShape() error {
	if r.ID == "" || r.Status == "" || r.TaskIdentifier == "" {
		return errors.New("not a task run: it has no id, status or taskIdentifier")
	}
	return nil
}

// OutputJSON returns the run's output as plain JSON text, the stored output
// included; nil when there is none (a run that has not completed, or a task
// that returned nothing), or for a stored output not fetched (list items).
func (r Run) OutputJSON() (*string, error) {
	if r.stored != nil {
		return decodeOutput("run "+r.ID, r.stored.data, r.stored.contentType)
	}
	if r.Output == nil {
		return nil, nil
	}
	return decodeOutput("run "+r.ID, string(r.Output), OutputTypeJSON)
}

// TriggerRequest is what a trigger sends: the payload and the options a
// caller outside a task sets. Zero values are not sent.
type TriggerRequest struct {
	// Payload is the task's payload, any JSON value; nil sends none. Never logged.
	Payload json.RawMessage
	// IdempotencyKey names the run: a trigger of the same task with a live key
	// returns the run that holds it, unless that run failed, crashed, timed
	// out or expired (the service then clears the key and makes a new run).
	// Empty: the client generates one (GeneratedKeyPrefix and 128 random
	// bits), so that a retry after a lost answer makes no second run.
	IdempotencyKey    string
	IdempotencyKeyTTL string // how long the key stays live, ^\d+[smhd]$ (e.g. 1h); empty: the service's 30 days
	Queue             string // the queue's name; empty: the task's own
	ConcurrencyKey    string
	Delay             string // a duration (30m, 1h30m, 2w) or an RFC 3339 instant
	TTL               string // how long the run may wait to start before it expires (10m, 1h); empty: the task's
	Tags              []string
	MaxAttempts       *int            // the task's retry setting when nil
	MaxDuration       *int            // seconds (the service clamps it to at least 5); the task's setting when nil
	Machine           string          // a machine preset name (MachinePresets)
	Metadata          json.RawMessage // a JSON object; nil sends none
	LockToVersion     string          // a deployed version, e.g. 20250101.1; the current one when empty
}

// MachinePresets are the machine names the service accepts.
var MachinePresets = []string{"micro", "small-1x", "small-2x", "medium-1x", "medium-2x", "large-1x", "large-2x"}

// TriggeredRun is the service's answer to a trigger.
type TriggeredRun struct {
	ID string `json:"id"`
	// IsCached is true when a live idempotency key named an existing run,
	// which is returned unchanged: the new payload and options are not applied.
	IsCached bool `json:"isCached"`
	// IdempotencyKey is the key sent: the caller's, or the one generated.
	IdempotencyKey string `json:"-"`
}

func (t *TriggeredRun) checkShape() error {
	if t.ID == "" {
		return errors.New("not a triggered run: it has no id")
	}
	return nil
}

// RunListParams filters a run listing. Zero values mean "no filter".
type RunListParams struct {
	Statuses      []RunStatus
	Tasks         []string // task identifiers
	Tags          []string // a run matches when it has any of them
	CreatedPeriod string   // the service's duration syntax: 30m, 24h, 7d
	CreatedFrom   *time.Time
	CreatedTo     *time.Time
	PageSize      int // 1 to 100; 0 leaves the service's default (25)
}
