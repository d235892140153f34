package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ validator.String = apiKeyValidator{}

// apiKeyValidator refuses a key with whitespace, which cannot travel in a header,
// without echoing the key as the framework's validators would.
type apiKeyValidator struct{}

func (apiKeyValidator) Description(context.Context) string {
	return "must be a Trigger.dev secret key, without whitespace"
}

func (v apiKeyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v apiKeyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if key := req.ConfigValue.ValueString(); strings.IndexFunc(key, isSpaceOrControl) >= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid API key", fmt.Sprintf(
			"Attribute %s %s: a key read from a file may end in a newline (use trimspace()).", req.Path, v.Description(ctx)))
	}
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }
