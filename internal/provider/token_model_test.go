package provider

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestComputedAttribute: every token attribute gets a schema attribute of its own
// type, and a type computedAttribute does not know panics naming the attribute.
func TestComputedAttribute(t *testing.T) {
	for _, a := range tokenAttributes {
		t.Run(a.name, func(t *testing.T) {
			if got := computedAttribute(a).GetType(); !got.Equal(a.typ) {
				t.Fatalf("schema type %s, want %s", got, a.typ)
			}
		})
	}
	t.Run("unknown type", func(t *testing.T) {
		defer func() {
			if msg := fmt.Sprint(recover()); !strings.Contains(msg, `"ratio"`) || !strings.Contains(msg, "basetypes.Float64Type") {
				t.Fatalf("panic %q does not name the attribute and its type", msg)
			}
		}()
		computedAttribute(tokenAttribute{name: "ratio", typ: types.Float64Type, description: "A ratio."})
	})
}

// TestTokenModel_matchesTable: the typed model has exactly the attributes of
// the table that every kind's schema is built from.
func TestTokenModel_matchesTable(t *testing.T) {
	var fields []string
	typ := reflect.TypeFor[tokenModel]()
	for i := range typ.NumField() {
		fields = append(fields, typ.Field(i).Tag.Get("tfsdk"))
	}
	want := slices.Sorted(maps.Keys(tokenModelTypes))
	slices.Sort(fields)
	if !slices.Equal(fields, want) {
		t.Fatalf("tokenModel has %v, the table %v", fields, want)
	}
}

// TestEphemeralAttributes_same: the ephemeral resource's schema is the data
// source's, attribute by attribute, every property.
func TestEphemeralAttributes_same(t *testing.T) {
	var resp ephemeral.SchemaResponse
	NewWaitpointTokenEphemeralResource().Schema(context.Background(), ephemeral.SchemaRequest{}, &resp)
	compareAttributes(t, "", views(waitpointTokenSchema().Attributes), views(resp.Schema.Attributes))
}

// attributeView is what every kind's schema attribute shows.
type attributeView interface {
	GetType() attr.Type
	IsRequired() bool
	IsOptional() bool
	IsComputed() bool
	IsSensitive() bool
	GetDescription() string
	GetMarkdownDescription() string
	GetDeprecationMessage() string
}

func views[A attributeView](attrs map[string]A) map[string]attributeView {
	out := make(map[string]attributeView, len(attrs))
	for name, a := range attrs {
		out[name] = a
	}
	return out
}

// nestedViews are a nested attribute's attributes, nil for any other.
func nestedViews(a attributeView) map[string]attributeView {
	switch a := a.(type) {
	case dsschema.SingleNestedAttribute:
		return views(a.Attributes)
	case ephemeralschema.SingleNestedAttribute:
		return views(a.Attributes)
	}
	return nil
}

func compareAttributes(t *testing.T, prefix string, want, got map[string]attributeView) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: %d attributes, want %d", prefix, len(got), len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Fatalf("no attribute %s%s", prefix, name)
		}
		if !g.GetType().Equal(w.GetType()) || g.IsRequired() != w.IsRequired() || g.IsOptional() != w.IsOptional() ||
			g.IsComputed() != w.IsComputed() || g.IsSensitive() != w.IsSensitive() ||
			g.GetMarkdownDescription() != w.GetMarkdownDescription() || g.GetDescription() != w.GetDescription() ||
			g.GetDeprecationMessage() != w.GetDeprecationMessage() {
			t.Errorf("attribute %s%s differs: %#v, want %#v", prefix, name, g, w)
		}
		if nested := nestedViews(w); nested != nil {
			compareAttributes(t, prefix+name+".", nested, nestedViews(g))
		}
	}
}
