package provider

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// TestAccWaitpointTokenListResource_query: `terraform query` lists exactly
// the tokens the list data source's filters match, as identities, and with
// include_resource their values as the resource has them.
func TestAccWaitpointTokenListResource_query(t *testing.T) {
	t.Parallel()
	skipOnOpenTofu(t, "OpenTofu has no list resources")
	mock, url := startTarget(t)
	tag := mock.name("approval")
	approval := mock.CreateToken(mockapi.TokenSpec{Tags: []string{tag}})
	other := mock.CreateToken(mockapi.TokenSpec{Tags: []string{tag, "release:7"}, IdempotencyKey: mock.name("release-7")})
	mock.CreateToken(mockapi.TokenSpec{Tags: []string{mock.name("deploy")}})
	completed := mock.CreateToken(mockapi.TokenSpec{Tags: []string{tag}})
	if err := mock.Complete(completed.ID, []byte(`{"approved":true}`)); err != nil {
		t.Fatal(err)
	}
	// The query uses the provider block of the step before.
	query := fmt.Sprintf(`
list "triggerdev_waitpoint_token" "waiting" {
  provider = triggerdev
  config {
    tags     = [%[1]q]
    statuses = ["WAITING"]
  }
}

list "triggerdev_waitpoint_token" "completed" {
  provider         = triggerdev
  include_resource = true
  config {
    tags     = [%[1]q]
    statuses = ["COMPLETED"]
  }
}
`, tag)
	identity := func(id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{{
			Config: providerBlock(url),
		}, {
			Query:  true,
			Config: query,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("triggerdev_waitpoint_token.waiting", 2),
				querycheck.ExpectIdentity("triggerdev_waitpoint_token.waiting", identity(approval.ID)),
				querycheck.ExpectIdentity("triggerdev_waitpoint_token.waiting", identity(other.ID)),
				querycheck.ExpectLength("triggerdev_waitpoint_token.completed", 1),
				querycheck.ExpectIdentity("triggerdev_waitpoint_token.completed", identity(completed.ID)),
				querycheck.ExpectResourceKnownValues("triggerdev_waitpoint_token.completed", queryfilter.ByResourceIdentity(identity(completed.ID)),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("COMPLETED")},
						{Path: tfjsonpath.New("output_json"), KnownValue: knownvalue.StringExact(`{"approved":true}`)},
						{Path: tfjsonpath.New("tags"), KnownValue: knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(tag)})},
					}),
			},
		}},
	})
}

// TestAccWaitpointTokenListResource_generateConfig: the configuration that
// `terraform query -generate-config-out` writes for listed tokens imports
// them with no change planned: their tags in the service's order, their
// timeout and key TTL as read from the tokens.
func TestAccWaitpointTokenListResource_generateConfig(t *testing.T) {
	t.Parallel()
	skipOnOpenTofu(t, "OpenTofu has no list resources")
	ws := newCLIWorkspace(t)
	if ws.version.LessThan(tfversion.Version1_14_0) {
		t.Skip("terraform query needs Terraform 1.14 or later")
	}
	mock, url := startTarget(t)
	tag := mock.name("approval") // the test's own tokens, whatever else the service holds
	mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: mock.name("release-7"), IdempotencyKeyTTL: 30 * 24 * time.Hour, Timeout: 24 * time.Hour,
		Tags: []string{"release:7", tag}})
	mock.CreateToken(mockapi.TokenSpec{Timeout: 90 * time.Minute, Tags: []string{tag}})
	mock.CreateToken(mockapi.TokenSpec{Tags: []string{tag, "b", "a_b", "a-b"}})
	ws.writeConfig(providerBlock(url))
	writeFile(t, filepath.Join(ws.dir, "tokens.tfquery.hcl"), fmt.Sprintf(`
list "triggerdev_waitpoint_token" "approvals" {
  provider = triggerdev
  config {
    tags = [%q]
  }
}
`, tag))
	if out, err := ws.run("query", "-generate-config-out=generated.tf"); err != nil {
		t.Fatalf("query: %v\n%s", err, out)
	}
	generated := readFileString(t, filepath.Join(ws.dir, "generated.tf"))
	for _, want := range []string{`timeout`, `"1d"`, `"1h30m"`, `idempotency_key_ttl`, `"30d"`} {
		if !strings.Contains(generated, want) {
			t.Fatalf("the generated configuration has no %s:\n%s", want, generated)
		}
	}
	if out, err := ws.run("plan", "-input=false", "-out=tfplan"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	out, err := ws.run("show", "-json", "tfplan")
	if err != nil {
		t.Fatalf("show: %v\n%s", err, out)
	}
	var plan struct {
		ResourceChanges []struct {
			Address string
			Change  struct {
				Actions   []string
				Importing any
			}
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("the plan's JSON: %v\n%s", err, out)
	}
	if len(plan.ResourceChanges) != 3 {
		t.Fatalf("the plan has %d resource changes, want the 3 tokens imported:\n%s\n%s", len(plan.ResourceChanges), generated, out)
	}
	for _, rc := range plan.ResourceChanges {
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) || rc.Change.Importing == nil {
			t.Errorf("%s: planned %q (importing: %v), want only its import\n%s", rc.Address, rc.Change.Actions, rc.Change.Importing, generated)
		}
	}
}
