package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// faultJSON is a Fault as the command's -fault flag and POST /_mock/faults
// take it: the same fields in camelCase, durations as Go durations ("2s"),
// one value per header.
type faultJSON struct {
	Count          int               `json:"count"`
	Status         int               `json:"status"`
	Latency        string            `json:"latency"`
	RateLimitReset string            `json:"rateLimitReset"`
	Header         map[string]string `json:"header"`
	Body           string            `json:"body"`
	ContentType    string            `json:"contentType"`
	Truncate       bool              `json:"truncate"`
	Reset          bool              `json:"reset"`
	AfterWork      bool              `json:"afterWork"`
}

// ParseFault reads one fault from its JSON form, such as
// {"status":502,"count":2} or {"reset":true,"afterWork":true}; an error names
// the field. Unknown fields are refused, so a misspelt one does not silently
// queue a fault that does nothing.
func ParseFault(data []byte) (Fault, error) {
	var in faultJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Fault{}, fmt.Errorf("a fault is a JSON object such as {\"status\":502,\"count\":2}: %w", err)
	}
	if dec.More() {
		return Fault{}, errors.New("a fault is one JSON object; send one per flag or request")
	}
	f := Fault{Count: in.Count, Status: in.Status, Body: in.Body, ContentType: in.ContentType,
		Truncate: in.Truncate, Reset: in.Reset, AfterWork: in.AfterWork}
	var err error
	if f.Latency, err = faultDuration("latency", in.Latency); err != nil {
		return Fault{}, err
	}
	if f.RateLimitReset, err = faultDuration("rateLimitReset", in.RateLimitReset); err != nil {
		return Fault{}, err
	}
	if len(in.Header) > 0 {
		f.Header = http.Header{}
		for k, v := range in.Header {
			f.Header.Set(k, v)
		}
	}
	switch {
	case in.Count < 0:
		return Fault{}, fmt.Errorf("count must be 1 or more (0 or absent: 1), got %d", in.Count)
	case in.Status != 0 && (in.Status < 200 || in.Status > 599):
		return Fault{}, fmt.Errorf("status must be an HTTP status from 200 to 599, got %d", in.Status)
	case in.ContentType != "" && in.Body == "":
		return Fault{}, errors.New("contentType needs a body")
	case f.AfterWork && !f.answers():
		return Fault{}, errors.New("afterWork needs an answer to send instead of the real one: status, body, rateLimitReset or reset")
	case !f.answers() && f.Latency == 0 && len(f.Header) == 0 && !f.Truncate:
		return Fault{}, errors.New("the fault does nothing: give status, body, rateLimitReset, reset, latency, header or truncate")
	}
	return f, nil
}

// faultDuration parses a fault's duration field; empty is none.
func faultDuration(field, value string) (time.Duration, error) {
	if value == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive Go duration such as \"2s\", got %q", field, value)
	}
	return d, nil
}
