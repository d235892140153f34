package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// ephemeralConfig opens the ephemeral token (with extra arguments) and hands
// its status, output and callback URL to a provisioner, which writes them to
// file: the one place they may go.
func ephemeralConfig(apiURL, id, extra, file string) string {
	return providerBlock(apiURL) + fmt.Sprintf(`
ephemeral "triggerdev_waitpoint_token" "approval" {
  id = %q
  %s
}

resource "terraform_data" "notify" {
  provisioner "local-exec" {
    command = "printf '%%s %%s %%s' \"$STATUS\" \"$URL\" \"$OUTPUT\" > '%s'"
    environment = {
      STATUS = ephemeral.triggerdev_waitpoint_token.approval.status
      URL    = ephemeral.triggerdev_waitpoint_token.approval.url
      OUTPUT = coalesce(ephemeral.triggerdev_waitpoint_token.approval.output_json, "none")
    }
  }
}
`, id, extra, file)
}

// TestAccWaitpointTokenEphemeralResource_notStored: a saved plan and the state
// of a configuration that uses the callback URL and the output hold neither,
// while the provisioner that used them got both.
func TestAccWaitpointTokenEphemeralResource_notStored(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	skipWithoutEphemeral(t, ws.openTofu, ws.version)
	mock, url := startTarget(t)
	id := approvedToken(t, mock, true)
	received := filepath.Join(ws.dir, "received")
	ws.writeConfig(ephemeralConfig(url, id, "", received))
	if out, err := ws.run("plan", "-input=false", "-out=saved.tfplan"); err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	if out, err := ws.run("apply", "-input=false", "saved.tfplan"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	callback := mock.CallbackURL(url, id)
	got, err := os.ReadFile(received)
	if err != nil || string(got) != `COMPLETED `+callback+` {"approved":true,"by":"alice"}` {
		t.Fatalf("the provisioner got %q (%v), want the status, the callback URL and the output", got, err)
	}
	secrets := map[string]string{"callback hash": callback[strings.LastIndex(callback, "/")+1:], "output": `alice`}
	for name, content := range map[string]string{"state": readFileString(t, filepath.Join(ws.dir, "terraform.tfstate")), "saved plan": planText(t, filepath.Join(ws.dir, "saved.tfplan"))} {
		if !strings.Contains(content, "terraform_data") {
			t.Fatalf("the %s does not hold the configuration's resource: it proves nothing", name)
		}
		for what, secret := range secrets {
			if strings.Contains(content, secret) {
				t.Errorf("the %s holds the %s", name, what)
			}
		}
	}
}

// TestAccWaitpointTokenEphemeralResource_wait: the data source's wait, as an
// ephemeral resource.
func TestAccWaitpointTokenEphemeralResource_wait(t *testing.T) {
	t.Parallel()
	requireEphemeral(t)
	cases := []struct {
		name  string
		token func(mock *target) string
		wait  string
		want  *regexp.Regexp // nil: the read succeeds with status COMPLETED
	}{
		{"completed through the callback while waiting", func(mock *target) string {
			tok := mock.CreateToken(mockapi.TokenSpec{})
			go whenPolled(t, mock, tok.ID, func() error { return mock.Complete(tok.ID, []byte(`{"approved":true}`)) })
			return tok.ID
		}, `wait = { interval = "1s", timeout = "5m" }`, nil},
		{"nobody answers", func(mock *target) string { return mock.CreateToken(mockapi.TokenSpec{}).ID },
			`wait = { interval = "1s", timeout = "1s" }`, regexp.MustCompile(`(?s)timed out after 1s.*last\s+status\s+was\s+WAITING`)},
		{"timed out", func(mock *target) string {
			return mock.CreateToken(mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)}).ID
		}, `wait = { statuses = ["COMPLETED"], timeout = "10m" }`, wrappedText(`is TIMED_OUT and can no longer become COMPLETED`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			received := filepath.Join(t.TempDir(), "received")
			step := resource.TestStep{Config: ephemeralConfig(url, tc.token(mock), tc.wait, received), ExpectError: tc.want}
			if tc.want == nil {
				step.Check = func(*terraform.State) error {
					if got := readFileString(t, received); !strings.HasPrefix(got, "COMPLETED ") {
						return fmt.Errorf("the provisioner got %q, want the COMPLETED token", got)
					}
					return nil
				}
			}
			start := time.Now()
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
			if elapsed := time.Since(start); elapsed > hangBound {
				t.Fatalf("took %s", elapsed)
			}
		})
	}
}
