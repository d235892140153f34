package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = durationValidator{}

// durationValidator refuses a string that is not a positive Go duration, on the
// attribute itself and in plain words.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a positive duration such as `30s`, `5m` or `1h30m`"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseDuration(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("Attribute %s %s.", req.Path, err))
	}
}

// parseDuration reads a positive Go duration; its error says what is accepted.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("must be a positive duration with a unit, such as \"30s\", \"5m\" or \"1h30m\" (units ns, us, ms, s, m, h), got %q", s)
	}
	return d, nil
}
