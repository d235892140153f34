package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const tokenResourceAddress = "triggerdev_waitpoint_token.test"

// tokenResourceConfig is the resource with the given arguments, against the mock.
func tokenResourceConfig(url string, a attrs) string {
	return providerBlock(url) + fmt.Sprintf("resource \"triggerdev_waitpoint_token\" \"test\" %s\n", hcl(a, ""))
}

// everyArgument sets each of the resource's arguments.
var everyArgument = attrs{"idempotency_key": "release-42", "idempotency_key_ttl": "30d", "timeout": "24h", "tags": []string{"release:42", "approval"}}

// stateID reads the resource's id into *id after a step.
func stateID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		r, ok := s.RootModule().Resources[tokenResourceAddress]
		if !ok {
			return fmt.Errorf("%s is not in the state", tokenResourceAddress)
		}
		*id = r.Primary.ID
		return nil
	}
}

// mockHas checks the token the state names against the mock's record.
func mockHas(mock interface {
	Token(id string) (mockapi.Token, bool)
}, id *string, check func(mockapi.Token) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if err := stateID(id)(s); err != nil {
			return err
		}
		tok, ok := mock.Token(*id)
		if !ok {
			return fmt.Errorf("the mock has no token %q", *id)
		}
		return check(tok)
	}
}

// TestAccWaitpointTokenResource_lifecycle: a token created with every
// argument, as the mock holds it; completed through its callback, the next
// refresh shows it with no change planned.
func TestAccWaitpointTokenResource_lifecycle(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	key := mock.name("release-42")
	var id string
	config := tokenResourceConfig(url, mock.keyed(everyArgument))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				mockHas(mock, &id, func(tok mockapi.Token) error {
					switch {
					case !slices.Equal(slices.Sorted(slices.Values(tok.Tags)), []string{"approval", "release:42"}) || tok.IdempotencyKey != key:
						return fmt.Errorf("the mock holds tags %q and key %q", tok.Tags, tok.IdempotencyKey)
					case !after(tok.CreatedAt, tok.TimeoutAt, 24*time.Hour):
						return fmt.Errorf("the mock's token times out at %v, created at %v", tok.TimeoutAt, tok.CreatedAt)
					case !after(tok.CreatedAt, tok.IdempotencyKeyExpiresAt, 30*24*time.Hour):
						return fmt.Errorf("the mock's key expires at %v", tok.IdempotencyKeyExpiresAt)
					case tok.Status != "WAITING":
						return fmt.Errorf("the mock's token is %s", tok.Status)
					}
					return nil
				}),
				func(*terraform.State) error { return sdkSeesEveryArgument(retrieveWithSDK(t, url, id), key) },
			),
			ConfigStateChecks: []statecheck.StateCheck{
				attrCheckAt(tokenResourceAddress, "status", knownvalue.StringExact("WAITING")),
				attrCheckAt(tokenResourceAddress, "output_json", knownvalue.Null()),
				attrCheckAt(tokenResourceAddress, "completed_at", knownvalue.Null()),
				attrCheckAt(tokenResourceAddress, "timeout_at", knownvalue.NotNull()),
				attrCheckAt(tokenResourceAddress, "idempotency_key_expires_at", knownvalue.NotNull()),
				attrCheckAt(tokenResourceAddress, "idempotency_key", knownvalue.StringExact(key)),
			},
		}, {
			PreConfig: func() { completeThroughCallback(t, mock, url, id, `{"approved":true}`) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				attrCheckAt(tokenResourceAddress, "status", knownvalue.StringExact("COMPLETED")),
				attrCheckAt(tokenResourceAddress, "output_json", knownvalue.StringExact(`{"approved":true}`)),
				attrCheckAt(tokenResourceAddress, "completed_at", knownvalue.NotNull()),
			},
		}},
	})
}

// after reports whether instant is d after created, to the second: the service
// reads its clock for the timeout and for the creation a moment apart, so
// they can differ by a millisecond either way.
func after(created time.Time, instant *time.Time, d time.Duration) bool {
	return instant != nil && (instant.Sub(created)-d).Abs() < time.Second
}

