package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// APIError is a response the API answered with a non-success status.
type APIError struct {
	StatusCode int
	Message    string // the body's "error" (or problem+json "detail"/"title"), else the status text
	Operation  string // what was attempted, e.g. `retrieve waitpoint token "waitpoint_abc"`
	// TokenID is the id a call on one token (retrieve, complete) named: the
	// service answers a retrieve of an id its environment does not have with
	// 500 (the spec says 404), so either code may mean that no such token
	// exists.
	TokenID string
	// RunID is the id a call on one run (retrieve, cancel) named, for UnknownRun.
	RunID string
}

// Reply is the service's answer alone, without the operation: "HTTP 404: Waitpoint not found".
func (e *APIError) Reply() string {
	return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Message)
}

// UnknownToken is the client's one test for "no such token": it returns the
// answer to a call naming a token by id (retrieve, complete) that may mean the
// token does not exist in the key's environment: a 404, or the real service's
// 500. Its StatusCode tells them apart: a 404 says the token is gone, a 500
// may also be an outage, so a caller must never forget a token on a 500. A
// token looked up by idempotency key is not found as an *UnknownKeyError.
func UnknownToken(err error) (*APIError, bool) {
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok || apiErr.TokenID == "" {
		return nil, false
	}
	return apiErr, apiErr.StatusCode == http.StatusNotFound || apiErr.StatusCode == http.StatusInternalServerError
}

func (e *APIError) Error() string {
	return e.Operation + ": " + e.Reply()
}

// serverMessage is errorMessage with the API key and every callback URL's
// secret hidden: a misbehaving server or proxy may echo the request (its
// Authorization header) or a token, and the message reaches a diagnostic and
// TF_LOG. The body is redacted before it is read, so that shortening details
// cannot cut a secret in two, and the message after, for a secret the JSON
// spelled with escapes.
func (c *Client) serverMessage(status int, body []byte) string {
	return c.redact(errorMessage(status, []byte(c.redact(string(body)))))
}

// callbackSecret is the secret segment of a callback URL, as a path
// (/callback/HASH) or JSON-escaped (callback\/HASH).
var callbackSecret = regexp.MustCompile(`(callback\\?/)[^/\\\s"'?#&<>]+`)

// redact hides the API key and callback URLs' secrets in text the server
// sent: an error's words, a content type, a cursor.
func (c *Client) redact(text string) string {
	if c.apiKey != "" {
		text = strings.ReplaceAll(text, c.apiKey, "(API key)")
	}
	return callbackSecret.ReplaceAllString(text, "${1}(redacted)")
}

// maxDetails bounds how much of an unrecognised details value reaches a message.
const maxDetails = 300

// errorMessage finds the server's words for a failure: the `error` field (with
// its details), a problem+json detail or title, else the status text; never empty.
func errorMessage(status int, body []byte) string {
	var e struct {
		Error   string          `json:"error"`
		Details json.RawMessage `json:"details"`
		Detail  string          `json:"detail"`
		Title   string          `json:"title"`
	}
	_ = json.Unmarshal(body, &e) // a body that is not JSON falls through to the status text
	switch {
	case e.Error != "":
		if details := summariseDetails(e.Details); details != "" {
			return e.Error + ": " + details
		}
		return e.Error
	case e.Detail != "":
		return e.Detail
	case e.Title != "":
		return e.Title
	}
	if text := http.StatusText(status); text != "" {
		return text
	}
	return "(no message)"
}

// summariseDetails turns the details the service sends with an error into one
// line: the messages of validation issues ({"path": [...], "message": ...}), the
// items of a list of strings, or else the JSON itself, shortened.
func summariseDetails(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var issues []struct {
		Path    []any  `json:"path"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &issues) == nil && len(issues) > 0 && issues[0].Message != "" {
		parts := make([]string, len(issues))
		for i, issue := range issues {
			parts[i] = issue.Message
			if len(issue.Path) > 0 {
				parts[i] = joinPath(issue.Path) + ": " + issue.Message
			}
		}
		return strings.Join(parts, "; ")
	}
	var items []string
	if json.Unmarshal(raw, &items) == nil {
		return strings.Join(items, "; ")
	}
	if s := string(raw); len(s) > maxDetails {
		return s[:maxDetails] + "…"
	}
	return string(raw)
}

// joinPath writes a validation issue's path the way the service's messages do:
// filter[status].0.
func joinPath(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}
