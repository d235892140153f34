package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// passGate waits for the token with the one wait loop and checks its output
// against contains: the gate the wait action and the wait resource share.
func passGate(ctx context.Context, c *client.Client, ref tokenRef, settings waitSettings, contains string) (client.Token, diag.Diagnostics) {
	var diags diag.Diagnostics
	token, err := waitForToken(ctx, c, ref, settings)
	if err != nil {
		addClientError(&diags, fmt.Sprintf("wait for waitpoint token %s", ref), err)
		return token, diags
	}
	if reason := outputProblem(token, contains); reason != "" {
		diags.AddError("Waitpoint token did not approve the change",
			fmt.Sprintf("Waitpoint token %s is %s, but %s.", ref, token.Status, reason))
	}
	return token, diags
}

// outputProblem says what is wrong with the output of a token that reached a
// wanted status, or "" when nothing is. Only a COMPLETED token's output is
// checked: a listed WAITING has none, and a listed TIMED_OUT is a success
// although its output is always the timeout's error.
func outputProblem(token client.Token, contains string) string {
	if token.Status != client.StatusCompleted {
		return ""
	}
	if token.OutputIsError != nil && *token.OutputIsError {
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
	outputJSON, err := token.OutputJSON()
	if err != nil {
		return fmt.Sprintf("its output could not be decoded: %s", err)
	}
	var got any
	if outputJSON != nil {
		got, _ = decodeJSON([]byte(*outputJSON)) // OutputJSON returns valid JSON
	}
	return missingMembers(got, wantObject, "")
}

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
