package mockapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Fixture is one token of a fixtures file, with the retrieve endpoint's keys.
// Absent keys mean absent values, except: id is generated, createdAt is the
// mock's start (entries without one listed in file order), status is WAITING
// and outputType application/json. url is always computed; url, type and
// completedAfter are accepted and ignored, so a retrieve answer can be pasted.
type Fixture struct {
	ID                         string     `json:"id"`
	Status                     string     `json:"status"`
	IdempotencyKey             string     `json:"idempotencyKey"`
	IdempotencyKeyExpiresAt    *time.Time `json:"idempotencyKeyExpiresAt"`
	UserProvidedIdempotencyKey *bool      `json:"userProvidedIdempotencyKey"` // default: whether idempotencyKey is given
	InactiveIdempotencyKey     string     `json:"inactiveIdempotencyKey"`
	TimeoutAt                  *time.Time `json:"timeoutAt"`
	CompletedAt                *time.Time `json:"completedAt"`
	CreatedAt                  *time.Time `json:"createdAt"`
	Tags                       []string   `json:"tags"`
	Output                     *string    `json:"output"`
	OutputType                 string     `json:"outputType"`
	OutputIsError              bool       `json:"outputIsError"`

	URL            json.RawMessage `json:"url"`
	Type           json.RawMessage `json:"type"`
	CompletedAfter json.RawMessage `json:"completedAfter"`
}

var fixtureID = regexp.MustCompile(`^waitpoint_[a-z0-9]+$`)

