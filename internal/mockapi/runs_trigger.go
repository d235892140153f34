package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// machinePresets are the machine names the service accepts.
var machinePresets = []string{"micro", "small-1x", "small-2x", "medium-1x", "medium-2x", "large-1x", "large-2x"}

// parseTrigger reads a trigger's body and headers as the service does: the
// body schema's problems are one 400 naming each (path and zod's words); then
// too many tags are a 422, a version lock checkVersion refuses, and
// metadata over 256 KiB a 413. An unknown task is accepted, as every
// environment accepts it (the run waits on the queue task/<id>). The
// idempotency-key and idempotency-key-ttl headers win over the options. A
// trigger without a ttl gets the development environment's default.
func (s *Server) parseTrigger(taskID string, body *jsObject, header http.Header) (triggerSpec, int, string) {
	// One reading of the clock: the run's creation and its delay are times
	// from the same instant.
	spec := triggerSpec{received: s.now().UTC().Truncate(time.Millisecond)}
	var problems []string
	problem := func(path, message string) { problems = append(problems, fmt.Sprintf("%s at %q", message, path)) }
	// enum reads object's key, which must be one of values, noting zod's
	// problem with it otherwise (and returning "").
	enum := func(path string, object *jsObject, key string, values []string) string {
		quoted := "'" + strings.Join(values, "' | '") + "'"
		v, present := object.values[key]
		name, isString := v.(string)
		var message string
		switch {
		case !present:
			message = "Required"
		case !isString:
			message = fmt.Sprintf("Expected %s, received %s", quoted, jsTypeName(v))
		case !slices.Contains(values, name):
			message = fmt.Sprintf("Invalid enum value. Expected %s, received '%s'", quoted, name)
		default:
			return name
		}
		problem(path, message)
		return ""
	}
	// union is zod's problem with a value that is neither a string nor a number.
	union := func(path string, v any) {
		problems = append(problems, fmt.Sprintf("%s at %q, or Expected number, received %s at %q", expectedString(v), path, jsTypeName(v), path))
	}
	spec.payload, spec.payloadType = payloadPacket(body), "application/json"
	options := &jsObject{values: map[string]any{}}
	if v, ok := body.values["options"]; ok {
		if o, isObject := v.(*jsObject); isObject {
			options = o
		} else {
			problem("options", "Expected object, received "+jsTypeName(v))
		}
	}
	str := func(key string) (string, bool) {
		v, ok := options.values[key]
		if !ok {
			return "", false
		}
		s, isString := v.(string)
		if !isString {
			problem("options."+key, expectedString(v))
		}
		return s, isString
	}
	// The options in the order of the service's schema, which is the order
	// of zod's problems.
	spec.lockToVersion, _ = str("lockToVersion")
	if v, ok := options.values["queue"]; ok {
		queue, isObject := v.(*jsObject)
		if !isObject {
			problem("options.queue", "Expected object, received "+jsTypeName(v))
		} else if name, hasName := queue.values["name"]; !hasName {
			problem("options.queue.name", "Required")
		} else if n, isString := name.(string); !isString {
			problem("options.queue.name", expectedString(name))
		} else {
			spec.queue = n
		}
	}
	if v, ok := options.values["concurrencyKey"]; ok {
		switch v := v.(type) {
		case string:
			spec.concurrencyKey = v
		case json.Number:
			f, _ := strconv.ParseFloat(string(v), 64)
			spec.concurrencyKey = jsNumber(f)
		default:
			union("options.concurrencyKey", v)
		}
	}
	if v, ok := options.values["delay"]; ok {
		// A string, or anything z.coerce.date takes; a past date is no delay.
		if at, valid := parseTimeout(v, spec.received); !valid {
			problems = append(problems, fmt.Sprintf("%s at %q, or Invalid date at %q", expectedString(v), "options.delay", "options.delay"))
		} else if at.After(spec.received) {
			spec.delayUntil = &at
		}
	}
	if key, ok := str("idempotencyKey"); ok {
		if utf16Length(key) > maxIdempotencyKey {
			problem("options.idempotencyKey", "idempotencyKey must be 2048 characters or less")
		}
		spec.key = key
	}
	ttlText, _ := str("idempotencyKeyTTL")
	if v, ok := options.values["idempotencyKeyOptions"]; ok {
		keyOptions, isObject := v.(*jsObject)
		if !isObject {
			problem("options.idempotencyKeyOptions", "Expected object, received "+jsTypeName(v))
		} else {
			userKey, isString := keyOptions.values["key"].(string)
			if !isString {
				problem("options.idempotencyKeyOptions.key", expectedString(keyOptions.values["key"]))
			}
			_ = enum("options.idempotencyKeyOptions.scope", keyOptions, "scope", []string{"run", "attempt", "global"})
			spec.userKey = userKey
		}
	}
	if _, ok := options.values["machine"]; ok {
		spec.machine = enum("options.machine", options, "machine", machinePresets)
	}
	number := func(key string, integer bool) (float64, bool) {
		v, ok := options.values[key]
		if !ok {
			return 0, false
		}
		n, isNumber := v.(json.Number)
		if !isNumber {
			problem("options."+key, "Expected number, received "+jsTypeName(v))
			return 0, false
		}
		f, _ := strconv.ParseFloat(string(n), 64)
		if integer && f != math.Trunc(f) {
			problem("options."+key, "Expected integer, received float")
			return 0, false
		}
		return f, true
	}
	if n, ok := number("maxAttempts", true); ok {
		spec.maxAttempts = int(n)
	}
	if n, ok := number("maxDuration", false); ok {
		spec.maxDuration = int(min(max(n, minMaxDuration), maxMaxDuration))
	}
	_, _ = str("metadataType")
	payloadType, hasPayloadType := str("payloadType")
	rawTags, hasTags := options.values["tags"]
	tags, tagProblem := parseTags(rawTags, hasTags)
	if tagProblem != "" { // parseTags names the token's paths: tags, tags[0]
		problems = append(problems, strings.ReplaceAll(tagProblem, `at "tags`, `at "options.tags`))
	}
	if v, ok := options.values["ttl"]; ok {
		switch v := v.(type) {
		case string:
			spec.ttl = v
		case json.Number:
			f, _ := strconv.ParseFloat(string(v), 64)
			switch {
			case f != math.Trunc(f):
				problem("options.ttl", "Expected integer, received float")
			case f < 0:
				problem("options.ttl", "Number must be greater than or equal to 0")
			default:
				spec.ttl = stringifyDuration(int64(f))
			}
		default:
			union("options.ttl", v)
		}
	} else {
		spec.ttl = developmentTTL
	}
	if v, ok := options.values["metadata"]; ok && !jsFalsy(v) {
		text := jsonStringify(v)
		spec.metadata = &text
	}
	if len(problems) > 0 {
		return triggerSpec{}, http.StatusBadRequest, "Validation error: " + strings.Join(problems, "; ")
	}
	if hasPayloadType && payloadType != "application/json" {
		spec.payload, spec.payloadType = packetOfType(body.values["payload"], payloadType)
	}
	// The headers' idempotency key and TTL win over the options'.
	if key := header.Get("idempotency-key"); key != "" {
		spec.key = key
	}
	if ttl := header.Get("idempotency-key-ttl"); ttl != "" {
		ttlText = ttl
	}
	if m := ttlPattern.FindStringSubmatch(ttlText); m != nil {
		n, _ := strconv.Atoi(m[1])
		spec.keyTTL = time.Duration(n) * ttlUnits[m[2]]
	}
	if hasTags && len(tags) > maxRunTags {
		return triggerSpec{}, http.StatusUnprocessableEntity,
			fmt.Sprintf("Runs can only have %d tags, you're trying to set %d.", maxRunTags, len(tags))
	}
	for _, tag := range tags {
		if strings.TrimSpace(tag) != "" {
			spec.tags = append(spec.tags, tag)
		}
	}
	if v := spec.lockToVersion; v != "" {
		s.mu.Lock()
		status, message := s.checkVersion(taskID, v)
		s.mu.Unlock()
		if status != 0 {
			return triggerSpec{}, status, message
		}
	}
	if spec.metadata != nil && len(*spec.metadata) > maxRunMetadata {
		return triggerSpec{}, http.StatusRequestEntityTooLarge, fmt.Sprintf("Metadata exceeds maximum size of %d bytes", maxRunMetadata)
	}
	return spec, 0, ""
}

