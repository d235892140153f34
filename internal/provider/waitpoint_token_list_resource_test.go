package provider

import (
	"fmt"
	"testing"

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
