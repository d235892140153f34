package client

import (
	"encoding/json"
	"fmt"
)

// OutputJSON returns the token's output as plain JSON text, whatever type the
// service stored it as: a superjson document unwrapped to its "json" member,
// text/plain as a JSON string, application/json as is. It returns nil when there
// is no output or the output is an application/store path rather than the data.
func (t Token) OutputJSON() (*string, error) {
	if t.Output == nil {
		return nil, nil
	}
	outputType := OutputTypeJSON
	if t.OutputType != nil {
		outputType = *t.OutputType
	}
	raw := *t.Output
	switch outputType {
	case OutputTypeStore:
		return nil, nil
	case OutputTypeText:
		b, err := json.Marshal(raw)
		if err != nil {
			return nil, err
		}
		s := string(b)
		return &s, nil
	case OutputTypeSuperJSON:
		var doc struct {
			JSON json.RawMessage `json:"json"`
		}
		if err := json.Unmarshal([]byte(raw), &doc); err != nil {
			return nil, fmt.Errorf("token %s: output is not a superjson document: %w", t.ID, err)
		}
		s := "null"
		if doc.JSON != nil {
			s = string(doc.JSON)
		}
		return &s, nil
	default:
		if !json.Valid([]byte(raw)) {
			return nil, fmt.Errorf("token %s: output of type %q is not valid JSON", t.ID, outputType)
		}
		return &raw, nil
	}
}
