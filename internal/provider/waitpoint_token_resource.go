package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

var (
	_ resource.ResourceWithConfigure   = (*waitpointTokenResource)(nil)
	_ resource.ResourceWithImportState = (*waitpointTokenResource)(nil)
	_ resource.ResourceWithIdentity    = (*waitpointTokenResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*waitpointTokenResource)(nil)
)

// waitpointTokenResource creates a token. The service changes nothing of a
// token once made and cannot delete one: every argument replaces it, and
// destroy only forgets it.
type waitpointTokenResource struct {
	data *providerData
}

// NewWaitpointTokenResource is the `triggerdev_waitpoint_token` resource.
func NewWaitpointTokenResource() resource.Resource { return &waitpointTokenResource{} }

// waitpointTokenResourceModel is the resource's state: its arguments, and
// the token's values as the data source has them. `tags` and
// `idempotency_key` are the arguments as sent, not the service's report.
type waitpointTokenResourceModel struct {
	ID                types.String `tfsdk:"id"`
	IdempotencyKeyTTL types.String `tfsdk:"idempotency_key_ttl"`
	Timeout           types.String `tfsdk:"timeout"`
	tokenModel
}

type tokenIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *waitpointTokenResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = tokenTypeName
}

func (r *waitpointTokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{RequiredForImport: true, Description: tokenIDDescription},
	}}
}

func (r *waitpointTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	attrs := resourceComputedAttributes(tokenSchemaAttributes())
	attrs["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: tokenIDDescription}
	attrs["idempotency_key"] = schema.StringAttribute{
		Optional: true, Computed: true, PlanModifiers: replace,
		Validators: []validator.String{createdKeyValidator()},
		MarkdownDescription: fmt.Sprintf("Names the token: while the key is live, creating a token with it again returns this token, "+
			"so re-applying a release's approval (`\"release-${var.release}\"`) finds the same token, even after a replacement. "+
			"At most %d characters. Every create the provider sends carries a key, so that a create retried after a lost answer makes no second token: "+
			"when this is not set, the provider generates one (`%s` and 32 hex digits) for each new token and stores it here. "+
			"It stays the key sent, even once the service reports the token under another after the key expires. "+
			"While the key is live (see `idempotency_key_expires_at`), a change to `tags`, `timeout` or `idempotency_key_ttl` is refused at plan: "+
			"the service would return this token unchanged. Set a new key, or wait until it expires.",
			maxIdempotencyKeyLength, client.GeneratedKeyPrefix),
	}
	attrs["idempotency_key_ttl"] = schema.StringAttribute{
		Optional: true, PlanModifiers: []planmodifier.String{tokenHas{keyTTLOf}, stringplanmodifier.RequiresReplace()},
		Validators: []validator.String{ttlValidator()},
		MarkdownDescription: "How long the idempotency key stays live, a whole number and a unit `s`, `m`, `h` or `d`, such as `30d`. " +
			"Another spelling of the token's TTL (`720h` for `30d`) changes nothing; an import reads it from the token, in the largest unit that is whole. Defaults to for ever.",
	}
	attrs["timeout"] = schema.StringAttribute{
		Optional: true, PlanModifiers: []planmodifier.String{tokenHas{timeoutOf}, stringplanmodifier.RequiresReplace()},
		Validators: []validator.String{tokenTimeoutValidator()},
		MarkdownDescription: "When the token times out if still waiting: a duration from its creation such as `30m`, `24h`, `2w` or `1h30m` " +
			"(units `w`, `d`, `h`, `m`, `s`, each once), or an RFC 3339 time, which must not have passed when the token is created " +
			"(Trigger.dev ignores a past time, and the token would never time out). Another spelling of the token's timeout (`1d` for `24h`, or the instant it comes to) changes nothing; " +
			"an import reads it from the token as a duration from its creation. Defaults to no timeout.",
	}
	attrs["tags"] = schema.ListAttribute{
		Optional: true, ElementType: types.StringType,
		PlanModifiers: []planmodifier.List{tagsInAnyOrder{}, listplanmodifier.RequiresReplace()},
		Validators:    createdTagsValidators(),
		MarkdownDescription: fmt.Sprintf("The token's tags: at most %d, each 1 to %d characters, without commas (a `tags` filter could never find one), no two the same. "+
			"Their order does not matter: the service keeps them sorted, and the same tags in another order change nothing. "+
			"This list keeps the order of the configuration that made the token (of the service, after an import). Defaults to none.", maxTokenTags, maxTagLength),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates a Trigger.dev waitpoint token, to send to an approver and wait for with the `triggerdev_wait_for_waitpoint_token` action " +
			"or the `triggerdev_waitpoint_token_wait` resource. Every argument replaces the token: the service changes nothing of a token once made, " +
			"so a change under the same, live `idempotency_key` is refused at plan. " +
			"The callback URL is not stored: the `triggerdev_waitpoint_token` ephemeral resource reads it by `id`. " +
			"Destroy only forgets the token, which stays on Trigger.dev until it is completed or times out: the service cannot delete or cancel one.",
		Attributes: attrs,
	}
}

func (r *waitpointTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *waitpointTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var model waitpointTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &model)...)
	c, diags := r.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	request, diags := model.createRequest(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	token, diags := request.create(ctx, c)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	model.ID, model.IdempotencyKey = types.StringValue(token.ID), types.StringValue(request.params.IdempotencyKey)
	resp.Diagnostics.Append(model.refresh(ctx, token)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, tokenIdentityModel{ID: model.ID})...)
}

