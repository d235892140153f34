package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// actionConfig gates a terraform_data rollout of release on the action,
// which names its token by id, with the action's extra arguments.
func actionConfig(apiURL, id, release, extra string) string {
	return actionGateConfig(apiURL, idRef(id), release, extra)
}

// actionTestCase runs steps under a CLI that has actions: Terraform 1.14 or
// later, never OpenTofu, whose version numbers say nothing of actions.
func actionTestCase(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	skipOnOpenTofu(t, "OpenTofu has no actions")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps:                    steps,
	})
}

var rolloutAddress = "terraform_data.rollout"

// rolloutCreated checks that the rollout of release is in state.
func rolloutCreated(release string) []statecheck.StateCheck {
	return []statecheck.StateCheck{statecheck.ExpectKnownValue(rolloutAddress, tfjsonpath.New("output"), knownvalue.StringExact(release))}
}

// TestAccWaitForWaitpointTokenAction_onlyWhenChanging: an unchanged rollout
// applies at once without asking the service; a changed one waits again.
func TestAccWaitForWaitpointTokenAction_onlyWhenChanging(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
	approved := approvedToken(t, mock, true)
	pending := mock.CreateToken(mockapi.TokenSpec{}).ID
	actionTestCase(t,
		resource.TestStep{Config: actionConfig(url, approved, "release-1", ""), ConfigStateChecks: rolloutCreated("release-1")},
		resource.TestStep{
			// The same rollout now names a token nobody completes: nothing changes, so nothing waits.
			PreConfig:         mock.ResetRequests,
			Config:            actionConfig(url, pending, "release-1", `timeout = "1s"`),
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: rolloutCreated("release-1"),
			Check: func(*terraform.State) error {
				if n := len(mock.Requests()); n != 0 {
					return fmt.Errorf("an unchanged rollout made %d requests", n)
				}
				return nil
			},
		},
		resource.TestStep{
			Config:      actionConfig(url, pending, "release-2", `timeout = "1s"`),
			ExpectError: regexp.MustCompile(`(?s)timed out after 1s.*WAITING`),
		},
	)
}

func TestAccWaitForWaitpointTokenAction_invalidConfig(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, id, extra, want string }{
		{"empty id", "", "", `must be a waitpoint token id`},
		{"id with a slash", "waitpoint_a/../b", "", `must be a waitpoint token id`},
		{"id with a query", "waitpoint_a?b=c", "", `must be a waitpoint token id`},
		{"unknown status", "waitpoint_a", `statuses = ["DONE"]`, `value must be one of`},
		{"repeated status", "waitpoint_a", `statuses = ["COMPLETED", "COMPLETED"]`, `duplicate values`},
		{"output_contains not JSON", "waitpoint_a", `output_contains = "approved"`, `must be JSON text of an object`},
		{"output_contains an array", "waitpoint_a", `output_contains = jsonencode([true])`, `must be JSON text of an object`},
		{"timeout without a unit", "waitpoint_a", `timeout = "30"`, `must be a positive duration`},
		{"negative timeout", "waitpoint_a", `timeout = "-1s"`, `must be a positive duration`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, 0)
			actionTestCase(t, resource.TestStep{
				Config:      actionConfig(url, tc.id, "release-1", tc.extra),
				ExpectError: wrappedText(tc.want),
			})
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("the mock saw %d requests; invalid values must be refused before any", n)
			}
		})
	}
}

// TestAccWaitForWaitpointTokenAction_invoke runs the action on its own with
// `terraform apply -invoke`, which the test harness does not drive: through the
// CLI itself.
func TestAccWaitForWaitpointTokenAction_invoke(t *testing.T) {
	skipOnOpenTofu(t, "OpenTofu has no actions")
	ws := newCLIWorkspace(t)
	if ws.version.LessThan(tfversion.Version1_14_0) {
		t.Skipf("Terraform %s has no actions", ws.version)
	}
	mock, url := startMock(t, 0)
	invoke := func(id string) (string, error) {
		ws.writeConfig(actionConfig(url, id, "release-1", `timeout = "2s"`))
		return ws.run("apply", "-auto-approve", "-input=false", "-invoke=action.triggerdev_wait_for_waitpoint_token.approval")
	}
	out, err := invoke(approvedToken(t, mock, true))
	t.Log(out)
	if err != nil || !strings.Contains(out, "is COMPLETED") {
		t.Fatalf("invoking the action on an approved token: %v\n%s", err, out)
	}
	if state, _ := os.ReadFile(filepath.Join(ws.dir, "terraform.tfstate")); strings.Contains(string(state), "terraform_data") {
		t.Fatalf("-invoke created the rollout:\n%s", state)
	}
	out, err = invoke(mock.CreateToken(mockapi.TokenSpec{}).ID)
	if err == nil || !regexp.MustCompile(`(?s)timed out after 2s.*WAITING`).MatchString(out) {
		t.Fatalf("invoking the action on a pending token must fail at its timeout naming WAITING: %v\n%s", err, out)
	}
}
