package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

func TestAccExamples_provider(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	runExample(t, "provider", url, nil, resource.TestStep{})
	// The key is only needed when a data source reads: the block alone sends nothing.
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("the provider block alone sent %d requests", n)
	}
}

func TestAccExamples_waitpointTokenDataSource(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	id := approvedToken(t, mock, true)
	runExample(t, "data-sources/triggerdev_waitpoint_token", url, idVariable(id), resource.TestStep{
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("approval_status", knownvalue.StringExact("COMPLETED")),
			statecheck.ExpectKnownOutputValue("approval_decision", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"approved": knownvalue.Bool(true), "by": knownvalue.StringExact("alice"),
			})),
		},
	})
}

func TestAccExamples_waitpointTokensDataSource(t *testing.T) {
	t.Parallel()
	needsMock(t, "seeded counts")
	mock, url := startMock(t, seededTokens)
	var want []knownvalue.Check
	for _, tok := range mock.Tokens() {
		if tok.Status == "WAITING" && slices.Contains(tok.Tags, "approval") && slices.Contains(tok.Tags, "deploy:prod") &&
			time.Since(tok.CreatedAt) <= 24*time.Hour {
			want = append(want, knownvalue.StringExact(tok.ID))
		}
	}
	if len(want) == 0 {
		t.Fatal("the seed has no pending production approval of the last day")
	}
	runExample(t, "data-sources/triggerdev_waitpoint_tokens", url, nil, resource.TestStep{
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("pending_approval_ids", knownvalue.ListExact(want)),
			statecheck.ExpectKnownOutputValue("more_pending_than_listed", knownvalue.Bool(false)),
		},
	})
}

// TestAccExamples_gatingPreconditionFixtures runs the README's example of a
// user testing their gating configuration against the mock command's
// -fixtures file: one plan per token of the file.
func TestAccExamples_gatingPreconditionFixtures(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "gating", "precondition", "fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := mockapi.ParseFixtures(data)
	if err != nil {
		t.Fatal(err)
	}
	needsMock(t, "fixtures")
	_, url := startMock(t, 0, func(o *mockapi.Options) { o.Fixtures = fixtures })
	for id, step := range map[string]resource.TestStep{
		"waitpoint_approved": {ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("approved_by", knownvalue.StringExact("alice"))}},
		"waitpoint_rejected": {ExpectError: regexp.MustCompile(`(?s)The release has not been approved yet.*status: COMPLETED`)},
		"waitpoint_pending":  {ExpectError: regexp.MustCompile(`(?s)The release has not been approved yet.*status: WAITING`)},
	} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			runExample(t, "gating/precondition", url, idVariable(id), step)
		})
	}
}

// TestDocs_indexTemplate: the provider's docs page says what the provider
// does: its front matter is the schema's description (it creates, waits and
// completes, not only reads), the action's progress as progressEvery paces
// it, and `terraform init` only where it applies (under dev_overrides it
// fails).
func TestDocs_indexTemplate(t *testing.T) {
	text := readFileString(t, filepath.Join("..", "..", "templates", "index.md.tmpl"))
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	description := strings.Replace(resp.Schema.MarkdownDescription, "[Trigger.dev](https://trigger.dev)", "Trigger.dev", 1)
	if !strings.Contains(text, "description: |-\n  "+description+"\n") {
		t.Errorf("the front matter's description is not the provider's: %q", description)
	}
	folded := foldSpace(text)
	if want := fmt.Sprintf("its first poll, each change of the token's status, and every %d seconds between them", int(progressEvery.Seconds())); !strings.Contains(folded, want) {
		t.Errorf("the page does not say how the action reports progress: %q", want)
	}
	if strings.Contains(folded, "Run `terraform init` first.") {
		t.Error("the page says to run terraform init unconditionally; under dev_overrides it fails")
	}
}