// sdkSeesEveryArgument checks what the official SDK's wait.retrieveToken reads
// of the token everyArgument made: what a task sees of it.
func sdkSeesEveryArgument(seen []sdkToken, key string) error {
	if len(seen) != 1 {
		return fmt.Errorf("the SDK read %d tokens", len(seen))
	}
	tok := seen[0]
	switch {
	case tok.Status != "WAITING" || tok.IdempotencyKey == nil || *tok.IdempotencyKey != key:
		return fmt.Errorf("the SDK reads status %s and key %v", tok.Status, tok.IdempotencyKey)
	case !slices.Equal(tok.Tags, []string{"release:42", "approval"}):
		return fmt.Errorf("the SDK reads tags %q", tok.Tags)
	case !after(tok.CreatedAt, tok.TimeoutAt, 24*time.Hour):
		return fmt.Errorf("the SDK reads a timeout at %v, created at %v", tok.TimeoutAt, tok.CreatedAt)
	case !after(tok.CreatedAt, tok.IdempotencyKeyExpiresAt, 30*24*time.Hour):
		return fmt.Errorf("the SDK reads the key expiring at %v", tok.IdempotencyKeyExpiresAt)
	}
	return nil
}

// completeThroughCallback POSTs data to the token's callback URL, as a webhook would.
func completeThroughCallback(t *testing.T, mock *target, url, id, data string) {
	t.Helper()
	resp, err := http.Post(mock.CallbackURL(url, id), "application/json", strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the callback answered %d", resp.StatusCode)
	}
}

// TestAccWaitpointTokenResource_replace: a changed argument makes a new
// token, under a new generated key.
func TestAccWaitpointTokenResource_replace(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	var first, second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenResourceConfig(url, attrs{"tags": []string{"a"}}),
			Check:  stateID(&first),
		}, {
			Config: tokenResourceConfig(url, attrs{"tags": []string{"b"}}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenResourceAddress, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: mockHas(mock, &second, func(tok mockapi.Token) error {
				if second == first || !slices.Equal(tok.Tags, []string{"b"}) || !strings.HasPrefix(tok.IdempotencyKey, client.GeneratedKeyPrefix) {
					return fmt.Errorf("the new token %q (the first %q) has tags %q and key %q", second, first, tok.Tags, tok.IdempotencyKey)
				}
				return nil
			}),
			ConfigStateChecks: []statecheck.StateCheck{
				attrCheckAt(tokenResourceAddress, "idempotency_key", knownvalue.StringRegexp(wrappedText(client.GeneratedKeyPrefix))),
			},
		}},
	})
	if n := len(mock.Tokens()); n != 2 {
		t.Fatalf("the mock holds %d tokens, want the first and its replacement", n)
	}
}

// TestAccWaitpointTokenResource_adoptsMatchingKey: a live key whose token has
// the configuration's values is adopted, no second token made.
func TestAccWaitpointTokenResource_adoptsMatchingKey(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: mock.name("release-42"), IdempotencyKeyTTL: 30 * 24 * time.Hour,
		Timeout: 24 * time.Hour, Tags: []string{"approval", "release:42"}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenResourceConfig(url, mock.keyed(everyArgument)), // the tags in another order
			ConfigStateChecks: []statecheck.StateCheck{
				attrCheckAt(tokenResourceAddress, "id", knownvalue.StringExact(tok.ID)),
				attrCheckAt(tokenResourceAddress, "created_at", timeCheck(&tok.CreatedAt)),
				attrCheckAt(tokenResourceAddress, "tags", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("release:42"), knownvalue.StringExact("approval")})),
			},
		}},
	})
	if n := len(mock.Tokens()); n != 1 {
		t.Fatalf("the mock holds %d tokens, want the one adopted", n)
	}
}

