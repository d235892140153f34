package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// actionConfig gates a terraform_data rollout of release on the action, with
// the action's extra arguments.
func actionConfig(apiURL, id, release, extra string) string {
	return providerBlock(apiURL) + fmt.Sprintf(`
action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    id       = %q
    interval = "1s"
    %s
  }
}

resource "terraform_data" "rollout" {
  input = %q
  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.triggerdev_wait_for_waitpoint_token.approval]
    }
  }
}
`, id, extra, release)
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

// rolloutAbsent fails when a failed apply created the rollout anyway.
func rolloutAbsent(s *terraform.State) error {
	if s != nil && s.RootModule() != nil {
		if _, ok := s.RootModule().Resources[rolloutAddress]; ok {
			return fmt.Errorf("%s exists although the action failed", rolloutAddress)
		}
	}
	return nil
}

func TestAccWaitForWaitpointTokenAction_approvedWhileWaiting(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	var approvedAt time.Time
	actionTestCase(t, resource.TestStep{
		PreConfig: func() {
			go whenPolled(t, mock, tok.ID, func() error { // the approver, while the action waits
				approvedAt = time.Now()
				return mock.Complete(tok.ID, []byte(`{"approved":true,"by":"alice"}`))
			})
		},
		Config:            actionConfig(url, tok.ID, "release-1", `output_contains = jsonencode({ approved = true })`),
		ConfigStateChecks: rolloutCreated("release-1"),
		Check: func(*terraform.State) error {
			if approvedAt.IsZero() {
				return fmt.Errorf("the rollout was created before the token was approved")
			}
			return nil
		},
	})
}

func TestAccWaitForWaitpointTokenAction_failures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		token func(mock *target) string
		extra string
		want  *regexp.Regexp
	}{
		{"declined", func(mock *target) string { return approvedToken(t, mock, false) },
			`output_contains = jsonencode({ approved = true })`, wrappedText(`its output's member "approved" is false, not true`)},
		{"member missing", func(mock *target) string { return approvedToken(t, mock, true) },
			`output_contains = jsonencode({ ticket = { id = 7 } })`, wrappedText(`its output has no member "ticket"`)},
		{"timed out", func(mock *target) string {
			return mock.CreateToken(mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)}).ID
		}, `timeout = "1m"`, wrappedText(`is TIMED_OUT and can no longer become COMPLETED`)},
		{"error output of a COMPLETED token", func(mock *target) string {
			tok := mock.CreateToken(mockapi.TokenSpec{})
			if err := mock.Complete(tok.ID, []byte(`"boom"`)); err != nil {
				t.Fatal(err)
			}
			return tok.ID
		}, `output_contains = jsonencode({ approved = true })`, wrappedText(`its output is not a JSON object`)},
		{"nobody answers", func(mock *target) string { return mock.CreateToken(mockapi.TokenSpec{}).ID },
			`timeout = "1s"`, regexp.MustCompile(`(?s)timed out after 1s.*last\s+status\s+was\s+WAITING`)},
		{"not found", func(*target) string { return "waitpoint_doesnotexist" }, ``, regexp.MustCompile(`waitpoint_doesnotexist`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t, func(o *mockapi.Options) { o.UnknownIDStatus = 404 })
			start := time.Now()
			actionTestCase(t, resource.TestStep{
				Config:      actionConfig(url, tc.token(mock), "release-1", tc.extra),
				ExpectError: tc.want,
				Check:       rolloutAbsent,
			})
			if elapsed := time.Since(start); elapsed > hangBound {
				t.Fatalf("the failure took %s: it must come at once, or at the timeout", elapsed)
			}
		})
	}
}

// TestAccWaitForWaitpointTokenAction_onlyWhenChanging: an unchanged rollout
// applies at once without asking the service; a changed one waits again.
func TestAccWaitForWaitpointTokenAction_onlyWhenChanging(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
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
			mock, url := startTarget(t)
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
	mock, url := startTarget(t)
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

// TestAccWaitForWaitpointTokenAction_timedOutListed: a status the user lists
// is a success, TIMED_OUT included, although its output is an error.
func TestAccWaitForWaitpointTokenAction_timedOutListed(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)})
	actionTestCase(t, resource.TestStep{
		Config:            actionConfig(url, tok.ID, "release-1", `statuses = ["COMPLETED", "TIMED_OUT"]`+"\n"+`output_contains = jsonencode({ approved = true })`),
		ConfigStateChecks: rolloutCreated("release-1"),
	})
}

// TestAccWaitForWaitpointTokenAction_settingsFromVariables: a setting unknown
// at validation (from a variable) is checked when the action starts, before
// any request: never after a wait.
func TestAccWaitForWaitpointTokenAction_settingsFromVariables(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, attribute, value, want string }{
		{"id", "id", "waitpoint_a/../b", "Attribute id must be a waitpoint token id"},
		{"statuses", "statuses", `["DONE"]`, `Attribute statuses[0] value must be one of`},
		{"output_contains", "output_contains", "approved", "Attribute output_contains must be JSON text of an object"},
		{"timeout", "timeout", "30", "Attribute timeout must be a positive duration"},
		{"interval", "interval", "1ms", `Attribute interval must be at least 1s, got "1ms"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			settings := map[string]string{"id": fmt.Sprintf("%q", tok.ID), "timeout": `"60s"`}
			settings[tc.attribute] = "var.setting"
			variable := `variable "setting" { type = string }`
			if tc.attribute == "statuses" {
				variable = `variable "setting" { type = list(string) }`
			}
			values := config.Variables{"setting": config.StringVariable(tc.value)}
			if tc.attribute == "statuses" {
				values = config.Variables{"setting": config.ListVariable(config.StringVariable("DONE"))}
			}
			var lines []string
			for name, value := range settings {
				lines = append(lines, name+" = "+value)
			}
			start := time.Now()
			actionTestCase(t, resource.TestStep{
				Config: providerBlock(url) + variable + fmt.Sprintf(`
action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    %s
  }
}

resource "terraform_data" "rollout" {
  input = "release-1"
  lifecycle {
    action_trigger {
      events  = [before_create]
      actions = [action.triggerdev_wait_for_waitpoint_token.approval]
    }
  }
}
`, strings.Join(lines, "\n    ")),
				ConfigVariables: values,
				ExpectError:     wrappedText(tc.want),
			})
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("the mock saw %d requests: a bad setting must be refused before any", n)
			}
			if elapsed := time.Since(start); elapsed > hangBound {
				t.Fatalf("refused after %s: the action waited out its 60 s timeout", elapsed)
			}
		})
	}
}
