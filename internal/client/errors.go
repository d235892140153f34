package client

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrNotFound matches, with errors.Is, every error for a resource the API says
// does not exist.
var ErrNotFound = errors.New("not found")

// APIError is a response the API answered with a non-success status.
type APIError struct {
	StatusCode int
	Message    string // the body's "error" (or problem+json "detail"/"title"), else the status text
	Operation  string // what was attempted, e.g. `retrieve waitpoint token "waitpoint_abc"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %s", e.Operation, e.StatusCode, e.Message)
}

// Is makes errors.Is(err, ErrNotFound) true for a 404.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.StatusCode == http.StatusNotFound
}

// IsNotFound reports whether err says the resource does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
