package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// errPrototypeKey is superjson's refusal of a key it takes for prototype
// pollution; the service's completion routes answer 500 for it.
var errPrototypeKey = errors.New("prototype pollution risk")

// superjsonStringify is superjson.stringify of a value parseJS returned: the
// plain JSON under "json", and under "meta" the paths of the numbers JSON
// cannot hold (-0, ±Infinity), which superjson writes as strings.
func superjsonStringify(v any) (string, error) {
	var body bytes.Buffer
	body.WriteString(`{"json":`)
	leaf, paths, err := writeSuperjson(&body, v)
	if err != nil {
		return "", err
	}
	switch {
	case leaf:
		body.WriteString(`,"meta":{"values":["number"]}`)
	case len(paths) > 0:
		body.WriteString(`,"meta":{"values":{`)
		for i, p := range paths {
			if i > 0 {
				body.WriteByte(',')
			}
			jsQuote(&body, p)
			body.WriteString(`:["number"]`)
		}
		body.WriteString(`}}`)
	}
	body.WriteByte('}')
	return body.String(), nil
}

// writeSuperjson writes v's "json" part and returns its annotations as
// superjson builds them: leaf when v itself is a special number, else the
// paths below v that are, in the order a JavaScript object of them keeps.
func writeSuperjson(b *bytes.Buffer, v any) (leaf bool, paths []string, err error) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		jsQuote(b, v)
	case json.Number:
		return writeNumber(b, string(v)), nil, nil
	case []any:
		b.WriteByte('[')
		var inner []string
		for i, item := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			if inner, err = annotateChild(b, strconv.Itoa(i), item, inner); err != nil {
				return false, nil, err
			}
		}
		b.WriteByte(']')
		return false, propertyOrder(inner), nil
	case *jsObject:
		b.WriteByte('{')
		var inner []string
		for i, key := range propertyOrder(v.keys) {
			if key == "__proto__" || key == "constructor" || key == "prototype" {
				return false, nil, errPrototypeKey
			}
			if i > 0 {
				b.WriteByte(',')
			}
			jsQuote(b, key)
			b.WriteByte(':')
			if inner, err = annotateChild(b, key, v.values[key], inner); err != nil {
				return false, nil, err
			}
		}
		b.WriteByte('}')
		return false, propertyOrder(inner), nil
	}
	return false, nil, nil
}

// annotateChild writes one member and adds its annotation paths, prefixed
// with its escaped key, to inner.
func annotateChild(b *bytes.Buffer, key string, v any, inner []string) ([]string, error) {
	leaf, paths, err := writeSuperjson(b, v)
	if err != nil {
		return nil, err
	}
	escaped := strings.ReplaceAll(key, ".", `\.`)
	if leaf {
		return append(inner, escaped), nil
	}
	for _, p := range paths {
		inner = append(inner, escaped+"."+p)
	}
	return inner, nil
}

// writeNumber writes a JSON number as a double; -0 and the values beyond a
// double become superjson's strings, and it reports that they need meta.
func writeNumber(b *bytes.Buffer, text string) bool {
	f, _ := strconv.ParseFloat(text, 64) // out of range: ±Inf, as JSON.parse gives
	switch {
	case math.IsInf(f, 0):
		jsQuote(b, jsNumber(f))
		return true
	case f == 0 && math.Signbit(f):
		b.WriteString(`"-0"`)
		return true
	}
	b.WriteString(jsNumber(f))
	return false
}

// stringifyIO serialises a completion's value as the service does (its
// stringifyIO): a string as text/plain, any other value (null too) as a
// superjson document; no value, or an empty string, means no output.
func stringifyIO(v any, present bool) (*string, string, error) {
	if s, ok := v.(string); ok {
		if s == "" {
			return nil, "application/json", nil
		}
		return &s, "text/plain", nil
	}
	if !present {
		return nil, "application/json", nil
	}
	doc, err := superjsonStringify(v)
	if err != nil {
		return nil, "", err
	}
	return &doc, "application/super+json", nil
}
