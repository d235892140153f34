package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// OutputJSON returns the token's output as plain JSON text, whatever type the
// service stored it as: a superjson document unwrapped to its "json" member,
// text/plain as a JSON string, application/json as is, and an
// application/store output as its fetched data decoded by its content type. It
// returns nil when there is no output, or for a store output not fetched (list
// items).
func (t Token) OutputJSON() (*string, error) {
	if t.stored != nil {
		return Token{ID: t.ID, Output: &t.stored.data, OutputType: &t.stored.contentType}.OutputJSON()
	}
	if t.Output == nil {
		return nil, nil
	}
	outputType := OutputTypeJSON
	if t.OutputType != nil {
		outputType = *t.OutputType
	}
	if outputType == OutputTypeStore {
		return nil, nil
	}
	return decodeOutput("token "+t.ID, *t.Output, outputType)
}

// decodeOutput returns an output stored as outputType as plain JSON text: a
// superjson document unwrapped to its "json" member, text/plain as a JSON
// string, anything else as JSON. owner names it in errors ("token waitpoint_…").
func decodeOutput(owner, raw, outputType string) (*string, error) {
	switch outputType {
	case OutputTypeText:
		return textAsJSON(raw)
	case OutputTypeSuperJSON:
		var doc struct {
			JSON json.RawMessage `json:"json"`
		}
		if err := json.Unmarshal([]byte(raw), &doc); err != nil {
			return nil, fmt.Errorf("%s: output is not a superjson document: %w", owner, err)
		}
		s := "null"
		if doc.JSON != nil {
			s = string(doc.JSON)
		}
		return &s, nil
	default:
		if !json.Valid([]byte(raw)) {
			return nil, fmt.Errorf("%s: output of type %q is not valid JSON", owner, outputType)
		}
		return &raw, nil
	}
}

// textAsJSON quotes text as a JSON string, leaving <, > and & as they are: the
// result is read by people in plans, not embedded in HTML.
func textAsJSON(text string) (*string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(text); err != nil {
		return nil, err
	}
	s := strings.TrimSuffix(b.String(), "\n")
	return &s, nil
}
