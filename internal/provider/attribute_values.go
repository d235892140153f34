package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The Go values of configured attributes, for every kind: each reads a value
// that its validators have checked, and says what an attribute that is not
// set (or still unknown) gives.

// isKnown reports whether v has a value: it is neither null nor unknown.
func isKnown(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// listStrings is a known list of strings as Go strings of type T.
func listStrings[T ~string](l types.List) []T {
	out := make([]T, 0, len(l.Elements()))
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok {
			out = append(out, T(s.ValueString()))
		}
	}
	return out
}

// durationOr is a checked duration attribute's value read by parse, or
// fallback when it is not set.
func durationOr(v types.String, fallback time.Duration, parse func(string) (time.Duration, error)) time.Duration {
	if !isKnown(v) {
		return fallback
	}
	d, _ := parse(v.ValueString()) // the caller's checks refuse what does not parse
	return d
}

// wholeNumberOr is a checked whole-number attribute's value, or fallback when it is not set.
func wholeNumberOr(v types.Number, fallback int) int {
	if !isKnown(v) {
		return fallback
	}
	n, _ := v.ValueBigFloat().Int64() // wholeNumberValidator refused what is not whole
	return int(n)
}

// timePointer is an RFC 3339 attribute's time, nil when it is not set (or
// does not parse: its validator refuses that).
func timePointer(v types.String) *time.Time {
	if !isKnown(v) {
		return nil
	}
	t, err := parseRFC3339(v.ValueString())
	if err != nil {
		return nil
	}
	return &t
}
