package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
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
func requestCount(mock *target, want bool) resource.TestCheckFunc {
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

func TestAccWaitpointTokenWait_approvedWhileWaiting(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	var approvedAt time.Time
	resourceTestCase(t, resource.TestStep{
		PreConfig: func() {
			go whenPolled(t, mock, tok.ID, func() error { // the approver, while the resource waits
				approvedAt = time.Now()
				return mock.Complete(tok.ID, []byte(`{"approved":true,"by":"alice"}`))
			})
		},
		Config: tokenWaitConfig(url, idRef(tok.ID), "release-1", `output_contains = jsonencode({ approved = true })`),
		ConfigStateChecks: append(rolloutCreated("release-1"),
			attrCheckAt(tokenWaitAddress, "id", knownvalue.StringExact(tok.ID)),
			attrCheckAt(tokenWaitAddress, "status", knownvalue.StringExact("COMPLETED")),
			attrCheckAt(tokenWaitAddress, "completed_at", knownvalue.NotNull()),
			attrCheckAt(tokenWaitAddress, "output_json", knownvalue.StringExact(`{"approved":true,"by":"alice"}`))),
		Check: func(*terraform.State) error {
			if approvedAt.IsZero() {
				return fmt.Errorf("the rollout was created before the token was approved")
			}
			return nil
		},
	})
}

// TestAccWaitpointTokenWait_failures: a wait that fails fails the apply, and
// neither the wait nor the rollout is stored. Through the CLI itself: the
// harness runs no check after a step that expects an error.
func TestAccWaitpointTokenWait_failures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		ref   func(t *testing.T, mock *target) string
		extra string
		want  *regexp.Regexp
	}{
		{"declined", func(t *testing.T, mock *target) string { return idRef(approvedToken(t, mock, false)) },
			`output_contains = jsonencode({ approved = true })`, wrappedText(`its output's member "approved" is false, not true`)},
		{"timed out", func(_ *testing.T, mock *target) string {
			return idRef(mock.CreateToken(mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)}).ID)
		}, ``, wrappedText(`is TIMED_OUT and can no longer become COMPLETED`)},
		{"nobody answers", func(_ *testing.T, mock *target) string {
			return idRef(mock.CreateToken(mockapi.TokenSpec{}).ID)
		},
			`timeout = "1s"`, wrappedTexts("timed out after 1s", "its last status was WAITING")},
		{"no token holds the key", func(_ *testing.T, mock *target) string {
			return fmt.Sprintf("idempotency_key = %q", mock.name("release-7"))
		},
			`timeout = "1s"`, wrappedTexts("timed out after 1s", "no such token had been created")},
		{"not found", func(*testing.T, *target) string { return idRef("waitpoint_doesnotexist") }, ``,
			wrappedTexts(`waitpoint token "waitpoint_doesnotexist"`, "exists")}, // 404 on the mock, 500 on the service
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := newCLIWorkspace(t)
			mock, url := startTarget(t, func(o *mockapi.Options) { o.UnknownIDStatus = 404 })
			ws.writeConfig(tokenWaitConfig(url, tc.ref(t, mock), "release-1", tc.extra))
			out, err := ws.run("apply", "-auto-approve", "-input=false")
			if err == nil || !tc.want.MatchString(out) {
				t.Fatalf("the apply must fail with %s: %v\n%s", tc.want, err, out)
			}
			if stored := ws.stateInstances(); len(stored) != 0 {
				t.Fatalf("a failed wait stored %v:\n%s", stored, out)
			}
		})
	}
}

// TestAccWaitpointTokenWait_nextApplyWaitsAgain: after a wait that timed out,
// the next apply waits again, and an approval then lets the rollout through.
func TestAccWaitpointTokenWait_nextApplyWaitsAgain(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	mock, url := startTarget(t)
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
	mock, url := startTarget(t)
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
	mock, url := startTarget(t)
	key := mock.name("release-7")
	var created mockapi.Token
	config := tokenWaitConfig(url, fmt.Sprintf("idempotency_key = %q", key), key, `output_contains = jsonencode({ approved = true })`)
	resourceTestCase(t,
		resource.TestStep{
			PreConfig: func() {
				go func() { // the workflow creates its token once the resource looks for it, and the approver completes it
					ctx, cancel := context.WithTimeout(context.Background(), hangBound)
					defer cancel()
					err := mock.WaitForRequests(ctx, func(rs []mockapi.Request) bool { return len(rs) > 0 })
					if err == nil {
						created = mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: key})
						err = mock.Complete(created.ID, []byte(`{"approved":true}`))
					}
					if err != nil {
						t.Errorf("creating the token: %v", err)
					}
				}()
			},
			Config:            config,
			ConfigStateChecks: rolloutCreated(key),
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

// TestAccWaitpointTokenWait_settingsCheckedAtCreate: a setting unknown at
// validation and plan (a variable passed through another resource) is
// checked when the resource is created, before any request.
func TestAccWaitpointTokenWait_settingsCheckedAtCreate(t *testing.T) {
	t.Parallel()
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
			mock, url := startTarget(t)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			settings := map[string]string{"id": fmt.Sprintf("%q", tok.ID), "timeout": `"60s"`}
			if tc.name == "id beside a key" {
				settings["idempotency_key"] = `"release-7"`
			}
			if tc.attribute == "idempotency_key" {
				delete(settings, "id")
			}
			settings[tc.attribute] = "terraform_data.setting.output" // unknown until applied
			var lines []string
			for name, value := range settings {
				lines = append(lines, name+" = "+value)
			}
			slices.Sort(lines)
			start := time.Now()
			resourceTestCase(t, resource.TestStep{
				Config: providerBlock(url) + fmt.Sprintf(`
variable "setting" {}

resource "terraform_data" "setting" {
  input = var.setting
}

resource "triggerdev_waitpoint_token_wait" "approval" {
  %s
}
`, strings.Join(lines, "\n  ")),
				ConfigVariables: config.Variables{"setting": tc.value},
				ExpectError:     wrappedText(tc.want),
			})
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("the mock saw %d requests: a bad setting must be refused before any", n)
			}
			if elapsed := time.Since(start); elapsed > hangBound {
				t.Fatalf("refused after %s: the resource waited out its 60 s timeout", elapsed)
			}
		})
	}
}
