package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// minWaitInterval is the shortest poll interval: a shorter one spends the
// environment's rate limit (shared by every key of the environment) for nothing.
const minWaitInterval = time.Second

var (
	_ validator.String = stringValidator{}
	_ validator.Number = wholeNumberValidator{}
)

// tokenIDPattern refuses what would change the meaning of the request path:
// separators, escapes, and a segment of dots only (`..`). Run ids and task
// ids, which go in paths too, are held to it.
var tokenIDPattern = regexp.MustCompile(`^\.*[^\s/?#%.][^\s/?#%]*$`)

// tokenIDValidator refuses an id that is not one, quoting it so that an
// empty one reads as "".
func tokenIDValidator() validator.String { return pathSegmentValidator("waitpoint token id") }

// runIDValidator refuses a run id that would change the request's path.
func runIDValidator() validator.String { return pathSegmentValidator("run id") }

// taskIDValidator refuses a task id that would change the trigger's path:
// the service takes any other (api-notes.md, "Unknown task").
func taskIDValidator() validator.String { return pathSegmentValidator("task id") }

// pathSegmentValidator refuses a name (a token's, a run's or a task's id)
// that would change the meaning of the request path it goes in, quoting it
// so that an empty one reads as "".
func pathSegmentValidator(noun string) validator.String {
	rule := "must be a " + noun + ": not empty, not only dots, without whitespace or any of / ? # %"
	return stringValidator{description: rule, summary: "Invalid " + noun, problem: func(id string) string {
		if tokenIDPattern.MatchString(id) {
			return ""
		}
		return fmt.Sprintf("%s, got %q", rule, id)
	}}
}

// statusListValidators refuses a status that is not one of statuses, and a
// repeated one.
func statusListValidators(statuses ...string) []validator.List {
	return []validator.List{
		listvalidator.SizeAtLeast(1),
		listvalidator.UniqueValues(),
		listvalidator.ValueStringsAre(stringvalidator.OneOf(statuses...)),
	}
}

// stringValidator is the shape of every string validator the provider writes:
// a description, and a check of a known value that returns what is wrong, or
// "" when nothing is. The error is on the attribute and names it. Where the
// framework's validators say it as well, they are used as they are; either
// way, every validator of every kind is a function of this file.
type stringValidator struct {
	description string
	problem     func(value string) string
	summary     string
}

func (v stringValidator) Description(context.Context) string { return v.description }

func (v stringValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v stringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := v.problem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("Attribute %s %s.", req.Path, problem))
	}
}

// durationValidator refuses a string that is not a Go duration of at least
// least (any positive one when least is 0).
func durationValidator(least time.Duration) validator.String {
	description := "must be a positive duration such as `30s`, `5m` or `1h30m`"
	if least > 0 {
		description = fmt.Sprintf("must be a duration of at least `%s`, such as `30s`, `5m` or `1h30m`", client.FormatDuration(least))
	}
	return stringValidator{description: description, summary: "Invalid duration", problem: func(s string) string {
		d, err := parseDuration(s)
		switch {
		case err != nil:
			return err.Error()
		case d < least:
			return fmt.Sprintf("must be at least %s, got %q", client.FormatDuration(least), s)
		}
		return ""
	}}
}

// waitTimeoutValidator refuses a wait's timeout that parseWaitTimeout does not read.
func waitTimeoutValidator() validator.String {
	return stringValidator{
		description: "must be a positive duration such as `30m`, `1h30m`, `2d` or `1w`",
		summary:     "Invalid duration",
		problem: func(s string) string {
			if _, err := parseWaitTimeout(s); err != nil {
				return err.Error()
			}
			return ""
		},
	}
}

// apiKeyValidator refuses a key with whitespace, which cannot travel in a
// header, without echoing the key as the framework's validators would.
func apiKeyValidator() validator.String {
	return stringValidator{description: apiKeyRule, summary: "Invalid API key", problem: apiKeyProblem}
}

const apiKeyRule = "must be a Trigger.dev secret key, without whitespace"

