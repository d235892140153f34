package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

// tokenTypeName is the type name of every kind that is one token: the data
// source, the ephemeral resource, the resource and the list resource.
const tokenTypeName = providerTypeName + "_waitpoint_token"

// tokenStatuses are every status of a token, as the service writes them.
var tokenStatuses = client.StatusStrings(client.Statuses)

// computedField is one computed attribute of what a kind reads off the
// service (a client.Token, a client.Run), shared by every schema of that
// shape: its type, its description, and how to read it off T.
type computedField[T any] struct {
	name        string
	typ         attr.Type
	description string
	value       func(T) attr.Value
}

// tokenAttribute is one computed attribute shared by every token-shaped schema.
type tokenAttribute = computedField[client.Token]

var stringListType = types.ListType{ElemType: types.StringType}

// tokenAttributes are the attributes of a token, except `id` and the secret `url`,
// which each schema declares in its own way.
var tokenAttributes = []tokenAttribute{
	{"status", types.StringType, "The token's status: `WAITING`, `COMPLETED` or `TIMED_OUT`.",
		func(t client.Token) attr.Value { return types.StringValue(string(t.Status)) }},
	{"idempotency_key", types.StringType, "The idempotency key the token was created with; null when the service reports none.",
		func(t client.Token) attr.Value { return types.StringPointerValue(t.IdempotencyKey) }},
	{"idempotency_key_expires_at", timetypes.RFC3339Type{}, "When the idempotency key expires (RFC 3339); null when it does not.",
		func(t client.Token) attr.Value {
			return serviceTime(t.IdempotencyKeyExpiresAt)
		}},
	{"timeout_at", timetypes.RFC3339Type{}, "When the token times out if still waiting (RFC 3339); null when it has no timeout.",
		func(t client.Token) attr.Value { return serviceTime(t.TimeoutAt) }},
	{"completed_at", timetypes.RFC3339Type{}, "When the token was completed or timed out (RFC 3339); null while it waits.",
		func(t client.Token) attr.Value { return serviceTime(t.CompletedAt) }},
	{"created_at", timetypes.RFC3339Type{}, "When the token was created (RFC 3339).",
		func(t client.Token) attr.Value { return serviceTime(&t.CreatedAt) }},
	{"tags", stringListType, "The token's tags, sorted alphabetically.",
		func(t client.Token) attr.Value { return stringList(t.Tags) }},
	{"output", types.StringType, "The output exactly as the service stores it, interpreted by `output_type`; null when there is none.",
		func(t client.Token) attr.Value { return types.StringPointerValue(t.Output) }},
	{"output_type", types.StringType, "How `output` is encoded: `application/super+json`, `application/json`, `text/plain` or `application/store` (a storage path, not the data: `output_json` has the data).",
		func(t client.Token) attr.Value { return types.StringPointerValue(t.OutputType) }},
	{"output_is_error", types.BoolType, "Whether the output is an error, as it is for a timed-out token.",
		func(t client.Token) attr.Value { return types.BoolPointerValue(t.OutputIsError) }},
}

// outputJSONAttribute is computed separately because decoding can fail.
const (
	outputJSONName        = "output_json"
	outputJSONDescription = "The output as plain JSON text whatever its `output_type` (superjson unwrapped to its `json` member, `text/plain` as a JSON string), ready for `jsondecode`; an `application/store` output is fetched from object storage, as the official SDK does, and decoded by its content type. Null when there is no output."
)

// tokenAttrTypes is the object type of one token in a list.
var tokenAttrTypes = func() map[string]attr.Type {
	attrTypes := map[string]attr.Type{"id": basetypes.StringType{}, outputJSONName: basetypes.StringType{}}
	for _, a := range tokenAttributes {
		attrTypes[a.name] = a.typ
	}
	return attrTypes
}()

// tokenSchemaAttributes returns the computed schema attributes of a token.
func tokenSchemaAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		outputJSONName: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: outputJSONDescription,
		},
	}
	for _, a := range tokenAttributes {
		attrs[a.name] = computedAttribute(a)
	}
	return attrs
}