// TestAccWaitpointTokenResource_keyMismatch: a live key whose token differs
// from the configuration fails, naming the key, the token and each
// difference; nothing is stored.
func TestAccWaitpointTokenResource_keyMismatch(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	key := mock.name("release-43")
	tok := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: key, Tags: []string{"approval"}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenResourceConfig(url, attrs{"idempotency_key": key, "tags": []string{"approval", "release:43"}, "timeout": "1h", "idempotency_key_ttl": "1d"}),
			ExpectError: wrappedText(fmt.Sprintf(`The idempotency key %q is live and names waitpoint token %q, which Trigger.dev returned unchanged instead of creating one from this configuration: `+
				`its tags are ["approval"], not ["approval", "release:43"]; it has no timeout, not "1h"; its key expires never: it has no TTL, not 1d after its creation. `+
				`Use another idempotency_key, wait until the key expires (never: it has no TTL), or make the configuration match that token.`, key, tok.ID)),
		}, {
			Config:             tokenResourceConfig(url, attrs{"idempotency_key": key, "tags": []string{"approval"}}),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true, // nothing was stored: the token is still to be created
		}},
	})
}

// TestAccWaitpointTokenResource_lostCreateAnswer: the first answer to the
// create is lost after the token was made; the retry, with the same key,
// returns that token: one token, and the state holds it.
func TestAccWaitpointTokenResource_lostCreateAnswer(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	mock.LoseNextAnswer(http.StatusBadGateway)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenResourceConfig(url, attrs{"tags": []string{"approval"}, "timeout": "1h"}),
			Check:  stateID(&id),
		}},
	})
	tokens := mock.Tokens()
	if len(tokens) != 1 || tokens[0].ID != id {
		t.Fatalf("the mock holds %d tokens, the state %q: want exactly the one made by the lost create", len(tokens), id)
	}
	creates := slices.DeleteFunc(served(mock.Requests()), func(r mockapi.Request) bool { return r.Method != http.MethodPost })
	if len(creates) != 2 || creates[0].Status != http.StatusBadGateway || creates[1].Status != http.StatusOK {
		t.Fatalf("want the lost create and its retry, got %v", creates)
	}
}

// TestAccWaitpointTokenResource_pastTimeout: a timeout instant that has
// passed, which the service would ignore, is refused at apply, when the token
// would be created, before any request; the plan still succeeds (as the
// CHANGELOG says), so that a plan after an instant passed stays valid.
func TestAccWaitpointTokenResource_pastTimeout(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	config := tokenResourceConfig(url, attrs{"timeout": "2020-01-01T00:00:00Z"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config:      config,
				ExpectError: wrappedText(`Attribute timeout is 2020-01-01T00:00:00Z, which has passed: Trigger.dev ignores a past timeout, and the token would never time out.`),
			},
		},
	})
	if n := len(mock.Requests()); n != 0 {
		t.Fatalf("the mock saw %d requests, want none", n)
	}
}

// TestAccWaitpointTokenResource_import: a token made elsewhere imported by
// id (import block and command) and by identity (Terraform 1.12 and later),
// with no change planned after: the configuration's key and tags match it,
// and it sets no timeout or TTL, as the token has none.
func TestAccWaitpointTokenResource_import(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: mock.name("release-7"), Tags: []string{"release:7", "approval"}})
	config := tokenResourceConfig(url, attrs{"idempotency_key": mock.name("release-7"), "tags": []string{"approval", "release:7"}})
	importStep := func(kind resource.ImportStateKind) resource.TestStep {
		return resource.TestStep{Config: config, ResourceName: tokenResourceAddress, ImportState: true, ImportStateKind: kind,
			ImportStateId: tok.ID, ImportStateVerify: kind == resource.ImportCommandWithID,
			SkipFunc: func() (bool, error) {
				return kind == resource.ImportBlockWithResourceIdentity && !cliHasIdentity(t), nil
			}}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			importStep(resource.ImportBlockWithID),
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{ // adopts the token: its key is live
				attrCheckAt(tokenResourceAddress, "id", knownvalue.StringExact(tok.ID)),
				attrCheckAt(tokenResourceAddress, "timeout_at", timeCheck(tok.TimeoutAt)),
			}},
			importStep(resource.ImportCommandWithID),
			importStep(resource.ImportBlockWithResourceIdentity),
		},
	})
}

