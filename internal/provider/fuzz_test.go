package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// FuzzCreatedPeriod: the period syntax the provider accepts at plan time is
// exactly the one the mock API (the service's parse-duration) accepts, so a
// plan never passes validation only to be refused by the service, nor refuses
// what the service takes.
func FuzzCreatedPeriod(f *testing.F) {
	for _, seed := range []string{"30m", "24h", "7d", "2w", "1y", "1h30m", "1.5h", "500ms", "0s", "1", "d", "1h ", " 1h", "1H", "-1d", "1.d", "1e3s", "1h30", "１h"} {
		f.Add(seed)
	}
	mock := mockapi.New(mockapi.Options{APIKey: testAPIKey, RateLimit: &mockapi.RateLimit{Burst: 1 << 30, Refill: 1 << 30, Period: time.Second}})
	f.Fuzz(func(t *testing.T, period string) {
		if period == "" { // the attribute's null, not a period
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/api/v1/waitpoints/tokens?"+url.Values{"filter[createdAt][period]": {period}}.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+testAPIKey)
		answer := httptest.NewRecorder()
		mock.ServeHTTP(answer, req)
		accepted := answer.Code == http.StatusOK
		if !accepted && answer.Code != http.StatusBadRequest {
			t.Fatalf("the mock answered %d to period %q", answer.Code, period)
		}
		if valid := periodPattern.MatchString(period); valid != accepted {
			t.Fatalf("period %q: the provider says valid=%v, the mock answers %d", period, valid, answer.Code)
		}
	})
}

// FuzzDuration: a duration attribute is refused exactly when it is not a
// positive Go duration, with one error on the attribute that quotes the value.
func FuzzDuration(f *testing.F) {
	for _, seed := range []string{"30s", "5m", "1h30m", "1.5h", "500ms", "1us", "1µs", "0s", "-1s", "soon", "30", "1d", "", "9223372036854775807ns", "9999999999h"} {
		f.Add(seed)
	}
	attr := path.Root("wait").AtName("timeout")
	f.Fuzz(func(t *testing.T, s string) {
		var resp validator.StringResponse
		durationValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: attr, ConfigValue: types.StringValue(s)}, &resp)
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
