package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// runExample runs one directory of examples/ against the mock at url, with the
// provider configured from the environment as the examples advise (each test's
// provider has an environment of its own, so examples run in parallel).
func runExample(t *testing.T, dir, url string, vars config.Variables, step resource.TestStep, checks ...tfversion.TerraformVersionCheck) {
	t.Helper()
	factories := factoriesWithEnv(map[string]string{envAPIURL: url, envAPIKey: testAPIKey})
	step.ConfigDirectory = config.StaticDirectory(exampleDir(t, dir))
	step.ConfigVariables = vars
	step.ProtoV6ProviderFactories = factories
	// An empty last step destroys what the example made: the harness cannot read
	// back a state holding for_each instances.
	steps := []resource.TestStep{step}
	if step.ExpectError == nil {
		steps = append(steps, resource.TestStep{Config: "# nothing", ProtoV6ProviderFactories: factories})
	}
	resource.Test(t, resource.TestCase{Steps: steps, TerraformVersionChecks: checks})
}

// registrySource is how the examples name the provider.
const registrySource = `source = "triggerdev-terraform/triggerdev"`

// exampleDir is the example's directory, or a copy of it naming the provider
// by the address the harness serves it at (hashicorp/triggerdev, as in every
// other test): the harness reads that namespace from the process's
// environment, which parallel tests must not change. Only the source string
// differs; scripts/demo.sh and the CLI-driven tests use the registry address.
func exampleDir(t *testing.T, dir string) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", dir)
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example in %s", dir)
	}
	copied := t.TempDir()
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		served := strings.ReplaceAll(string(text), registrySource, `source = "hashicorp/triggerdev"`)
		if err := os.WriteFile(filepath.Join(copied, filepath.Base(f)), []byte(served), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return copied
}

// approvedToken is a token completed with an approval, as a person would.
func approvedToken(t *testing.T, mock *mockapi.Server, approved bool) string {
	t.Helper()
	tok := mock.CreateToken(mockapi.TokenSpec{Tags: []string{"approval"}})
	body := `{"approved":false,"by":"bob"}`
	if approved {
		body = `{"approved":true,"by":"alice"}`
	}
	if err := mock.Complete(tok.ID, []byte(body)); err != nil {
		t.Fatal(err)
	}
	return tok.ID
}

func idVariable(id string) config.Variables {
	return config.Variables{"approval_token_id": config.StringVariable(id)}
}

func TestAccExamples_provider(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
	runExample(t, "provider", url, nil, resource.TestStep{})
	// The key is only needed when a data source reads: the block alone sends nothing.
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("the provider block alone sent %d requests", n)
	}
}

func TestAccExamples_waitpointTokenDataSource(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
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
