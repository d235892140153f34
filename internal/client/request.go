package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/hashicorp/go-retryablehttp"
)

// call is one API operation: what it is (for errors), and what it sends.
type call struct {
	operation string // e.g. `retrieve waitpoint token "waitpoint_abc"`; never holds a secret
	method    string
	path      string
	query     url.Values
	body      []byte // JSON, sent again as is by every retry; nil: none
}

// get sends one GET (with retries) and decodes a JSON answer into out.
func (c *Client) get(ctx context.Context, operation, path string, query url.Values, out any) error {
	return c.do(ctx, call{operation: operation, method: http.MethodGet, path: path, query: query}, out)
}

// post sends one POST of a JSON body (with retries) and decodes a JSON answer
// into out.
func (c *Client) post(ctx context.Context, operation, path string, body []byte, out any) error {
	return c.do(ctx, call{operation: operation, method: http.MethodPost, path: path, body: body}, out)
}

// do sends the call, with retries, and decodes a JSON answer into out.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	req, err := c.newRequest(ctx, cl)
	if err != nil {
		return fmt.Errorf("%s: %w", cl.operation, err)
	}
	if err := c.gate.wait(ctx); err != nil {
		return fmt.Errorf("%s: %w", cl.operation, err)
	}
	resp, err := c.send(req)
	if err != nil {
		if resp != nil { // a retry the policy refused still carries its answer
			err = c.withMessage(resp, cl.operation, err)
		}
		if attemptTimedOut(ctx, err) {
			err = fmt.Errorf("no answer within the request timeout of %s: %w", FormatDuration(c.httpClient.Timeout), err)
		}
		return fmt.Errorf("%s: %w", cl.operation, contextOr(ctx, err))
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := readBody(resp, c.maxBodyBytes)
	if err != nil {
		return fmt.Errorf("%s: %w", cl.operation, contextOr(ctx, err))
	}
	defer body.release()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &APIError{StatusCode: resp.StatusCode, Message: c.serverMessage(resp.StatusCode, body.Bytes()), Operation: cl.operation}
	}
	if err := decodeBody(body.Bytes(), out); err != nil {
		return fmt.Errorf("%s: malformed response body from %s (Content-Type %q): %w",
			cl.operation, cl.path, c.redact(resp.Header.Get("Content-Type")), err)
	}
	return nil
}

// attemptTimedOut reports whether err is an attempt that got no answer within
// the request timeout, not the caller's context nor a wait refused for it.
func attemptTimedOut(ctx context.Context, err error) bool {
	if _, refused := errors.AsType[*WaitPastDeadlineError](err); refused || ctx.Err() != nil {
		return false
	}
	netErr, ok := errors.AsType[net.Error](err)
	return ok && netErr.Timeout()
}

// newRequest builds the call's request with the headers every call carries.
func (c *Client) newRequest(ctx context.Context, cl call) (*retryablehttp.Request, error) {
	target := c.baseURL + cl.path
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	var body any // a nil []byte would still be a body to retryablehttp
	if cl.body != nil {
		body = cl.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, cl.method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("x-trigger-api-version", APIVersion) // as the SDK sends on every request
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// shaped is a response whose decoded value can tell whether it has the shape
// the API documents, so that a proxy's 200 is never read as an empty token.
type shaped interface{ checkShape() error }

// decodeBody decodes a JSON answer into out and checks its shape.
func decodeBody(body []byte, out any) error {
	if err := json.Unmarshal(body, out); err != nil {
		return err
	}
	if s, ok := out.(shaped); ok {
		return s.checkShape()
	}
	return nil
}

// withMessage adds the server's words to the error of a retry the client did
// not make (WaitTooLongError, WaitPastDeadlineError), and closes resp.
func (c *Client) withMessage(resp *http.Response, operation string, err error) error {
	defer func() { _ = resp.Body.Close() }()
	tooLong, isTooLong := errors.AsType[*WaitTooLongError](err)
	late, isLate := errors.AsType[*WaitPastDeadlineError](err)
	if !isTooLong && !isLate {
		return err
	}
	message := http.StatusText(resp.StatusCode)
	if body, readErr := readBody(resp, c.maxBodyBytes); readErr == nil {
		message = c.serverMessage(resp.StatusCode, body.Bytes())
		body.release()
	}
	if isTooLong {
		tooLong.Message = message
	}
	if isLate {
		late.Last = &APIError{StatusCode: resp.StatusCode, Message: message, Operation: operation}
	}
	return err
}

// contextOr prefers the context's own error, so callers can test for
// context.Canceled or context.DeadlineExceeded whichever layer noticed it.
func contextOr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return err
}

// jsonBody is v as a request body; v is the client's own struct, which always
// encodes.
func jsonBody(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
