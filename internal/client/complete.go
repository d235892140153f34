package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// CompleteToken completes a WAITING token with data, a JSON value, as the
// official SDK's wait.completeToken does: POST …/complete with {"data": data}.
// Without data (nil or empty) the body is {}, and the token completes with no
// output; the JSON null is an output (null). The service stores a JSON string
// as text, anything else as a superjson document, and leaves no output for
// "" (it tests the value's truthiness). Completing a token that is already
// completed changes nothing, so retries are safe. Errors never hold data.
func (c *Client) CompleteToken(ctx context.Context, id string, data json.RawMessage) error {
	operation := fmt.Sprintf("complete waitpoint token %q", id)
	body := []byte(`{}`)
	if len(data) > 0 {
		if !json.Valid(data) {
			return fmt.Errorf("%s: the data is not valid JSON", operation) // the data itself may be a secret
		}
		body = append(append([]byte(`{"data":`), data...), '}')
	}
	var answer completeAnswer
	return c.onToken(ctx, call{operation: operation, method: http.MethodPost, path: tokenPath(id) + "/complete", body: body}, id, &answer)
}

// completeAnswer is the service's answer to a complete: {"success": true}.
type completeAnswer struct {
	Success bool `json:"success"`
}

func (a *completeAnswer) checkShape() error {
	if !a.Success {
		return errors.New(`the service did not answer {"success": true}`)
	}
	return nil
}