// checkVersion refuses a version lock as the service does: a version no
// worker has (here: no task fixture's versions) fails its engine-version
// lookup with a plain error, a 500; a version without the task is the queue
// resolution's 422. The caller holds s.mu.
func (s *Server) checkVersion(taskID, version string) (int, string) {
	if script := s.tasks[taskID]; script != nil && slices.Contains(script.Versions, version) {
		return 0, ""
	}
	for _, script := range s.tasks {
		if slices.Contains(script.Versions, version) {
			return http.StatusUnprocessableEntity, fmt.Sprintf("Task '%s' not found on locked version '%s'.", taskID, version)
		}
	}
	return http.StatusInternalServerError, "Something went wrong"
}

// payloadPacket is the body's payload as the service stores it by default
// (payloadType application/json): JSON.stringify of the value; none when the
// body has no payload.
func payloadPacket(body *jsObject) *string {
	v, ok := body.values["payload"]
	if !ok {
		return nil
	}
	text := jsonStringify(v)
	return &text
}

// packetOfType is a payload sent already serialised as dataType (the SDK
// sends application/super+json): a string is stored as is, anything else
// not at all.
func packetOfType(v any, dataType string) (*string, string) {
	if text, ok := v.(string); ok {
		return &text, dataType
	}
	return nil, dataType
}

// stringifyDuration writes seconds as the service does: 1w2d3h4m5s, zero
// units left out; nothing for 0.
func stringifyDuration(seconds int64) string {
	var b strings.Builder
	for _, u := range []struct {
		unit string
		size int64
	}{{"w", 604800}, {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}} {
		if n := seconds / u.size; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.unit)
		}
		seconds %= u.size
	}
	return b.String()
}

// jsonStringify is JSON.stringify of a value parseJS returned: -0 as 0, and
// numbers beyond a double as null.
func jsonStringify(v any) string {
	var b bytes.Buffer
	writeJSValue(&b, v)
	return b.String()
}

func writeJSValue(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		jsQuote(b, v)
	case json.Number:
		f, _ := strconv.ParseFloat(string(v), 64)
		switch {
		case math.IsInf(f, 0):
			b.WriteString("null")
		case f == 0:
			b.WriteString("0")
		default:
			b.WriteString(jsNumber(f))
		}
	case []any:
		b.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSValue(b, item)
		}
		b.WriteByte(']')
	case *jsObject:
		b.WriteByte('{')
		for i, key := range propertyOrder(v.keys) {
			if i > 0 {
				b.WriteByte(',')
			}
			jsQuote(b, key)
			b.WriteByte(':')
			writeJSValue(b, v.values[key])
		}
		b.WriteByte('}')
	}
}
