package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The gate: wait until a thing reaches a listed status, then check its output.
// The action and the resource that gate on a waitpoint token are two kinds
// over one gate; a kind that gates on another thing (a task run) brings its
// gateKind and what names the thing, and takes the rest from here: the
// arguments (gateModel, gateAttributes), their run-time check (settings),
// the one wait loop (wait.go) and the output check.

// gateKind is what the gate knows of one kind of thing it waits for, of Go
// type T: a waitpoint token is tokenGate (token_gate.go).
type gateKind[T any] struct {
	waitKind
	// status is T's status as the service writes it; "" for the zero T, which
	// a poll returns while the thing does not exist yet.
	status func(T) string
	// outputIsError reports whether the output of a T in the success status
	// is an error rather than a result.
	outputIsError func(T) bool
	// outputJSON is T's output as plain JSON text, nil when it has none.
	outputJSON func(T) (*string, error)
	// endReason, when set, is what a T in a final status says of its end,
	// such as a failed run's error: it follows the status in messages.
	endReason func(T) string
}

// endedWith is what the thing says of its end, for a message that names its
// status: "" when the kind has no such word or the thing none.
func (k gateKind[T]) endedWith(thing T) string {
	if k.endReason == nil {
		return ""
	}
	if reason := k.endReason(thing); reason != "" {
		return fmt.Sprintf(" (error: %q)", reason)
	}
	return ""
}

// waitKind is the part of a gateKind that does not depend on T: what the
// messages call it, and its statuses.
type waitKind struct {
	noun  string // "waitpoint token": messages, logs and progress
	short string // "token": "no such token", "a `COMPLETED` token's output", the log's field
	// answered is what ends a wait on it: the token "is answered".
	answered string
	// statuses are every status it has: what `statuses` may list.
	statuses []string
	// final reports whether a status never changes again.
	final func(status string) bool
	// success is the status whose output output_contains checks, and a
	// gate's default `statuses`: a listed failure passes with no check.
	success string
	// statusesDescription describes a gate's `statuses`.
	statusesDescription string
	// afterEarlyEnd says what becomes of the thing when a wait for it ends
	// by a timeout or an interrupt; "" when nothing does (a token is left
	// as it is, as it always is).
	afterEarlyEnd string
}

// gateModel is the gate's arguments, a wait's and output_contains, embedded
// in the model of every kind that gates, beside what names the thing it
// waits for.
type gateModel struct {
	waitConfig
	OutputContains types.String `tfsdk:"output_contains"`
}

// gateAttributes are gateModel's attributes for a kind: the one table of
// their descriptions and validators. The action takes them as they are; the
// resource converts them (replacingAttributes), each forcing a new wait.
func (k waitKind) gateAttributes() map[string]actionschema.Attribute {
	return map[string]actionschema.Attribute{
		"statuses": actionschema.ListAttribute{
			Optional:            true,
			ElementType:         types.StringType,
			Validators:          statusListValidators(k.statuses...),
			MarkdownDescription: k.statusesDescription,
		},
		"output_contains": actionschema.StringAttribute{
			Optional:   true,
			Validators: []validator.String{jsonObjectValidator()},
			MarkdownDescription: fmt.Sprintf("JSON text of an object, such as `jsonencode({ approved = true })`: a `%s` %s's decoded output must be an object "+
				"holding each of its members with an equal value (nested objects compare member by member, numbers exactly). Defaults to no check.", k.success, k.short),
		},
		"timeout": actionschema.StringAttribute{
			Optional:            true,
			Validators:          waitTimeoutValidators,
			MarkdownDescription: waitTimeoutDescription,
		},
		"interval": actionschema.StringAttribute{
			Optional:            true,
			Validators:          waitIntervalValidators,
			MarkdownDescription: waitIntervalDescription,
		},
	}
}

// gateSettings are a gate's checked arguments with their defaults applied.
type gateSettings struct {
	wait           waitSettings
	outputContains string
}

// settings checks the gate's arguments again and applies the defaults: the
// one place a gate's settings are built. Every kind runs it before its first
// request, since the framework's checks skip a value unknown at validation
// (from a variable or another resource), which is known here.
func (m gateModel) settings(ctx context.Context, k waitKind) (gateSettings, diag.Diagnostics) {
	diags := checkString(ctx, path.Root("output_contains"), m.OutputContains, jsonObjectValidator())
	wait, more := m.waitConfig.settings(ctx, path.Empty(), k, []string{k.success})
	diags.Append(more...)
	return gateSettings{wait: wait, outputContains: m.OutputContains.ValueString()}, diags
}

