package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

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
