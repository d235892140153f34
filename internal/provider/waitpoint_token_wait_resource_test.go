package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const tokenWaitAddress = "triggerdev_waitpoint_token_wait.approval"

// tokenWaitConfig gates a terraform_data rollout of release on the resource,
// which names its token by ref (`id = …` or `idempotency_key = …`) and takes
// the extra arguments.
func tokenWaitConfig(apiURL, ref, release, extra string) string {
	return providerBlock(apiURL) + fmt.Sprintf(`
resource "triggerdev_waitpoint_token_wait" "approval" {
  %s
  interval = "1s"
  %s
}

resource "terraform_data" "rollout" {
  input      = %q
  depends_on = [triggerdev_waitpoint_token_wait.approval]
}
`, ref, extra, release)
}

// wrappedTexts matches the texts, in this order, in a CLI's wrapped output.
func wrappedTexts(texts ...string) *regexp.Regexp {
	parts := make([]string, len(texts))
	for i, text := range texts {
		parts[i] = wrappedText(text).String()
	}
	return regexp.MustCompile("(?s)" + strings.Join(parts, ".*"))
}

func idRef(id string) string { return fmt.Sprintf("id = %q", id) }

// requestCount fails a step unless the mock saw requests exactly when want
// says it must (none, or some), since the last ResetRequests.
func requestCount(mock *mockapi.Server, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		switch n := len(mock.Requests()); {
		case want && n == 0:
			return fmt.Errorf("the mock saw no request: the resource did not wait again")
		case !want && n != 0:
			return fmt.Errorf("the mock saw %d requests, want none: %v", n, mock.Requests())
		}
		return nil
	}
}

// resourceTestCase runs steps on every CLI: the resource needs no action.
func resourceTestCase(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
}

// TestAccWaitpointTokenWait_nextApplyWaitsAgain: after a wait that timed out,
// the next apply waits again, and an approval then lets the rollout through.
func TestAccWaitpointTokenWait_nextApplyWaitsAgain(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	ws.writeConfig(tokenWaitConfig(url, idRef(tok.ID), "release-1", `timeout = "1s"`))
	if out, err := ws.run("apply", "-auto-approve", "-input=false"); err == nil {
		t.Fatalf("nobody answered, yet the apply succeeded:\n%s", out)
	}
	go whenPolled(t, mock, tok.ID, func() error { return mock.Complete(tok.ID, []byte(`{"approved":true}`)) })
	ws.writeConfig(tokenWaitConfig(url, idRef(tok.ID), "release-1", `timeout = "5m"`))
	mock.ResetRequests()
	out, err := ws.run("apply", "-auto-approve", "-input=false")
	stored := ws.stateInstances()
	if _, rolledOut := stored[rolloutAddress]; err != nil || !rolledOut || stored[tokenWaitAddress]["status"] != "COMPLETED" {
		t.Fatalf("the second apply must wait, then create the wait and the rollout (stored %v): %v\n%s", stored, err, out)
	}
}

// TestAccWaitpointTokenWait_onlyWhenChanging: with nothing changed, a plan and
// an apply make no request; a changed trigger or a new token waits again.
func TestAccWaitpointTokenWait_onlyWhenChanging(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
	first, second := approvedToken(t, mock, true), approvedToken(t, mock, true)
	config := func(id, release string) string {
		return tokenWaitConfig(url, idRef(id), release, `triggers = { release = "`+release+`" }`)
	}
	replaced := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(tokenWaitAddress, plancheck.ResourceActionDestroyBeforeCreate),
	}}
	resourceTestCase(t,
		resource.TestStep{Config: config(first, "release-1"), ConfigStateChecks: rolloutCreated("release-1")},
		resource.TestStep{
			PreConfig:        mock.ResetRequests,
			Config:           config(first, "release-1"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            requestCount(mock, false),
		},
		resource.TestStep{
			PreConfig:         mock.ResetRequests,
			Config:            config(first, "release-2"),
			ConfigPlanChecks:  replaced,
			ConfigStateChecks: rolloutCreated("release-2"),
			Check:             requestCount(mock, true),
		},
		resource.TestStep{
			PreConfig:        mock.ResetRequests,
			Config:           config(second, "release-2"),
			ConfigPlanChecks: replaced,
			ConfigStateChecks: []statecheck.StateCheck{
				attrCheckAt(tokenWaitAddress, "id", knownvalue.StringExact(second)),
			},
			Check: requestCount(mock, true),
		},
	)
}

// TestAccWaitpointTokenWait_idempotencyKey: a token named by its key is waited
// for before it exists; its id is stored, and a later plan keeps it without a
// request: only a new key or new triggers wait again.
func TestAccWaitpointTokenWait_idempotencyKey(t *testing.T) {
	t.Parallel()
	mock, url := startMock(t, 0)
	var created mockapi.Token
	config := tokenWaitConfig(url, `idempotency_key = "release-7"`, "release-7", `output_contains = jsonencode({ approved = true })`)
	resourceTestCase(t,
		resource.TestStep{
			PreConfig: func() {
				go func() { // the workflow creates its token once the resource looks for it, and the approver completes it
					ctx, cancel := context.WithTimeout(context.Background(), hangBound)
					defer cancel()
					err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool { return len(rs) > 0 })
					if err == nil {
						created = mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: "release-7"})
						err = mock.Complete(created.ID, []byte(`{"approved":true}`))
					}
					if err != nil {
						t.Errorf("creating the token: %v", err)
					}
				}()
			},
			Config:            config,
			ConfigStateChecks: rolloutCreated("release-7"),
			Check: func(s *terraform.State) error {
				if got := s.RootModule().Resources[tokenWaitAddress].Primary.ID; got != created.ID || got == "" {
					return fmt.Errorf("the resource's id is %q, want the token's, %q", got, created.ID)
				}
				return nil
			},
		},
		resource.TestStep{
			PreConfig:        mock.ResetRequests,
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            requestCount(mock, false),
		},
	)
}