// cliHasIdentity reports whether the CLI of the run imports by resource
// identity: Terraform 1.12 or later.
func cliHasIdentity(t *testing.T) bool {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		cli = "terraform"
	}
	return os.Getenv("TF_ACC_PROVIDER_HOST") != "registry.opentofu.org" && !cliVersion(t, cli).LessThan(tfversion.Version1_12_0)
}

// TestAccWaitpointTokenResource_requestsAndWarnings drives the CLI: the
// requests one create and one refresh make, and destroy's warning as it
// forgets the token; a token the service answers 404 for (as the spec says,
// where the service answers 500) leaves the state with a warning.
func TestAccWaitpointTokenResource_requestsAndWarnings(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, ws *cliWorkspace, args ...string) string {
		t.Helper()
		out, err := ws.run(args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
		return out
	}
	t.Run("found", func(t *testing.T) {
		t.Parallel()
		ws := newCLIWorkspace(t)
		mock, url := startTarget(t)
		ws.writeConfig(tokenResourceConfig(url, attrs{"tags": []string{"approval"}}))
		run(t, ws, "apply", "-auto-approve", "-input=false")
		id := mock.Tokens()[0].ID
		wantRequests(t, mock, "one create", "POST /api/v1/waitpoints/tokens 200", "GET /api/v1/waitpoints/tokens/"+id+" 200")
		run(t, ws, "plan", "-input=false", "-detailed-exitcode") // exit 2 (changes) fails run
		wantRequests(t, mock, "one refresh", "GET /api/v1/waitpoints/tokens/"+id+" 200")
		out := run(t, ws, "destroy", "-auto-approve", "-input=false")
		if !wrappedText(fmt.Sprintf("Trigger.dev cannot delete or cancel a waitpoint token: %q was removed from the Terraform state, and stays on Trigger.dev until it is completed or times out.", id)).MatchString(out) {
			t.Fatalf("destroy: want the warning naming %s:\n%s", id, out)
		}
		if left := ws.stateInstances(); len(left) != 0 {
			t.Fatalf("destroy left %d instances in the state", len(left))
		}
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		needsMock(t, "404 for an unknown id, as the spec says (the service answers 500)")
		ws := newCLIWorkspace(t)
		mock, url := startMock(t, 0, func(o *mockapi.Options) { o.UnknownIDStatus = http.StatusNotFound })
		ws.writeConfig(tokenResourceConfig(url, attrs{"tags": []string{"approval"}}))
		run(t, ws, "apply", "-auto-approve", "-input=false")
		unknown := ws.loseToken(mock.Tokens()[0].ID)
		out, err := ws.run("plan", "-input=false", "-detailed-exitcode")
		if !wrappedText("Warning: Waitpoint token not found: removed from the state").MatchString(out) || !strings.Contains(out, unknown) ||
			!strings.Contains(out, "will be created") || err == nil {
			t.Fatalf("a token answered 404: want a warning naming it and a new token planned: %v\n%s", err, out)
		}
		run(t, ws, "apply", "-auto-approve", "-input=false")
		if got, newID := ws.stateInstances()[tokenResourceAddress]["id"], mock.Tokens()[0].ID; got != newID {
			t.Fatalf("the apply must make a new token, %s, for the one not found: the state holds %v", newID, got)
		}
	})
}

// loseToken makes the workspace's state name, in place of token id, one the
// service has never made, as when the environment lost it: the service has no
// way to delete one. It returns that id.
func (ws *cliWorkspace) loseToken(id string) string {
	ws.t.Helper()
	const unknown = "waitpoint_unknown0000000000000000"
	file := filepath.Join(ws.dir, "terraform.tfstate")
	writeFile(ws.t, file, strings.ReplaceAll(readFileString(ws.t, file), id, unknown))
	return unknown
}