// Read refreshes the token's values. A 404 means the token is gone: it
// leaves the state. A 500 is what the service answers for an unknown id but
// also when failing, so it is an error and the token stays.
func (r *waitpointTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var model waitpointTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &model)...)
	c, diags := r.data.Client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	token, err := c.GetToken(ctx, model.ID.ValueString())
	if unknown, ok := client.UnknownToken(err); ok && unknown.StatusCode == 404 {
		resp.Diagnostics.AddWarning("Waitpoint token not found: removed from the state",
			fmt.Sprintf("Trigger.dev answered %s to a read of waitpoint token %q, so it was removed from the Terraform state, and the next apply creates a new one. %s",
				unknown.Reply(), model.ID.ValueString(), environmentHint(tokenGate.short)))
		resp.State.RemoveResource(ctx)
		// The framework wants an identity even for a removed resource, and
		// has none when the CLI that stored the token had no identities.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, tokenIdentityModel{ID: model.ID})...)
		return
	}
	if err != nil {
		addClientError(&resp.Diagnostics, fmt.Sprintf("read waitpoint token %q", model.ID.ValueString()), err)
		return
	}
	resp.Diagnostics.Append(model.refresh(ctx, token)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, tokenIdentityModel{ID: model.ID})...)
}

// refresh takes the token's values, keeping the arguments as they were
// sent; after an import, when there are none, it takes the token's tags
// and key, and its timeout and key TTL, so that the configuration that made
// the token plans no change. An import is a state that has never read the
// token (no created_at): a token imported by an earlier version keeps the
// timeout and TTL it has in the state.
func (m *waitpointTokenResourceModel) refresh(ctx context.Context, token client.Token) (diags diag.Diagnostics) {
	tags, key, imported := m.Tags, m.IdempotencyKey, m.CreatedAt.IsNull()
	m.tokenModel, diags = newTokenModel(ctx, token)
	if !key.IsNull() {
		m.IdempotencyKey = key
	}
	if imported && token.TimeoutAt != nil {
		m.Timeout = types.StringValue(timeoutText(token))
	}
	if ttl, ok := keyTTL(token); imported && ok {
		m.IdempotencyKeyTTL = types.StringValue(formatTTL(ttl))
	}
	switch {
	case !tags.IsNull():
		m.Tags = tags
	case len(token.Tags) == 0: // as a configuration without tags has it
		m.Tags = types.ListNull(types.StringType)
	}
	return diags
}

// ModifyPlan plans no change when no argument changes but in spelling or
// order (the attributes' plan modifiers keep the state's value then), and
// refuses, before any request, a replacement the service would not make: a
// new token under the same idempotency key, while that key is live, is the
// old token returned unchanged. Only known new values count there: a value
// unknown until apply may turn out the same, and the create then finds the
// token as it is.
func (r *waitpointTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var state, plan waitpointTokenResourceModel
	var configuredKey types.String
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("idempotency_key"), &configuredKey)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var differing, changed []string
	for name, values := range map[string][2]attr.Value{
		"tags":                {state.Tags, plan.Tags},
		"timeout":             {state.Timeout, plan.Timeout},
		"idempotency_key_ttl": {state.IdempotencyKeyTTL, plan.IdempotencyKeyTTL},
	} {
		if !values[0].Equal(values[1]) {
			differing = append(differing, name)
			if !values[1].IsUnknown() {
				changed = append(changed, name)
			}
		}
	}
	sameKey := plan.IdempotencyKey.Equal(state.IdempotencyKey)
	if len(differing) == 0 && (sameKey || configuredKey.IsNull()) { // a generated key is made unknown by any difference
		resp.Plan.Raw = req.State.Raw
		return
	}
	token := state.token()
	expires := token.IdempotencyKeyExpiresAt
	if !sameKey || len(changed) == 0 || (expires != nil && !expires.After(time.Now())) {
		return
	}
	slices.Sort(changed)
	wait := "Set a new idempotency_key (the key never expires: it has no idempotency_key_ttl), or undo the change."
	if expires != nil {
		wait = fmt.Sprintf("Set a new idempotency_key, or wait until the key expires at %s and apply again, or undo the change.", formatInstant(expires))
	}
	resp.Diagnostics.AddAttributeError(path.Root("idempotency_key"), "Idempotency key is live",
		fmt.Sprintf("The idempotency key %q of waitpoint token %q is live: a new token with this key would be this token, unchanged, so these changes cannot be applied: %s. %s",
			state.IdempotencyKey.ValueString(), state.ID.ValueString(), strings.Join(changed, ", "), wait))
}

