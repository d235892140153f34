package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// gatedKind is one kind that gates a terraform_data rollout on a token, as
// the gate's tests drive it: the same cases run over every such kind.
type gatedKind struct {
	// config gates the rollout of release on the kind, which names its
	// token by ref (`id = …` or `idempotency_key = …`) and takes extra arguments.
	config func(apiURL, ref, release, extra string) string
	// testCase runs steps on the CLIs that have the kind.
	testCase func(t *testing.T, steps ...resource.TestStep)
	// workspace is a CLI workspace whose CLI has the kind; it skips otherwise.
	workspace func(t *testing.T) *cliWorkspace
	// passed checks what the kind stores of a gate that token passed.
	passed func(tokenID string) []statecheck.StateCheck
	// unknownSettings is the kind with the given arguments, where
	// unknownSetting is a value unknown when the configuration is validated.
	unknownSettings func(apiURL string, arguments []string) string
	unknownSetting  string
}

// gatingAction is the `triggerdev_wait_for_waitpoint_token` action, on
// Terraform 1.14 or later.
var gatingAction = gatedKind{
	config:   actionGateConfig,
	testCase: actionTestCase,
	workspace: func(t *testing.T) *cliWorkspace {
		ws := newCLIWorkspace(t)
		skipWithoutActions(t, ws)
		return ws
	},
	passed: func(string) []statecheck.StateCheck { return nil },
	unknownSettings: func(apiURL string, arguments []string) string {
		return providerBlock(apiURL) + fmt.Sprintf(`
variable "setting" {}

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
`, strings.Join(arguments, "\n    "))
	},
	unknownSetting: "var.setting",
}

// gatingWaitResource is the `triggerdev_waitpoint_token_wait` resource, on every CLI.
var gatingWaitResource = gatedKind{
	config:    tokenWaitConfig,
	testCase:  resourceTestCase,
	workspace: newCLIWorkspace,
	passed: func(tokenID string) []statecheck.StateCheck {
		return []statecheck.StateCheck{
			attrCheckAt(tokenWaitAddress, "id", knownvalue.StringExact(tokenID)),
			attrCheckAt(tokenWaitAddress, "status", knownvalue.StringExact("COMPLETED")),
			attrCheckAt(tokenWaitAddress, "completed_at", knownvalue.NotNull()),
			attrCheckAt(tokenWaitAddress, "output_json", knownvalue.StringExact(`{"approved":true,"by":"alice"}`)),
		}
	},
	unknownSettings: func(apiURL string, arguments []string) string {
		return providerBlock(apiURL) + fmt.Sprintf(`
variable "setting" {}

resource "terraform_data" "setting" {
  input = var.setting
}

resource "triggerdev_waitpoint_token_wait" "approval" {
  %s
}
`, strings.Join(arguments, "\n  "))
	},
	unknownSetting: "terraform_data.setting.output", // unknown until applied
}

// actionGateConfig gates a terraform_data rollout of release on the action,
// which names its token by ref and takes the extra arguments.
func actionGateConfig(apiURL, ref, release, extra string) string {
	return providerBlock(apiURL) + fmt.Sprintf(`
action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    %s
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
`, ref, extra, release)
}

func TestAccWaitForWaitpointTokenAction_gate(t *testing.T) { testGate(t, gatingAction) }

func TestAccWaitpointTokenWait_gate(t *testing.T) { testGate(t, gatingWaitResource) }

// testGate runs the gate's cases on one kind.
func testGate(t *testing.T, kind gatedKind) {
	t.Parallel()
	t.Run("approvedWhileWaiting", func(t *testing.T) { t.Parallel(); testGateApprovedWhileWaiting(t, kind) })
	t.Run("timedOutListed", func(t *testing.T) { t.Parallel(); testGateTimedOutListed(t, kind) })
	t.Run("failures", func(t *testing.T) { t.Parallel(); testGateFailures(t, kind) })
	t.Run("settingsCheckedAtRunTime", func(t *testing.T) { t.Parallel(); testGateSettingsCheckedAtRunTime(t, kind) })
}

// testGateApprovedWhileWaiting: the rollout is created once the token is
// approved, while the gate waits.
func testGateApprovedWhileWaiting(t *testing.T, kind gatedKind) {
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	var approvedAt time.Time
	kind.testCase(t, resource.TestStep{
		PreConfig: func() {
			go whenPolled(t, mock, tok.ID, func() error { // the approver, while the gate waits
				approvedAt = time.Now()
				return mock.Complete(tok.ID, []byte(`{"approved":true,"by":"alice"}`))
			})
		},
		Config:            kind.config(url, idRef(tok.ID), "release-1", `output_contains = jsonencode({ approved = true })`),
		ConfigStateChecks: append(rolloutCreated("release-1"), kind.passed(tok.ID)...),
		Check: func(*terraform.State) error {
			if approvedAt.IsZero() {
				return fmt.Errorf("the rollout was created before the token was approved")
			}
			return nil
		},
	})
}

// testGateTimedOutListed: a status the user lists is a success, TIMED_OUT
// included, although its output is an error.
func testGateTimedOutListed(t *testing.T, kind gatedKind) {
	mock, url := startMock(t, 0)
	tok := mock.CreateToken(mockapi.TokenSpec{CreatedAt: time.Now().Add(-time.Hour), Timeout: time.Minute})
	kind.testCase(t, resource.TestStep{
		Config:            kind.config(url, idRef(tok.ID), "release-1", `statuses = ["COMPLETED", "TIMED_OUT"]`+"\n"+`output_contains = jsonencode({ approved = true })`),
		ConfigStateChecks: rolloutCreated("release-1"),
	})
}