// TestAccWaitpointTokenResource_destroyWarning: destroy's warning tells what
// becomes of the forgotten token by its status: a waiting one may still be
// completed or time out, a completed or timed-out one stays as it is. Each
// token is imported: a timed-out one cannot be created from configuration.
func TestAccWaitpointTokenResource_destroyWarning(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		spec     mockapi.TokenSpec
		complete bool
		fate     string
	}{
		{"waiting", mockapi.TokenSpec{}, false, "stays on Trigger.dev until it is completed or times out."},
		{"completed", mockapi.TokenSpec{}, true, "stays on Trigger.dev, completed."},
		{"timed out", mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)}, false, "stays on Trigger.dev, timed out."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := newCLIWorkspace(t)
			mock, url := startTarget(t)
			id := mock.CreateToken(tc.spec).ID
			if tc.complete {
				if err := mock.Complete(id, []byte(`{"approved":true}`)); err != nil {
					t.Fatal(err)
				}
			}
			ws.writeConfig(tokenResourceConfig(url, attrs{}))
			if out, err := ws.run("import", "-input=false", tokenResourceAddress, id); err != nil {
				t.Fatalf("import: %v\n%s", err, out)
			}
			out, err := ws.run("destroy", "-auto-approve", "-input=false")
			want := fmt.Sprintf("Trigger.dev cannot delete or cancel a waitpoint token: %q was removed from the Terraform state, and %s", id, tc.fate)
			if err != nil || !wrappedText(want).MatchString(out) {
				t.Fatalf("destroy: %v; want the warning %q in:\n%s", err, want, out)
			}
		})
	}
}

// TestAccWaitpointTokenResource_unknownOn500: the service's 500 for an id
// (an unknown one, or an outage) is an error with the environment hint; the
// token stays in the state.
func TestAccWaitpointTokenResource_unknownOn500(t *testing.T) {
	t.Parallel()
	ws := newCLIWorkspace(t)
	mock, url := startTarget(t)
	ws.writeConfig(tokenResourceConfig(url, attrs{}))
	if out, err := ws.run("apply", "-auto-approve", "-input=false"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	ws.loseToken(mock.Tokens()[0].ID)
	out, err := ws.run("plan", "-input=false")
	if err == nil || !wrappedText("Waitpoint token not found, or Trigger.dev failing").MatchString(out) || !wrappedText(environmentHint(tokenGate.short)).MatchString(out) {
		t.Fatalf("a 500: want the error with the environment hint: %v\n%s", err, out)
	}
	if _, kept := ws.stateInstances()[tokenResourceAddress]; !kept {
		t.Fatal("a 500 dropped the token from the state")
	}
}

// wantRequests checks the requests the mock answered since the last check
// (less those the rate limiter refused), and forgets them.
func wantRequests(t *testing.T, mock interface {
	Requests() []mockapi.Request
	ResetRequests()
}, what string, want ...string) {
	t.Helper()
	var got []string
	for _, r := range served(mock.Requests()) {
		got = append(got, fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status))
	}
	mock.ResetRequests()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: the mock answered %q, want %q", what, got, want)
	}
}

// served are the requests the rate limiter let through: one it refused did
// nothing, and the provider sends it again. The service's limiter is shared
// by every test.
func served(requests []mockapi.Request) []mockapi.Request {
	return slices.DeleteFunc(requests, func(r mockapi.Request) bool { return r.Status == http.StatusTooManyRequests })
}

// requestsOf counts the requests the mock (or the proxy) answered with method.
func requestsOf(mock interface{ Requests() []mockapi.Request }, method string) int {
	n := 0
	for _, r := range served(mock.Requests()) {
		if r.Method == method {
			n++
		}
	}
	return n
}

// liveKeyError matches the plan's refusal to replace a token under its live
// key, whatever the token's id, from the arguments changed on.
func liveKeyError(key, changedAndWays string) *regexp.Regexp {
	return regexp.MustCompile(wrappedText(fmt.Sprintf(`The idempotency key %q of waitpoint token `, key)).String() + `"waitpoint_[a-z0-9]+"` +
		wrappedText(` is live: a new token with this key would be this token, unchanged, so these changes cannot be applied: `+changedAndWays).String())
}