// token is the state's times of the token, as the service gave them.
func (m waitpointTokenResourceModel) token() client.Token {
	var token client.Token
	for _, t := range []struct {
		value timetypes.RFC3339
		into  **time.Time
	}{{m.TimeoutAt, &token.TimeoutAt}, {m.IdempotencyKeyExpiresAt, &token.IdempotencyKeyExpiresAt}} {
		if at, diags := t.value.ValueRFC3339Time(); isKnown(t.value) && !diags.HasError() {
			*t.into = &at
		}
	}
	token.CreatedAt, _ = m.CreatedAt.ValueRFC3339Time()
	return token
}

// tokenHas plans the state's value of a timing argument whose configured
// value the token already has, however it is spelled (`1d` or `24h`, a
// duration or the instant it comes to): the same token would be made.
type tokenHas struct {
	has func(configured string, token client.Token) bool
}

func timeoutOf(configured string, token client.Token) bool {
	timeout, err := parseTokenTimeout(configured)
	return err == nil && token.TimeoutAt != nil && timeout.matches(token)
}

func keyTTLOf(configured string, token client.Token) bool {
	ttl, err := parseTTL(configured)
	return err == nil && keyTTLMatches(ttl, token)
}

func (m tokenHas) Description(context.Context) string {
	return "Keeps the state's value when the configured one is another spelling of the token's."
}

func (m tokenHas) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m tokenHas) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !isKnown(req.ConfigValue) || req.ConfigValue.Equal(req.StateValue) {
		return
	}
	var state waitpointTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !resp.Diagnostics.HasError() && m.has(req.ConfigValue.ValueString(), state.token()) {
		resp.PlanValue = req.StateValue
	}
}

// tagsInAnyOrder plans the state's tags when the configuration has the same
// tags in another order: the service keeps tags sorted, and their order
// means nothing.
type tagsInAnyOrder struct{}

func (tagsInAnyOrder) Description(context.Context) string {
	return "Keeps the state's tags when the configuration has the same ones in another order."
}

func (m tagsInAnyOrder) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (tagsInAnyOrder) PlanModifyList(_ context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if req.StateValue.IsNull() || !isKnown(req.ConfigValue) || slices.ContainsFunc(req.ConfigValue.Elements(), func(v attr.Value) bool { return !isKnown(v) }) {
		return
	}
	configured, stored := listStrings[string](req.ConfigValue), listStrings[string](req.StateValue)
	slices.Sort(configured)
	slices.Sort(stored)
	if slices.Equal(configured, stored) {
		resp.PlanValue = req.StateValue
	}
}

// Update is never called with a change (every argument replaces the
// token); it keeps the plan, as the framework requires one.
func (r *waitpointTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}

// Delete forgets the token: the service has no way to delete or cancel one.
func (r *waitpointTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var id, status types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("status"), &status)...)
	// The status as of the refresh before the destroy: only a waiting token
	// has anything left to happen to it.
	fate := "stays on Trigger.dev until it is completed or times out"
	switch client.Status(status.ValueString()) {
	case client.StatusCompleted:
		fate = "stays on Trigger.dev, completed"
	case client.StatusTimedOut:
		fate = "stays on Trigger.dev, timed out"
	}
	resp.Diagnostics.AddWarning("Waitpoint token forgotten, not deleted",
		fmt.Sprintf("Trigger.dev cannot delete or cancel a waitpoint token: %q was removed from the Terraform state, and %s.", id.ValueString(), fate))
}

// ImportState takes an id, from `terraform import`, an import block's `id`
// or its `identity` (no id then); the read that follows fills in the rest.
// An id is checked as the `id` attribute is.
func (r *waitpointTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "" {
		resp.Diagnostics.Append(checkString(ctx, path.Root("id"), types.StringValue(req.ID), tokenIDValidator())...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}