// pass is the gate: it waits with the one wait loop for the thing that poll
// reads, which the configuration names name, and checks its output.
func (k gateKind[T]) pass(ctx context.Context, name string, poll poller[T], s gateSettings) (T, diag.Diagnostics) {
	var diags diag.Diagnostics
	thing, err := k.wait(ctx, name, poll, s.wait)
	if err != nil {
		addClientError(&diags, fmt.Sprintf("wait for %s %s", k.noun, name), err)
		return thing, diags
	}
	if reason := k.outputProblem(thing, s.outputContains); reason != "" {
		diags.AddError(capitalized(k.noun)+" did not approve the change",
			fmt.Sprintf("%s %s is %s, but %s.", capitalized(k.noun), name, k.status(thing), reason))
	}
	return thing, diags
}

// outputProblem says what is wrong with the output of a thing that reached a
// wanted status, or "" when nothing is. Only the success status's output is
// checked: a listed WAITING token has none, and a listed TIMED_OUT is a
// success although its output is always the timeout's error.
func (k gateKind[T]) outputProblem(thing T, contains string) string {
	if k.status(thing) != k.success {
		return ""
	}
	if k.outputIsError(thing) {
		return "its output is an error"
	}
	if contains == "" {
		return ""
	}
	want, err := decodeJSON([]byte(contains))
	wantObject, isObject := want.(map[string]any)
	if err != nil || !isObject {
		return "output_contains is not a JSON object" // checked before the wait; kept safe on its own
	}
	outputJSON, err := k.outputJSON(thing)
	if err != nil {
		return fmt.Sprintf("its output could not be decoded: %s", err)
	}
	var got any
	if outputJSON != nil {
		got, _ = decodeJSON([]byte(*outputJSON)) // outputJSON returns valid JSON
	}
	return missingMembers(got, wantObject, "")
}

// capitalized is a noun at the start of a sentence.
func capitalized(noun string) string { return strings.ToUpper(noun[:1]) + noun[1:] }

// decodeJSON decodes numbers as their text, so that they compare exactly:
// as float64, 9007199254740993 would equal 9007199254740992.
func decodeJSON(data []byte) (any, error) {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	var v any
	err := decoder.Decode(&v)
	return v, err
}

// missingMembers compares an output with the members it must hold, nested
// objects member by member, and names the first member that differs.
func missingMembers(got any, want map[string]any, prefix string) string {
	object, ok := got.(map[string]any)
	if !ok {
		if prefix == "" {
			return "its output is not a JSON object"
		}
		return fmt.Sprintf("its output's member %q is not an object", strings.TrimSuffix(prefix, "."))
	}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names) // the same member is named on every run
	for _, name := range names {
		value, present := object[name]
		wantValue := want[name]
		switch nested, isObject := wantValue.(map[string]any); {
		case !present:
			return fmt.Sprintf("its output has no member %q", prefix+name)
		case isObject:
			if reason := missingMembers(value, nested, prefix+name+"."); reason != "" {
				return reason
			}
		case !jsonEqual(value, wantValue):
			shown, _ := json.Marshal(value)
			expected, _ := json.Marshal(wantValue)
			return fmt.Sprintf("its output's member %q is %s, not %s", prefix+name, shown, expected)
		}
	}
	return ""
}

// jsonEqual compares two decoded JSON values, numbers by their exact value.
func jsonEqual(a, b any) bool {
	switch a := a.(type) {
	case json.Number:
		b, ok := b.(json.Number)
		return ok && exactNumber(a) == exactNumber(b)
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, jsonEqual)
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for name, v := range a {
			if w, present := b[name]; !present || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	default: // string, bool, nil
		return a == b
	}
}

// exactNumber is a JSON number's value written one way: its significant
// digits and a power of ten, so 100, 1e2 and 100.0 are one value, and
// 9007199254740993 is not 9007199254740992. Exact without arithmetic, so a
// huge exponent costs nothing.
func exactNumber(n json.Number) string {
	s := string(n)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	exponent := int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(s[i+1:], 10, 64)
		if err != nil {
			return string(n) // an exponent past int64: compared as written
		}
		s, exponent = s[:i], e
	}
	whole, fraction, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(whole+fraction, "0")
	exponent -= int64(len(fraction))
	trimmed := strings.TrimRight(digits, "0")
	exponent += int64(len(digits) - len(trimmed))
	if trimmed == "" {
		return "0" // -0 is 0
	}
	return sign + trimmed + "e" + strconv.FormatInt(exponent, 10)
}