// TestAccWaitpointTokenResource_liveKeyChange: changing a token whose key is
// the same and live fails at plan, before any create, naming the key, each
// changed argument and the ways out; the token stays in the state, and the
// configuration that made it plans no change.
func TestAccWaitpointTokenResource_liveKeyChange(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		ttl  string
		ways func(expires *time.Time) string // the ways out the error gives, from the key's expiry
	}{
		"key with a TTL": {ttl: "30d", ways: func(expires *time.Time) string {
			return `Set a new idempotency_key, or wait until the key expires at ` + formatInstant(expires) + ` and apply again, or undo the change.`
		}},
		"key for ever": {ways: func(*time.Time) string {
			return `Set a new idempotency_key (the key never expires: it has no idempotency_key_ttl), or undo the change.`
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			key := mock.name("approval-42")
			made := attrs{"idempotency_key": key, "tags": []string{"approval"}, "timeout": "24h"}
			changed := attrs{"idempotency_key": key, "tags": []string{"approval", "release:42"}, "timeout": "48h"}
			if tc.ttl != "" {
				made["idempotency_key_ttl"], changed["idempotency_key_ttl"] = tc.ttl, tc.ttl
			}
			var id string
			// The refusal names the key's expiry, which the service sets when
			// it makes the token: the first step's check fills it in.
			refused := regexp.MustCompile(`^$`)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tokenResourceConfig(url, made),
					Check: mockHas(mock, &id, func(tok mockapi.Token) error {
						*refused = *liveKeyError(key, "tags, timeout. "+tc.ways(tok.IdempotencyKeyExpiresAt))
						return nil
					}),
				}, {
					Config:      tokenResourceConfig(url, changed),
					ExpectError: refused,
				}, {
					Config: tokenResourceConfig(url, made),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						attrCheckAt(tokenResourceAddress, "id", knownvalue.NotNull()),
					},
				}},
			})
			if creates, tokens := requestsOf(mock, http.MethodPost), mock.Tokens(); creates != 1 || len(tokens) != 1 || tokens[0].ID != id {
				t.Fatalf("the mock saw %d creates and holds %d tokens (the state %q): want the one first made", creates, len(tokens), id)
			}
		})
	}
}

// TestAccWaitpointTokenResource_expiredKeyChange: a changed token whose key
// has expired is replaced as any other: the new token takes the key over.
func TestAccWaitpointTokenResource_expiredKeyChange(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	key := mock.name("approval-42")
	// Made two days ago with a key live for a day: expired by now. (The
	// service, which cannot back-date a token, makes one whose key lives 0s.)
	first := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: key, IdempotencyKeyTTL: 24 * time.Hour, CreatedAt: time.Now().Add(-48 * time.Hour),
		Tags: []string{"approval"}}).ID
	var second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:       tokenResourceConfig(url, attrs{"idempotency_key": key, "idempotency_key_ttl": "1d", "tags": []string{"approval"}}),
			ResourceName: tokenResourceAddress, ImportState: true, ImportStateId: first, ImportStatePersist: true,
		}, {
			Config: tokenResourceConfig(url, attrs{"idempotency_key": key, "idempotency_key_ttl": "1d", "tags": []string{"approval", "release:42"}}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenResourceAddress, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			Check: mockHas(mock, &second, func(tok mockapi.Token) error {
				if second == first || tok.IdempotencyKey != key || !slices.Equal(tok.Tags, []string{"approval", "release:42"}) {
					return fmt.Errorf("the new token %q (the first %q) has key %q and tags %q", second, first, tok.IdempotencyKey, tok.Tags)
				}
				return nil
			}),
		}},
	})
}

