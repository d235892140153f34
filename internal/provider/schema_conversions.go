package provider

import (
	"fmt"

	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
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
// resource's, where each forces a new resource: a new wait.
func replacingAttributes(attrs map[string]actionschema.Attribute) map[string]resourceschema.Attribute {
	out := make(map[string]resourceschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a := a.(type) {
		case actionschema.StringAttribute:
			out[name] = resourceschema.StringAttribute{Optional: a.Optional, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
		case actionschema.ListAttribute:
			out[name] = resourceschema.ListAttribute{Optional: a.Optional, ElementType: a.ElementType, Validators: a.Validators, MarkdownDescription: a.MarkdownDescription,
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()}}
		default:
			panic(fmt.Sprintf("replacingAttributes: attribute %q is a %T, which it does not convert", name, a))
		}
	}
	return out
}
