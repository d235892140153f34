package provider

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// FuzzDuration: a duration attribute is refused exactly when it is not a
// positive Go duration, with one error on the attribute that quotes the value.
func FuzzDuration(f *testing.F) {
	for _, seed := range []string{"30s", "5m", "1h30m", "1.5h", "500ms", "1us", "1µs", "0s", "-1s", "soon", "30", "1d", "", "9223372036854775807ns", "9999999999h"} {
		f.Add(seed)
	}
	attr := path.Root("wait").AtName("timeout")
	f.Fuzz(func(t *testing.T, s string) {
		var resp validator.StringResponse
		durationValidator(0).ValidateString(context.Background(), validator.StringRequest{Path: attr, ConfigValue: types.StringValue(s)}, &resp)
		want, err := time.ParseDuration(s)
		valid := err == nil && want > 0
		if resp.Diagnostics.HasError() == valid {
			t.Fatalf("%q: refused=%v, want refused=%v", s, resp.Diagnostics.HasError(), !valid)
		}
		if !valid {
			d := resp.Diagnostics.Errors()
			if len(d) != 1 || !strings.Contains(d[0].Detail(), strconv.Quote(s)) || !strings.HasPrefix(d[0].Detail(), "Attribute wait.timeout ") {
				t.Fatalf("%q: got %v, want one error on wait.timeout quoting the value", s, d)
			}
			return
		}
		if got, err := parseDuration(s); err != nil || got != want {
			t.Fatalf("%q parsed as %s, %v; want %s", s, got, err, want)
		}
	})
}

// TestImportState_checksTheID: an import id is refused by the `id`
// attribute's own validator, naming what an id is, before any request.
func TestImportState_checksTheID(t *testing.T) {
	mock, url := startMock(t, 0)
	server := configuredServer(t, url)
	for _, id := range []string{"waitpoint_a/../b", "..", "waitpoint_a b", "waitpoint_a?b=c"} {
		resp, err := server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: tokenTypeName, ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail, "must be a waitpoint token id: not empty, not only dots, without whitespace or any of / ? # %") ||
			len(resp.ImportedResources) != 0 {
			t.Errorf("importing %q: got %s and %d resources, want the id's error alone", id, describe(resp.Diagnostics), len(resp.ImportedResources))
		}
	}
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("the mock saw %d requests, want none", n)
	}
}

// TestParseWaitTimeout: a wait's timeout takes a Go duration and the units
// of a token's timeout (d, w), and refuses the rest quoting the value.
func TestParseWaitTimeout(t *testing.T) {
	day := 24 * time.Hour
	for s, want := range map[string]time.Duration{
		"30m": 30 * time.Minute, "1.5h": 90 * time.Minute, "500ms": 500 * time.Millisecond,
		"2d": 2 * day, "1w": 7 * day, "1w2d": 9 * day, "1d12h": 36 * time.Hour,
	} {
		if got, err := parseWaitTimeout(s); err != nil || got != want {
			t.Errorf("%q: %s, %v; want %s", s, got, err, want)
		}
	}
	for s, want := range map[string]string{
		"soon": `(units ms, s, m, h, d, w), got "soon"`, "1.5d": `got "1.5d"`, "0d": `must be a positive duration with a unit`, "0s": `got "0s"`,
		"1d1d": `gives the unit d twice, got "1d1d"`, "-1d": `got "-1d"`, "": `got ""`,
	} {
		if _, err := parseWaitTimeout(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error with %q", s, err, want)
		}
	}
}

// TestWaitSettings_timeoutInTokenUnits: a wait's timeout in days or weeks
// is checked and applied as written, not only validated.
func TestWaitSettings_timeoutInTokenUnits(t *testing.T) {
	for timeout, want := range map[string]time.Duration{"2d": 48 * time.Hour, "1w": 7 * 24 * time.Hour, "90m": 90 * time.Minute} {
		wait := waitConfig{Statuses: types.ListNull(types.StringType), Timeout: types.StringValue(timeout), Interval: types.StringNull()}
		s, diags := wait.settings(context.Background(), path.Root("wait"), tokenGate.waitKind, nil)
		if diags.HasError() || s.timeout != want {
			t.Errorf("timeout %q: %s, %v; want %s", timeout, s.timeout, diags, want)
		}
	}
}
