package client

import (
	"encoding/json"
	"errors"
	"time"
)

// Status is the lifecycle state of a waitpoint token.
type Status string

// The statuses the service knows.
const (
	StatusWaiting   Status = "WAITING"
	StatusCompleted Status = "COMPLETED"
	StatusTimedOut  Status = "TIMED_OUT"
)

// Statuses lists every status, in the order the API documents them.
var Statuses = []Status{StatusWaiting, StatusCompleted, StatusTimedOut}

// StatusStrings returns statuses, a token's or a run's, as the strings the
// API uses.
func StatusStrings[S ~string](statuses []S) []string {
	names := make([]string, len(statuses))
	for i, s := range statuses {
		names[i] = string(s)
	}
	return names
}

// UnmarshalJSON shares the known statuses' strings instead of allocating one
// per token: a listing decodes thousands.
func (s *Status) UnmarshalJSON(b []byte) error {
	for _, known := range Statuses {
		if len(b) == len(known)+2 && string(b[1:len(b)-1]) == string(known) {
			*s = known
			return nil
		}
	}
	var raw *string
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw != nil {
		*s = Status(*raw)
	}
	return nil
}

// Output types the service stores a completion payload as.
const (
	OutputTypeSuperJSON = "application/super+json"
	OutputTypeJSON      = "application/json"
	OutputTypeText      = "text/plain"
	OutputTypeStore     = "application/store"
)

// Token is a waitpoint token as the API returns it. Optional values the service
// omits (or sends as null) are nil pointers, so absence is never confused with a
// zero value.
type Token struct {
	ID                      string     `json:"id"`
	URL                     string     `json:"url"`
	Status                  Status     `json:"status"`
	IdempotencyKey          *string    `json:"idempotencyKey"`
	IdempotencyKeyExpiresAt *time.Time `json:"idempotencyKeyExpiresAt"`
	TimeoutAt               *time.Time `json:"timeoutAt"`
	CompletedAt             *time.Time `json:"completedAt"`
	CreatedAt               time.Time  `json:"createdAt"`
	Tags                    []string   `json:"tags"`
	// Output, OutputType and OutputIsError come only from GetToken; list items
	// carry none of them.
	Output        *string `json:"output"`
	OutputType    *string `json:"outputType"`
	OutputIsError *bool   `json:"outputIsError"`
	// stored is the data behind an application/store Output, which GetToken
	// fetches; Output and OutputType keep the service's own values.
	stored *storedOutput
}

// checkShape refuses a token without the values every token has.
func (t *Token) checkShape() error {
	if t.ID == "" || t.Status == "" {
		return errors.New("not a waitpoint token: it has no id or no status")
	}
	return nil
}

// ListParams filters a token listing. Zero values mean "no filter".
type ListParams struct {
	Statuses       []Status
	Tags           []string // a token matches when it has any of them
	IdempotencyKey string
	CreatedPeriod  string // the service's duration syntax: 30m, 24h, 7d, 2w, 1h30m
	CreatedFrom    *time.Time
	CreatedTo      *time.Time
	PageSize       int // 1 to 100; 0 leaves the service's default (25)
}