// testGateFailures: a gate that fails fails the apply, and stores nothing,
// neither the rollout nor a wait. Through the CLI itself: the harness runs
// no check after a step that expects an error. A failure the token's status
// decides comes at once, after one poll; the others at the timeout.
func testGateFailures(t *testing.T, kind gatedKind) {
	cases := []struct {
		name   string
		ref    func(t *testing.T, mock *mockapi.Server) string
		extra  string
		want   *regexp.Regexp
		atOnce bool
	}{
		{"declined", func(t *testing.T, mock *mockapi.Server) string { return idRef(approvedToken(t, mock, false)) },
			`output_contains = jsonencode({ approved = true })`, wrappedText(`its output's member "approved" is false, not true`), true},
		{"member missing", func(t *testing.T, mock *mockapi.Server) string { return idRef(approvedToken(t, mock, true)) },
			`output_contains = jsonencode({ ticket = { id = 7 } })`, wrappedText(`its output has no member "ticket"`), true},
		{"timed out", func(_ *testing.T, mock *mockapi.Server) string {
			return idRef(mock.CreateToken(mockapi.TokenSpec{CreatedAt: time.Now().Add(-time.Hour), Timeout: time.Minute}).ID)
		}, `timeout = "1m"`, wrappedText(`is TIMED_OUT and can no longer become COMPLETED`), true},
		{"error output of a COMPLETED token", func(t *testing.T, mock *mockapi.Server) string {
			tok := mock.CreateToken(mockapi.TokenSpec{})
			if err := mock.Complete(tok.ID, []byte(`"boom"`)); err != nil {
				t.Fatal(err)
			}
			return idRef(tok.ID)
		}, `output_contains = jsonencode({ approved = true })`, wrappedText(`its output is not a JSON object`), true},
		{"nobody answers", func(_ *testing.T, mock *mockapi.Server) string {
			return idRef(mock.CreateToken(mockapi.TokenSpec{}).ID)
		},
			`timeout = "1s"`, wrappedTexts("timed out after 1s", "its last status was WAITING"), false},
		{"no token holds the key", func(*testing.T, *mockapi.Server) string { return `idempotency_key = "release-7"` },
			`timeout = "1s"`, wrappedTexts("timed out after 1s", "no such token had been created"), false},
		{"not found", func(*testing.T, *mockapi.Server) string { return idRef("waitpoint_doesnotexist") }, ``,
			wrappedText(`No waitpoint token "waitpoint_doesnotexist" exists`), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := kind.workspace(t)
			mock, url := startMock(t, 0, func(o *mockapi.Options) { o.UnknownIDStatus = 404 })
			ws.writeConfig(kind.config(url, tc.ref(t, mock), "release-1", tc.extra))
			out, err := ws.run("apply", "-auto-approve", "-input=false")
			if err == nil || !tc.want.MatchString(out) {
				t.Fatalf("the apply must fail with %s: %v\n%s", tc.want, err, out)
			}
			if stored := ws.stateInstances(); len(stored) != 0 {
				t.Fatalf("a failed gate stored %v:\n%s", stored, out)
			}
			if polls := len(mock.Requests()); tc.atOnce && polls != 1 {
				t.Fatalf("the gate polled %d times; the token's status decides at the first poll", polls)
			}
		})
	}
}

// testGateSettingsCheckedAtRunTime: a setting unknown at validation (from
// a variable, or another resource) is checked when the gate starts, before
// any request: a bad setting never starts a wait.
func testGateSettingsCheckedAtRunTime(t *testing.T, kind gatedKind) {
	cases := []struct {
		name, attribute string
		value           config.Variable
		want            string
	}{
		{"id", "id", config.StringVariable("waitpoint_a/../b"), "Attribute id must be a waitpoint token id"},
		{"id beside a key", "id", config.StringVariable("waitpoint_a"), "Exactly one of these attributes must be configured"},
		{"idempotency_key", "idempotency_key", config.StringVariable(""), "Attribute idempotency_key string length must be at least 1"},
		{"statuses", "statuses", config.ListVariable(config.StringVariable("DONE")), `Attribute statuses[0] value must be one of`},
		{"output_contains", "output_contains", config.StringVariable("approved"), "Attribute output_contains must be JSON text of an object"},
		{"timeout", "timeout", config.StringVariable("30"), "Attribute timeout must be a positive duration"},
		{"interval", "interval", config.StringVariable("1ms"), `Attribute interval must be at least 1s, got "1ms"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, 0)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			settings := map[string]string{"id": fmt.Sprintf("%q", tok.ID), "timeout": `"60s"`}
			if tc.name == "id beside a key" {
				settings["idempotency_key"] = `"release-7"`
			}
			if tc.attribute == "idempotency_key" {
				delete(settings, "id")
			}
			settings[tc.attribute] = kind.unknownSetting
			var arguments []string
			for name, value := range settings {
				arguments = append(arguments, name+" = "+value)
			}
			slices.Sort(arguments)
			kind.testCase(t, resource.TestStep{
				Config:          kind.unknownSettings(url, arguments),
				ConfigVariables: config.Variables{"setting": tc.value},
				ExpectError:     wrappedText(tc.want),
			})
			// A wait polls first: no request is no wait, the 60 s timeout's included.
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("the mock saw %d requests: a bad setting must be refused before any", n)
			}
		})
	}
}