// apiKeyProblem is the one rule for a key, from the configuration or the environment.
func apiKeyProblem(key string) string {
	if strings.IndexFunc(key, isSpaceOrControl) >= 0 {
		return apiKeyRule + ": a key read from a file may end in a newline (use trimspace())"
	}
	return ""
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

// jsonObjectValidator refuses text that is not a JSON object.
func jsonObjectValidator() validator.String {
	return stringValidator{
		description: "must be JSON text of an object, such as `jsonencode({ approved = true })`",
		summary:     "Invalid output_contains",
		problem: func(s string) string {
			var object map[string]json.RawMessage
			if err := json.Unmarshal([]byte(s), &object); err != nil || object == nil {
				return fmt.Sprintf("must be JSON text of an object, such as jsonencode({ approved = true }), got %q", s)
			}
			return ""
		},
	}
}

// rfc3339Validator refuses a time that is not RFC 3339, which allows a
// lowercase `t` and `z` and any number of fractional digits.
func rfc3339Validator() validator.String {
	return stringValidator{
		description: "must be an RFC 3339 time such as `2026-01-05T10:00:00Z`",
		summary:     "Invalid RFC 3339 time",
		problem: func(s string) string {
			if _, err := parseRFC3339(s); err != nil {
				return fmt.Sprintf("must be an RFC 3339 time such as \"2026-01-05T10:00:00Z\" or \"2026-01-05T10:00:00.123+02:00\", got %q", s)
			}
			return ""
		},
	}
}

// wholeNumberValidator refuses a number that is not a whole number from least
// to most: a number attribute, so that 2.5 is refused in plain words, not
// with the framework's conversion error.
type wholeNumberValidator struct{ least, most int64 }

func (v wholeNumberValidator) Description(context.Context) string {
	if v.most == 0 {
		return fmt.Sprintf("must be a whole number of at least %d", v.least)
	}
	return fmt.Sprintf("must be a whole number from %d to %d", v.least, v.most)
}

func (v wholeNumberValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v wholeNumberValidator) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := req.ConfigValue.ValueBigFloat()
	i, exact := n.Int64()
	if exact != big.Exact || !n.IsInt() || i < v.least || (v.most != 0 && i > v.most) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid number",
			fmt.Sprintf("Attribute %s %s, got %s.", req.Path, v.Description(ctx), n.Text('g', -1)))
	}
}

