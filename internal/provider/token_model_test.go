package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
)

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