// computedAttribute is the schema attribute of a's type. A type it does not know
// is a programming error that every schema read would hit, so it panics naming
// the attribute rather than guess.
func computedAttribute[T any](a computedField[T]) schema.Attribute {
	switch a.typ {
	case types.BoolType:
		return schema.BoolAttribute{
			Computed:            true,
			MarkdownDescription: a.description,
		}
	case stringListType:
		return schema.ListAttribute{
			Computed:            true,
			ElementType:         types.StringType,
			MarkdownDescription: a.description,
		}
	case types.Int64Type:
		return schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: a.description,
		}
	case types.StringType:
		return schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: a.description,
		}
	case timetypes.RFC3339Type{}:
		return schema.StringAttribute{
			Computed:            true,
			CustomType:          timetypes.RFC3339Type{},
			MarkdownDescription: a.description,
		}
	default:
		panic(fmt.Sprintf("attribute %q has type %s, which computedAttribute does not know: add a case for it", a.name, a.typ))
	}
}

// tokenAttributeNames lists, in backticks, the attributes of one token in a
// list: `id`, those of tokenAttributes in their order, and `output_json`.
func tokenAttributeNames() string {
	names := []string{"`id`"}
	for _, a := range tokenAttributes {
		names = append(names, "`"+a.name+"`")
	}
	return strings.Join(names, ", ") + " and `" + outputJSONName + "`"
}

// tokenValues converts a token to attribute values keyed by attribute name,
// `id` and `output_json` included. Without withOutput the output attributes are
// null, as they are for list items, which carry no output.
func tokenValues(t client.Token, withOutput bool) (map[string]attr.Value, error) {
	if !withOutput {
		t.Output, t.OutputType, t.OutputIsError = nil, nil, nil
	}
	outputJSON, err := t.OutputJSON()
	if err != nil {
		return nil, err
	}
	values := make(map[string]attr.Value, len(tokenAttributes)+2)
	values["id"] = types.StringValue(t.ID)
	values[outputJSONName] = types.StringPointerValue(outputJSON)
	for _, a := range tokenAttributes {
		values[a.name] = a.value(t)
	}
	return values, nil
}

func stringList(items []string) basetypes.ListValue {
	elems := make([]attr.Value, len(items))
	for i, s := range items {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

// serviceTime is an instant as the service writes it, to the millisecond:
// timetypes' own constructors drop the fraction (`.266Z` would become `Z`).
func serviceTime(t *time.Time) timetypes.RFC3339 {
	if t == nil {
		return timetypes.NewRFC3339Null()
	}
	return timetypes.NewRFC3339ValueMust(t.UTC().Format(client.TimeLayout))
}

// tokenModel is a token's computed attributes as a typed model, embedded in
// the model of every kind that holds one token. Its fields are those of
// tokenAttributes and output_json (TestTokenModel_matchesTable).
type tokenModel struct {
	Status                  types.String      `tfsdk:"status"`
	IdempotencyKey          types.String      `tfsdk:"idempotency_key"`
	IdempotencyKeyExpiresAt timetypes.RFC3339 `tfsdk:"idempotency_key_expires_at"`
	TimeoutAt               timetypes.RFC3339 `tfsdk:"timeout_at"`
	CompletedAt             timetypes.RFC3339 `tfsdk:"completed_at"`
	CreatedAt               timetypes.RFC3339 `tfsdk:"created_at"`
	Tags                    types.List        `tfsdk:"tags"`
	Output                  types.String      `tfsdk:"output"`
	OutputType              types.String      `tfsdk:"output_type"`
	OutputIsError           types.Bool        `tfsdk:"output_is_error"`
	OutputJSON              types.String      `tfsdk:"output_json"`
}

// tokenModelTypes is tokenModel's object type: a token's attributes but `id`.
var tokenModelTypes = func() map[string]attr.Type {
	attrTypes := maps.Clone(tokenAttrTypes)
	delete(attrTypes, "id")
	return attrTypes
}()

// newTokenModel is tokenValues, the one conversion of a token, as a typed model.
func newTokenModel(ctx context.Context, t client.Token) (tokenModel, diag.Diagnostics) {
	var m tokenModel
	var diags diag.Diagnostics
	values, err := tokenValues(t, true)
	if err != nil {
		diags.AddAttributeError(path.Root(outputJSONName), "Undecodable waitpoint token output", err.Error())
		return m, diags
	}
	delete(values, "id")
	object, diags := types.ObjectValue(tokenModelTypes, values)
	if !diags.HasError() {
		diags.Append(object.As(ctx, &m, basetypes.ObjectAsOptions{})...)
	}
	return m, diags
}