// checkString runs validators on a value at run time. The framework runs them
// at validation, when a value from a variable or a resource may still be
// unknown and is skipped: an action or a read checks again, before any request.
func checkString(ctx context.Context, p path.Path, v types.String, validators ...validator.String) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, check := range validators {
		var resp validator.StringResponse
		check.ValidateString(ctx, validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: v}, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// checkList is checkString for a list.
func checkList(ctx context.Context, p path.Path, v types.List, validators ...validator.List) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, check := range validators {
		var resp validator.ListResponse
		check.ValidateList(ctx, validator.ListRequest{Path: p, PathExpression: p.Expression(), ConfigValue: v}, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// checkNumber is checkString for a number.
func checkNumber(ctx context.Context, p path.Path, v types.Number, validators ...validator.Number) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, check := range validators {
		var resp validator.NumberResponse
		check.ValidateNumber(ctx, validator.NumberRequest{Path: p, PathExpression: p.Expression(), ConfigValue: v}, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// idempotencyKeyValidator refuses an empty key, which names no token.
func idempotencyKeyValidator() validator.String { return stringvalidator.LengthAtLeast(1) }

// tagFilterValidators refuse a tag with a comma in a filter: the service
// reads the filter as a comma-separated list, so no token could match it.
func tagFilterValidators() []validator.List {
	return []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(
		stringvalidator.RegexMatches(regexp.MustCompile(`^[^,]+$`), "must be a non-empty tag without commas"))}
}

// tagsMatchValidator refuses a way of matching tags the filter does not have.
func tagsMatchValidator() validator.String { return stringvalidator.OneOf("any", "all") }

// createdPeriodValidator refuses a period the list endpoint does not read.
func createdPeriodValidator() validator.String {
	return stringvalidator.RegexMatches(createdPeriodPattern, "must be a period such as `30m`, `24h`, `7d`, `2w` or `1h30m` (units ms, s, m, h, d, w, y)")
}

// jsonValueValidator refuses text that is not JSON, of any value, for the
// attribute whose error summary is given. Unlike the other validators it never
// quotes the value: completion data and a payload may be secrets.
func jsonValueValidator(summary string) validator.String {
	return stringValidator{
		description: "must be JSON text of any value, such as `jsonencode({ endpoint = \"https://…\" })`",
		summary:     summary,
		problem: func(s string) string {
			if !json.Valid([]byte(s)) {
				return "must be JSON text of any value, such as jsonencode({ endpoint = \"https://…\" }) (the value is not shown: it may be a secret)"
			}
			return ""
		},
	}
}

// The service's limits on a created token.
const (
	maxIdempotencyKeyLength = 2048 // UTF-16 code units, as the service counts
	maxTokenTags            = 10
	maxTagLength            = 128 // UTF-16 code units
)

// createdKeyValidator refuses a key the service would refuse (too long)
// or share ("" is one literal key every such create shares).
func createdKeyValidator() validator.String {
	return stringValidator{
		description: fmt.Sprintf("must be 1 to %d characters", maxIdempotencyKeyLength),
		summary:     "Invalid idempotency key",
		problem: func(s string) string {
			switch n := utf16Length(s); {
			case n == 0:
				return "must not be empty: leave it out and the provider generates one"
			case n > maxIdempotencyKeyLength:
				return fmt.Sprintf("must be at most %d characters (UTF-16 code units), got %d", maxIdempotencyKeyLength, n)
			}
			return ""
		},
	}
}

// ttlValidator refuses a TTL the service would ignore (leaving the key live
// for ever): anything but <digits><unit> with unit s, m, h or d, and zero.
func ttlValidator() validator.String {
	return stringValidator{
		description: "must be a whole number and a unit `s`, `m`, `h` or `d`, such as `30d`",
		summary:     "Invalid idempotency key TTL",
		problem: func(s string) string {
			if _, err := parseTTL(s); errors.Is(err, errNotServiceDuration) {
				return fmt.Sprintf("must be a whole number and a unit s, m, h or d, such as \"24h\" or \"30d\", got %q", s)
			} else if err != nil {
				return fmt.Sprintf("%s, got %q", err, s)
			}
			return ""
		},
	}
}

// tokenTimeoutValidator refuses a timeout the service would ignore, creating
// a token that never times out. A past instant is refused when the token is
// created: a plan after the timeout passed must still validate.
func tokenTimeoutValidator() validator.String {
	return stringValidator{
		description: "must be a duration such as `30m`, `24h`, `2w` or `1h30m`, or an RFC 3339 time",
		summary:     "Invalid timeout",
		problem: func(s string) string {
			if _, err := parseTokenTimeout(s); err != nil {
				return err.Error()
			}
			return ""
		},
	}
}

// tagValidator refuses a tag the service would refuse, or that a list filter
// could never find (the filter is a comma-separated list).
func tagValidator() validator.String {
	return stringValidator{
		description: fmt.Sprintf("must be 1 to %d characters without commas", maxTagLength),
		summary:     "Invalid tag",
		problem: func(s string) string {
			switch n := utf16Length(s); {
			case n == 0:
				return "must not be empty"
			case n > maxTagLength:
				return fmt.Sprintf("must be at most %d characters (UTF-16 code units), got %d", maxTagLength, n)
			case strings.Contains(s, ","):
				return fmt.Sprintf("must not contain a comma: a tags filter is a comma-separated list and could never find it, got %q", s)
			}
			return ""
		},
	}
}

// createdTagsValidators refuse what the service refuses (more than 10 tags)
// or stores in a way no one means (the same tag twice).
func createdTagsValidators() []validator.List {
	return []validator.List{
		listvalidator.SizeAtMost(maxTokenTags),
		listvalidator.UniqueValues(),
		listvalidator.ValueStringsAre(tagValidator()),
	}
}

// The trigger endpoint's limits.
const (
	minRunMaxDuration = 5 * time.Second // the service raises a shorter max_duration to 5 s
	maxRunMetadata    = 256 << 10       // bytes of metadata's JSON
)

// nonEmptyValidator refuses an empty name (a queue, a concurrency key, a
// version), which the service would take as none.
func nonEmptyValidator() validator.String { return stringvalidator.LengthAtLeast(1) }

// runDurationValidator refuses a run's duration that parseRunDuration does not
// read, or under least; withInstant also takes an RFC 3339 time (a delay's).
func runDurationValidator(least time.Duration, withInstant bool) validator.String {
	shape := runDurationShape
	if withInstant {
		shape += " or an RFC 3339 time such as \"2026-01-05T10:00:00Z\""
	}
	return stringValidator{
		description: "must be " + strings.ReplaceAll(shape, `"`, "`"),
		summary:     "Invalid duration",
		problem: func(s string) string {
			if _, err := parseRFC3339(s); withInstant && err == nil {
				return ""
			}
			d, err := parseRunDuration(s)
			switch {
			case errors.Is(err, errNotServiceDuration):
				return fmt.Sprintf("must be %s, got %q", shape, s)
			case err != nil:
				return err.Error()
			case d < least:
				return fmt.Sprintf("must be at least %s, got %q", client.FormatDuration(least), s)
			}
			return ""
		},
	}
}

// machineValidator refuses a machine the service does not have.
func machineValidator() validator.String { return stringvalidator.OneOf(client.MachinePresets...) }

// maxAttemptsValidator refuses attempts the service cannot make: none, or
// more than its 32-bit count holds.
func maxAttemptsValidator() validator.Number {
	return wholeNumberValidator{least: 1, most: math.MaxInt32}
}

// metadataValidator refuses metadata that is not a JSON object, or larger
// than the service stores.
func metadataValidator() validator.String {
	return stringValidator{
		description: "must be JSON text of an object, such as `jsonencode({ release = \"v42\" })`, of at most 256 KiB",
		summary:     "Invalid metadata",
		problem: func(s string) string {
			var object map[string]json.RawMessage
			switch err := json.Unmarshal([]byte(s), &object); {
			case err != nil || object == nil:
				return fmt.Sprintf("must be JSON text of an object, such as jsonencode({ release = \"v42\" }), got %q", s)
			case len(s) > maxRunMetadata:
				return fmt.Sprintf("is %d bytes of JSON, more than the %d Trigger.dev stores", len(s), maxRunMetadata)
			}
			return ""
		},
	}
}

// gateNeedsWaitValidator refuses the gate's arguments beside `wait = false`
// (gateWithoutWait), for the trigger action and the task run resource alike.
type gateNeedsWaitValidator struct{}

var (
	_ action.ConfigValidator   = gateNeedsWaitValidator{}
	_ resource.ConfigValidator = gateNeedsWaitValidator{}
)

func (gateNeedsWaitValidator) Description(context.Context) string {
	return "statuses, output_contains, timeout and interval need a wait: they are refused with wait = false"
}

func (v gateNeedsWaitValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v gateNeedsWaitValidator) ValidateAction(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	resp.Diagnostics.Append(v.validate(ctx, req.Config)...)
}

func (v gateNeedsWaitValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	resp.Diagnostics.Append(v.validate(ctx, req.Config)...)
}

func (gateNeedsWaitValidator) validate(ctx context.Context, config tfsdk.Config) diag.Diagnostics {
	var wait types.Bool
	diags := config.GetAttribute(ctx, path.Root("wait"), &wait)
	gate := map[string]attr.Value{}
	for name := range (gateModel{}).gateArguments() {
		var value attr.Value
		diags.Append(config.GetAttribute(ctx, path.Root(name), &value)...)
		gate[name] = value
	}
	if diags.HasError() {
		return diags
	}
	return gateWithoutWait(wait, gate)
}
