package provider

import (
	"context"
	"fmt"

	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
)

// The conversions of one kind's schema attributes to another kind's, so that
// an attribute is defined once. Each panics, when the provider starts and in
// every test, on a kind of attribute it does not convert.

// resourceComputedAttributes converts the data source's computed attributes
// of a token, so that both kinds have one definition.
func resourceComputedAttributes(attrs map[string]dsschema.Attribute) map[string]resourceschema.Attribute {
	out := make(map[string]resourceschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a := a.(type) {
		case dsschema.StringAttribute:
			out[name] = resourceschema.StringAttribute{Computed: true, CustomType: a.CustomType, Sensitive: a.Sensitive, MarkdownDescription: a.MarkdownDescription}
		case dsschema.Int64Attribute:
			out[name] = resourceschema.Int64Attribute{Computed: true, Sensitive: a.Sensitive, MarkdownDescription: a.MarkdownDescription}
		case dsschema.BoolAttribute:
			out[name] = resourceschema.BoolAttribute{Computed: true, Sensitive: a.Sensitive, MarkdownDescription: a.MarkdownDescription}
		case dsschema.ListAttribute:
			out[name] = resourceschema.ListAttribute{Computed: true, ElementType: a.ElementType, Sensitive: a.Sensitive, MarkdownDescription: a.MarkdownDescription}
		default:
			panic(fmt.Sprintf("resourceComputedAttributes: attribute %q is a %T, which it does not convert", name, a))
		}
	}
	return out
}

// listAttribute converts one of the list data source's filters.
func listAttribute(name string, a dsschema.Attribute) listschema.Attribute {
	switch a := a.(type) {
	case dsschema.StringAttribute:
		return listschema.StringAttribute{Optional: true, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription}
	case dsschema.ListAttribute:
		return listschema.ListAttribute{Optional: true, ElementType: a.ElementType, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription}
	case dsschema.NumberAttribute:
		return listschema.NumberAttribute{Optional: true, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription}
	}
	panic(fmt.Sprintf("listAttribute: filter %q is a %T, which it does not convert", name, a))
}

// ephemeralAttributes converts the data source's attributes, every field of
// each, so that both kinds have one definition (TestEphemeralAttributes_same).
func ephemeralAttributes(attrs map[string]dsschema.Attribute) map[string]ephemeralschema.Attribute {
	out := make(map[string]ephemeralschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a := a.(type) {
		case dsschema.StringAttribute:
			out[name] = ephemeralschema.StringAttribute(a)
		case dsschema.BoolAttribute:
			out[name] = ephemeralschema.BoolAttribute(a)
		case dsschema.ListAttribute:
			out[name] = ephemeralschema.ListAttribute(a)
		case dsschema.SingleNestedAttribute:
			out[name] = ephemeralschema.SingleNestedAttribute{
				Attributes: ephemeralAttributes(a.Attributes), CustomType: a.CustomType,
				Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive,
				Description: a.Description, MarkdownDescription: a.MarkdownDescription,
				DeprecationMessage: a.DeprecationMessage, Validators: a.Validators,
			}
		default:
			panic(fmt.Sprintf("ephemeralAttributes: attribute %q is a %T, which it does not convert", name, a))
		}
	}
	return out
}

// replacingAttributes converts a gate's arguments, the action's, to the
// resource's, where each forces a new resource: a new wait. A resource
// imported without them (a task run, whose trigger options the service does
// not report) takes its configuration's once without one (unlessImported).
// A write-only argument, never in the plan, forces nothing.
func replacingAttributes(attrs map[string]actionschema.Attribute) map[string]resourceschema.Attribute {
	out := make(map[string]resourceschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a := a.(type) {
		case actionschema.StringAttribute:
			converted := resourceschema.StringAttribute{Required: a.Required, Optional: a.Optional, WriteOnly: a.WriteOnly, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription}
			if !a.WriteOnly {
				converted.PlanModifiers = []planmodifier.String{replaceStringUnlessImported}
			}
			out[name] = converted
		case actionschema.ListAttribute:
			out[name] = resourceschema.ListAttribute{Required: a.Required, Optional: a.Optional, ElementType: a.ElementType, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription,
				PlanModifiers: []planmodifier.List{replaceListUnlessImported}}
		case actionschema.NumberAttribute:
			out[name] = resourceschema.NumberAttribute{Required: a.Required, Optional: a.Optional, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription,
				PlanModifiers: []planmodifier.Number{replaceNumberUnlessImported}}
		case actionschema.BoolAttribute:
			out[name] = resourceschema.BoolAttribute{Required: a.Required, Optional: a.Optional, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription,
				PlanModifiers: []planmodifier.Bool{replaceBoolUnlessImported}}
		default:
			panic(fmt.Sprintf("replacingAttributes: attribute %q is a %T, which it does not convert", name, a))
		}
	}
	return out
}

const replaceDescription = "A change forces a new resource."

// importedKey marks, in a resource's private state, an import whose
// arguments the service could not report: they are null in the state.
const importedKey = "imported"

// replaceUnlessImported forces a new resource on every change of an argument
// but one: from null in the state of an import to the configuration's value,
// which the first apply after the import stores without a new resource.
func replaceUnlessImported(ctx context.Context, state attr.Value, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) (bool, diag.Diagnostics) {
	imported, diags := private.GetKey(ctx, importedKey)
	return !state.IsNull() || imported == nil, diags
}

// The plan modifiers of replaceUnlessImported, one per type of argument.
var (
	replaceStringUnlessImported = stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace, resp.Diagnostics = replaceUnlessImported(ctx, req.StateValue, req.Private)
	}, replaceDescription, replaceDescription)
	replaceListUnlessImported = listplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace, resp.Diagnostics = replaceUnlessImported(ctx, req.StateValue, req.Private)
	}, replaceDescription, replaceDescription)
	replaceNumberUnlessImported = numberplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.NumberRequest, resp *numberplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace, resp.Diagnostics = replaceUnlessImported(ctx, req.StateValue, req.Private)
	}, replaceDescription, replaceDescription)
	replaceBoolUnlessImported = boolplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace, resp.Diagnostics = replaceUnlessImported(ctx, req.StateValue, req.Private)
	}, replaceDescription, replaceDescription)
)
