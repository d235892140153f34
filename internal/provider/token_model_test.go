package provider

import (
	"fmt"
	"strings"
	"testing"

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
			if msg := fmt.Sprint(recover()); !strings.Contains(msg, `"attempts"`) || !strings.Contains(msg, "basetypes.Int64Type") {
				t.Fatalf("panic %q does not name the attribute and its type", msg)
			}
		}()
		computedAttribute(tokenAttribute{name: "attempts", typ: types.Int64Type, description: "How many attempts."})
	})
}