// ParseFixtures reads a JSON array of fixtures; an error names the entry (its
// index from 0, and its id when it has one) and what is wrong with it.
func ParseFixtures(data []byte) ([]Fixture, error) {
	var entries []json.RawMessage
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("not a JSON array of token objects: %w", err)
	}
	fixtures := make([]Fixture, len(entries))
	seen := map[string]bool{}
	for i, raw := range entries {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		err := dec.Decode(&fixtures[i])
		if err == nil {
			err = fixtures[i].check(seen)
		}
		if err != nil {
			name := fmt.Sprintf("entry %d", i)
			if fixtures[i].ID != "" {
				name += fmt.Sprintf(" (%s)", fixtures[i].ID)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return fixtures, nil
}

// check refuses what the service could never answer.
func (f *Fixture) check(seen map[string]bool) error {
	f.Status = cmp.Or(f.Status, "WAITING")
	f.OutputType = cmp.Or(f.OutputType, "application/json")
	switch {
	case f.ID != "" && !fixtureID.MatchString(f.ID):
		return fmt.Errorf("id %q is not waitpoint_ followed by lowercase letters and digits", f.ID)
	case f.ID != "" && seen[f.ID]:
		return fmt.Errorf("id %q appears twice", f.ID)
	case !slices.Contains([]string{"WAITING", "COMPLETED", "TIMED_OUT"}, f.Status):
		return fmt.Errorf("status %q is not WAITING, COMPLETED or TIMED_OUT", f.Status)
	case f.OutputType == "application/store":
		return errors.New("outputType application/store: give the output itself; the mock offloads outputs over 512 KiB as the service does")
	case !slices.Contains([]string{"application/json", "application/super+json", "text/plain"}, f.OutputType):
		return fmt.Errorf("outputType %q is not application/json, application/super+json or text/plain", f.OutputType)
	case f.Status == "WAITING" && (f.Output != nil || f.CompletedAt != nil):
		return errors.New("a WAITING token has no output and no completedAt")
	case len(f.Tags) > maxTags:
		return fmt.Errorf("%d tags: the service allows at most %d", len(f.Tags), maxTags)
	}
	seen[f.ID] = true
	return nil
}

// load adds fixtures, now being the createdAt of those without one; the
// caller holds s.mu. Tokens are created oldest first, so the list endpoint
// answers newest first; entries created at the same instant list in file order.
func (s *Server) load(fixtures []Fixture, now time.Time) {
	order := make([]int, len(fixtures))
	for i := range order {
		order[len(order)-1-i] = i
	}
	created := func(i int) time.Time { return *cmp.Or(fixtures[i].CreatedAt, &now) }
	slices.SortStableFunc(order, func(a, b int) int { return created(a).Compare(created(b)) })
	for _, i := range order {
		f := fixtures[i]
		r := s.add(f.ID, created(i), f.Tags, false)
		switch {
		case f.UserProvidedIdempotencyKey != nil && !*f.UserProvidedIdempotencyKey:
			r.generated = cmp.Or(f.IdempotencyKey, r.generated)
		case f.IdempotencyKey != "":
			r.setUserKey(f.IdempotencyKey, f.IdempotencyKeyExpiresAt)
		}
		r.IdempotencyKeyExpiresAt = millis(f.IdempotencyKeyExpiresAt) // with or without a user key
		r.inactiveKey = f.InactiveIdempotencyKey
		// Defaults again, for fixtures built in Go rather than parsed.
		r.Status, r.TimeoutAt, r.CompletedAt = cmp.Or(f.Status, "WAITING"), millis(f.TimeoutAt), millis(f.CompletedAt)
		r.Output, r.OutputType = s.offload(r.ID+"/token", f.Output, cmp.Or(f.OutputType, "application/json"))
		r.OutputIsError = f.OutputIsError
	}
}

func millis(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	at := t.UTC().Truncate(time.Millisecond)
	return &at
}

// TaskFixture scripts what every run of one task does, from a fixtures
// document's "tasks". A run answers QUEUED to its first retrieve, EXECUTING
// to the next ones, and ends with Outcome at retrieve Polls+1: with Polls 0,
// the first retrieve sees it ended.
type TaskFixture struct {
	Outcome string          `json:"outcome"` // one of Outcomes; default COMPLETED
	Output  json.RawMessage `json:"output"`  // any JSON, for COMPLETED; absent: the task returned nothing
	Error   *RunError       `json:"error"`   // for the other outcomes; absent: the service's message for the outcome
	Polls   int             `json:"polls"`   // retrieves that see the run going on
	// Versions are the deployed versions that have the task, which a
	// trigger's lockToVersion may name.
	Versions []string `json:"versions"`
}

func (f *TaskFixture) outcome() string { return cmp.Or(f.Outcome, runCompleted) }

// check refuses a script no run could follow.
func (f *TaskFixture) check() error {
	switch outcome := f.outcome(); {
	case !slices.Contains(Outcomes, outcome):
		return fmt.Errorf("outcome %q is not one of %s", f.Outcome, strings.Join(Outcomes, ", "))
	case f.Output != nil && outcome != runCompleted:
		return fmt.Errorf("an output is for a COMPLETED run, not %s: give an error instead", outcome)
	case f.Error != nil && outcome == runCompleted:
		return errors.New("an error is for a run that does not complete: give an outcome")
	case f.Error != nil && f.Error.Message == "":
		return errors.New("the error has no message")
	case f.Polls < 0:
		return fmt.Errorf("polls %d is negative", f.Polls)
	}
	if f.Output != nil {
		if _, err := parseJS(f.Output); err != nil {
			return fmt.Errorf("output is not JSON: %w", err)
		}
	}
	return nil
}

// FixtureDocument is a fixtures file: a JSON array of tokens (see
// ParseFixtures), or an object {"tokens": [...], "tasks": {"<task id>": {...}}}
// of tokens and task scripts (TaskFixture).
type FixtureDocument struct {
	Tokens []Fixture
	Tasks  map[string]TaskFixture
}

// ParseFixtureDocument reads a fixtures file of either form; an error names
// the entry and what is wrong with it.
func ParseFixtureDocument(data []byte) (FixtureDocument, error) {
	if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || trimmed[0] != '{' {
		tokens, err := ParseFixtures(data)
		return FixtureDocument{Tokens: tokens}, err
	}
	var doc struct {
		Tokens json.RawMessage        `json:"tokens"`
		Tasks  map[string]TaskFixture `json:"tasks"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return FixtureDocument{}, fmt.Errorf(`not a JSON array of token objects, nor an object of "tokens" and "tasks": %w`, err)
	}
	out := FixtureDocument{Tasks: doc.Tasks}
	if doc.Tokens != nil {
		var err error
		if out.Tokens, err = ParseFixtures(doc.Tokens); err != nil {
			return FixtureDocument{}, fmt.Errorf("tokens: %w", err)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(doc.Tasks)) {
		script := doc.Tasks[id]
		if id == "" {
			return FixtureDocument{}, errors.New(`tasks: a task id is ""`)
		}
		if err := script.check(); err != nil {
			return FixtureDocument{}, fmt.Errorf("task %q: %w", id, err)
		}
	}
	return out, nil
}

// taskMap is the mock's copy of task scripts, by task id.
func taskMap(tasks map[string]TaskFixture) map[string]*TaskFixture {
	out := make(map[string]*TaskFixture, len(tasks))
	for id, script := range tasks {
		out[id] = &script
	}
	return out
}