// TestAccWaitpointTokenResource_tagOrder: the order of the tags does not
// matter: listing them in another order plans no change.
func TestAccWaitpointTokenResource_tagOrder(t *testing.T) {
	t.Parallel()
	_, url := startTarget(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenResourceConfig(url, attrs{"tags": []string{"release:42", "approval", "a_b", "a-b"}}),
		}, {
			Config: tokenResourceConfig(url, attrs{"tags": []string{"a-b", "approval", "a_b", "release:42"}}),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// TestAccWaitpointTokenResource_importWithConfiguration: a token imported
// with the configuration that made it, its tags in another order than the
// service's, its timeout and key TTL in any of their spellings, plans no
// change; a timeout the token does not have plans a change, which its live
// key refuses.
func TestAccWaitpointTokenResource_importWithConfiguration(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	key := mock.name("release-7")
	tok := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: key, IdempotencyKeyTTL: 30 * 24 * time.Hour, Timeout: 24 * time.Hour,
		Tags: []string{"release:7", "approval"}})
	made := attrs{"idempotency_key": key, "idempotency_key_ttl": "30d", "timeout": "24h", "tags": []string{"release:7", "approval"}}
	config := tokenResourceConfig(url, made)
	respelled := tokenResourceConfig(url, attrs{"idempotency_key": key, "idempotency_key_ttl": "720h", "timeout": "1d", "tags": []string{"approval", "release:7"}})
	importStep := func(kind resource.ImportStateKind) resource.TestStep {
		return resource.TestStep{Config: config, ResourceName: tokenResourceAddress, ImportState: true, ImportStateKind: kind,
			ImportStateId: tok.ID, ImportStatePersist: kind == resource.ImportCommandWithID,
			SkipFunc: func() (bool, error) {
				return kind == resource.ImportBlockWithResourceIdentity && !cliHasIdentity(t), nil
			}}
	}
	noChange := func(config string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		Steps: []resource.TestStep{
			importStep(resource.ImportBlockWithID), // the harness wants the import planned with no change
			importStep(resource.ImportCommandWithID),
			noChange(config),
			noChange(respelled),
			importStep(resource.ImportBlockWithResourceIdentity), // the identity the state holds
			{
				Config:      tokenResourceConfig(url, attrs{"idempotency_key": key, "idempotency_key_ttl": "30d", "timeout": "48h", "tags": []string{"approval", "release:7"}}),
				PlanOnly:    true,
				ExpectError: liveKeyError(key, "timeout. Set a new idempotency_key, or wait until the key expires at "+formatInstant(tok.IdempotencyKeyExpiresAt)),
			},
		},
	})
}

// TestWaitpointTokenResourceModel_refresh: an import (a state that has
// never read the token) takes the token's timeout and key TTL; a state that
// has read it keeps its own, as a token imported by an earlier version has
// them (none), so that its configuration still plans no change.
func TestWaitpointTokenResourceModel_refresh(t *testing.T) {
	created := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	token := client.Token{ID: "waitpoint_abc", Status: client.StatusWaiting, CreatedAt: created, Tags: []string{"approval"},
		TimeoutAt: new(created.Add(24 * time.Hour)), IdempotencyKeyExpiresAt: new(created.Add(30 * 24 * time.Hour))}
	for name, tc := range map[string]struct {
		createdAt            timetypes.RFC3339
		wantTimeout, wantTTL types.String
	}{
		"imported":  {timetypes.NewRFC3339Null(), types.StringValue("1d"), types.StringValue("30d")},
		"read once": {serviceTime(&created), types.StringNull(), types.StringNull()},
	} {
		t.Run(name, func(t *testing.T) {
			m := waitpointTokenResourceModel{ID: types.StringValue(token.ID), Timeout: types.StringNull(), IdempotencyKeyTTL: types.StringNull()}
			m.CreatedAt, m.Tags, m.IdempotencyKey = tc.createdAt, types.ListNull(types.StringType), types.StringNull()
			if diags := m.refresh(t.Context(), token); diags.HasError() {
				t.Fatal(diags)
			}
			if !m.Timeout.Equal(tc.wantTimeout) || !m.IdempotencyKeyTTL.Equal(tc.wantTTL) {
				t.Fatalf("timeout %s, TTL %s; want %s, %s", m.Timeout, m.IdempotencyKeyTTL, tc.wantTimeout, tc.wantTTL)
			}
		})
	}
}
