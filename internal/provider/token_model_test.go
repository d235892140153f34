package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
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

// BenchmarkTokensToValues converts 10,000 listed tokens into the data source's
// computed attributes, the work a plan of a large listing does in the provider.
func BenchmarkTokensToValues(b *testing.B) {
	tokens := make([]client.Token, 10000)
	created := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	key := "release-42"
	for i := range tokens {
		tokens[i] = client.Token{
			ID: fmt.Sprintf("waitpoint_%025d", i), URL: "https://api.trigger.dev/callback", Status: client.StatusWaiting,
			IdempotencyKey: &key, TimeoutAt: &created, CreatedAt: created, Tags: []string{"approval", "deploy:prod"},
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var m waitpointTokensModel
		if diags := m.setResults(tokens, false, false); diags.HasError() {
			b.Fatal(diags)
		}
		if len(m.Tokens.Elements()) != len(tokens) {
			b.Fatal("tokens lost")
		}
	}
}
