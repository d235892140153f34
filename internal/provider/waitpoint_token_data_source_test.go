package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const tokenAddress = "data.triggerdev_waitpoint_token.test"

// tokenChecks asserts every attribute against the mock's record of the token.
func tokenChecks(address string, mock *target, id, wantOutputJSON string) []statecheck.StateCheck {
	tok, _ := mock.Token(id)
	tags := make([]knownvalue.Check, len(tok.Tags))
	for i, tag := range slices.Sorted(slices.Values(tok.Tags)) { // the mock keeps the order given; the provider sorts
		tags[i] = knownvalue.StringExact(tag)
	}
	var output, outputJSON knownvalue.Check = knownvalue.Null(), knownvalue.Null()
	if tok.Output != nil {
		output = knownvalue.StringExact(*tok.Output)
		outputJSON = knownvalue.StringExact(wantOutputJSON)
	}
	var key knownvalue.Check = knownvalue.NotNull() // the service makes one up when the user gave none
	if tok.IdempotencyKey != "" {
		key = knownvalue.StringExact(tok.IdempotencyKey)
	}
	return []statecheck.StateCheck{
		attrCheckAt(address, "id", knownvalue.StringExact(id)),
		attrCheckAt(address, "url", knownvalue.StringRegexp(regexp.MustCompile(`^https?://[^/]+/api/v1/waitpoints/tokens/`+id+`/callback/[0-9a-f]+$`))),
		attrCheckAt(address, "status", knownvalue.StringExact(tok.Status)),
		attrCheckAt(address, "idempotency_key", key),
		attrCheckAt(address, "idempotency_key_expires_at", timeCheck(tok.IdempotencyKeyExpiresAt)),
		attrCheckAt(address, "timeout_at", timeCheck(tok.TimeoutAt)),
		attrCheckAt(address, "completed_at", timeCheck(tok.CompletedAt)),
		attrCheckAt(address, "created_at", timeCheck(&tok.CreatedAt)),
		attrCheckAt(address, "tags", knownvalue.ListExact(tags)),
		attrCheckAt(address, "output", output),
		attrCheckAt(address, "output_type", knownvalue.StringExact(tok.OutputType)),
		attrCheckAt(address, "output_is_error", knownvalue.Bool(tok.OutputIsError)),
		attrCheckAt(address, "output_json", outputJSON),
	}
}

func TestAccWaitpointTokenDataSource_everyAttribute(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	waiting := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: mock.name("release-42"), Tags: []string{"deploy:prod", "approval"}, Timeout: time.Hour})
	completedObject := mock.CreateToken(mockapi.TokenSpec{})
	completedText := mock.CreateToken(mockapi.TokenSpec{})
	completedEmpty := mock.CreateToken(mockapi.TokenSpec{})
	timedOut := mock.CreateToken(mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)})
	for id, body := range map[string]string{completedObject.ID: `{"approved":true,"by":"alice"}`, completedText.ID: `"ship it"`, completedEmpty.ID: ``} {
		if err := mock.Complete(id, []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	timedOutTok, _ := mock.Token(timedOut.ID)

	cases := []struct {
		name, id, outputJSON string
	}{
		{"waiting", waiting.ID, ""},
		{"completed with an object (superjson)", completedObject.ID, `{"approved":true,"by":"alice"}`},
		{"completed with text", completedText.ID, `"ship it"`},
		{"completed without output", completedEmpty.ID, ""},
		{"timed out", timedOut.ID, *timedOutTok.Output},
	}
	ids := map[string]string{}
	var checks []statecheck.StateCheck
	for i, tc := range cases {
		name := fmt.Sprintf("case_%d", i) // case_i is cases[i]
		ids[name] = tc.id
		checks = append(checks, tokenChecks("data.triggerdev_waitpoint_token."+name, mock, tc.id, tc.outputJSON)...)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: tokenBlocks(url, ids), ConfigStateChecks: checks}},
	})
}

// TestAccWaitpointTokenDataSource_applicationJSON reads a seeded token whose
// output was stored as plain JSON text.
func TestAccWaitpointTokenDataSource_outputTypes(t *testing.T) {
	t.Parallel()
	needsMock(t, "fixtures (an output of every type; application/store needs an object store)")
	mock, url := startMock(t, 30)
	ids := map[string]string{}
	var checks []statecheck.StateCheck
	for i, outputType := range []string{"application/json", "application/super+json", "text/plain", "application/store"} {
		tok := firstToken(t, mock, func(tok mockapi.Token) bool { return tok.Output != nil && tok.OutputType == outputType })
		var wantJSON knownvalue.Check
		switch outputType {
		case "application/store": // a path: the data is fetched and decoded
			wantJSON = knownvalue.StringFunc(func(s string) error {
				var decision struct {
					Approved *bool  `json:"approved"`
					Report   string `json:"report"`
				}
				if err := json.Unmarshal([]byte(s), &decision); err != nil || decision.Approved == nil || len(decision.Report) < 512<<10 {
					return fmt.Errorf("output_json is not the stored decision: %.80s (%w)", s, err)
				}
				return nil
			})
		case "application/json":
			wantJSON = knownvalue.StringExact(*tok.Output)
		case "application/super+json":
			wantJSON = knownvalue.StringExact(strings.TrimSuffix(strings.TrimPrefix(*tok.Output, `{"json":`), `}`))
		case "text/plain":
			wantJSON = knownvalue.StringExact(fmt.Sprintf("%q", *tok.Output))
		}
		address := fmt.Sprintf("data.triggerdev_waitpoint_token.type_%d", i) // type_i is the i-th output type
		ids[strings.TrimPrefix(address, "data.triggerdev_waitpoint_token.")] = tok.ID
		checks = append(checks,
			attrCheckAt(address, "output_type", knownvalue.StringExact(outputType)),
			attrCheckAt(address, "output", knownvalue.StringExact(*tok.Output)),
			attrCheckAt(address, "output_json", wantJSON))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: tokenBlocks(url, ids), ConfigStateChecks: checks}},
	})
}

func TestAccWaitpointTokenDataSource_jsondecodeOutput(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	if err := mock.Complete(tok.ID, []byte(`{"approved":true,"by":"alice","reviewers":["bob","carol"]}`)); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenConfig(url, tok.ID, "") + `
output "decision" {
  value = jsondecode(data.triggerdev_waitpoint_token.test.output_json)
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("decision", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"approved":  knownvalue.Bool(true),
					"by":        knownvalue.StringExact("alice"),
					"reviewers": knownvalue.TupleExact([]knownvalue.Check{knownvalue.StringExact("bob"), knownvalue.StringExact("carol")}),
				})),
			},
		}},
	})
}

func TestAccWaitpointTokenDataSource_urlIsSensitive(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Terraform refuses to output a sensitive value that is not marked so.
			Config: tokenConfig(url, tok.ID, "") + `
output "callback" {
  value = data.triggerdev_waitpoint_token.test.url
}
`,
			ExpectError: regexp.MustCompile(`Output refers to sensitive values`),
		}},
	})
}

func TestAccWaitpointTokenDataSource_waitCompletes(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	tok := mock.CreateToken(mockapi.TokenSpec{Tags: []string{"approval"}})
	callback := mock.CallbackURL(url, tok.ID)
	go whenPolled(t, mock, tok.ID, func() error { // a person approving while the read polls
		resp, err := http.Post(callback, "application/json", strings.NewReader(`{"approved":true}`))
		if err == nil {
			err = resp.Body.Close()
		}
		return err
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: tokenConfig(url, tok.ID, `wait = { interval = "1s", timeout = "5m" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				attrCheck("status", knownvalue.StringExact("COMPLETED")),
				attrCheck("output_json", knownvalue.StringExact(`{"approved":true}`)),
			},
		}},
	})
}

// TestAccWaitpointTokenDataSource_waitErrors: waits that end without the wanted
// status (invalid_config_test.go has invalid wait settings).
func TestAccWaitpointTokenDataSource_waitErrors(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	waiting := mock.CreateToken(mockapi.TokenSpec{})
	timedOut := mock.CreateToken(mockapi.TokenSpec{TimeoutAt: time.Now().Add(-time.Minute)})
	cases := []struct {
		name, id, wait string
		want           *regexp.Regexp
	}{
		{"times out naming the id and last status", waiting.ID, `wait = { interval = "1s", timeout = "1s" }`,
			wrappedText(`timed out after 1s waiting for waitpoint token "` + waiting.ID + `" to become COMPLETED or TIMED_OUT; its last status was WAITING`)},
		{"fails fast on TIMED_OUT", timedOut.ID, `wait = { statuses = ["COMPLETED"], interval = "1s", timeout = "10m" }`,
			wrappedText(`"` + timedOut.ID + `" is TIMED_OUT and can no longer become COMPLETED`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tokenConfig(url, tc.id, tc.wait), ExpectError: tc.want}},
			})
		})
	}
}

const tokenBlock = `
data "triggerdev_waitpoint_token" "test" {
  id = %q
}
`

// TestAccWaitpointTokenDataSource_errors covers the refusals that depend on the
// key, and asserts which of them come before any request; invalid_config_test.go
// has the invalid configurations.
func TestAccWaitpointTokenDataSource_errors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		config   func(url, id string) string
		want     *regexp.Regexp
		requests int
	}{
		{"wrong key", func(url, id string) string {
			return fmt.Sprintf("provider \"triggerdev\" {\n api_url = %q\n api_key = \"tr_dev_wrong\"\n}\n"+tokenBlock, url, id)
		}, wrappedText(`Trigger.dev refused the API key`), 1},
		{"missing key", func(url, id string) string {
			return fmt.Sprintf("provider \"triggerdev\" {\n api_url = %q\n}\n"+tokenBlock, url, id)
		}, regexp.MustCompile(`(?s)api_key.*TRIGGER_SECRET_KEY`), 0},
		{"key unknown at plan time", func(url, id string) string {
			return fmt.Sprintf(`
resource "terraform_data" "key" {
  input = %q
}
provider "triggerdev" {
  api_url = %q
  api_key = terraform_data.key.output
}
`+tokenBlock, testAPIKey, url, id)
		}, wrappedText(`Unknown provider configuration value`), 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config(url, tok.ID), ExpectError: tc.want}},
			})
			if n := len(mock.Requests()); n != tc.requests {
				t.Fatalf("the mock saw %d requests, want %d", n, tc.requests)
			}
		})
	}
}

// TestAccWaitpointTokenDataSource_notFound: an id the environment does not
// have, answered as the real service does (500) and as the spec says (404):
// either way the error names the id and the likely cause, once.
func TestAccWaitpointTokenDataSource_notFound(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		want   *regexp.Regexp
	}{
		{"the spec's 404", 404, regexp.MustCompile(`(?s)Waitpoint token not found.*No waitpoint token "waitpoint_doesnotexist" exists in\s+the\s+environment\s+of\s+the\s+API\s+key.*HTTP\s+404:\s+Waitpoint\s+not\s+found.*another\s+environment`)},
		{"the real service's 500", 500, regexp.MustCompile(`(?s)Waitpoint token not found, or Trigger.dev failing.*HTTP\s+500:\s+Internal\s+Server\s+Error.*"waitpoint_doesnotexist".*no\s+such\s+token\s+exists.*another\s+environment`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.status != 500 {
				needsMock(t, "404 for an unknown id, as the spec says (the service answers 500)")
			}
			mock, url := startTarget(t, func(o *mockapi.Options) { o.UnknownIDStatus = tc.status })
			retries, want := 0, 1
			if againstService(t) { // its rate limiter is live: a 429 must be retried, and so is the 500
				retries, want = client.DefaultMaxRetries, 1+client.DefaultMaxRetries
			}
			config := fmt.Sprintf("provider \"triggerdev\" {\n api_url = %q\n api_key = %q\n max_retries = %d\n}\n", url, testAPIKey, retries) +
				fmt.Sprintf(tokenBlock, "waitpoint_doesnotexist")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config, ExpectError: tc.want}},
			})
			answered := slices.DeleteFunc(mock.Requests(), func(r mockapi.Request) bool { return r.Status == http.StatusTooManyRequests })
			if n := len(answered); n < 1 || n > want || (n != want && !againstService(t)) { // 429s may spend retries
				t.Fatalf("the server answered %d requests, want %d", n, want)
			}
		})
	}
}

// TestAccWaitpointTokenDataSource_storedOutputs: outputs of 512 KiB or more are
// offloaded to object storage (application/store); the read fetches them as
// the official SDK does and decodes them into output_json, while output and
// output_type keep what the service said.
func TestAccWaitpointTokenDataSource_storedOutputs(t *testing.T) {
	t.Parallel()
	needsMock(t, "object store (the local service has none)")
	object := fmt.Sprintf(`{"approved":true,"report":%q}`, strings.Repeat("a", 600_000))
	text := strings.Repeat("t", 600_000)
	for name, tc := range map[string]struct{ body, outputJSON, object string }{
		"600 KB superjson object": {object, object, "token.json"},
		"600 KB text":             {strconv.Quote(text), strconv.Quote(text), "token.txt"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mock, url := startMock(t, 0)
			tok := mock.CreateToken(mockapi.TokenSpec{})
			if err := mock.Complete(tok.ID, []byte(tc.body)); err != nil {
				t.Fatal(err)
			}
			stored, _ := mock.Token(tok.ID)
			if stored.OutputType != "application/store" || *stored.Output != tok.ID+"/"+tc.object {
				t.Fatalf("the mock stored the output as %s at %s, not application/store at %s: the test proves nothing", stored.OutputType, *stored.Output, tc.object)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: tokenConfig(url, tok.ID, ""),
					ConfigStateChecks: []statecheck.StateCheck{
						attrCheck("output_type", knownvalue.StringExact("application/store")),
						attrCheck("output", knownvalue.StringExact(*stored.Output)),
						attrCheck("output_json", knownvalue.StringExact(tc.outputJSON)),
					},
				}},
			})
		})
	}
}

// BenchmarkReadDataSource_token is one read of one token through the provider's
// protocol server: one retrieve from the in-process mock, the output decoded,
// and the state set by the framework.
func BenchmarkReadDataSource_token(b *testing.B) {
	mock, url := startMock(b, 30, unlimited)
	server := configuredServer(b, url)
	schemas, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	tok := firstToken(b, mock, func(tok mockapi.Token) bool { return tok.OutputType == "application/super+json" })
	req := &tfprotov6.ReadDataSourceRequest{TypeName: "triggerdev_waitpoint_token", Config: objectConfig(b,
		schemas.DataSourceSchemas["triggerdev_waitpoint_token"].ValueType().(tftypes.Object),
		map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, tok.ID)})}
	b.ReportAllocs()
	for b.Loop() {
		if resp, err := server.ReadDataSource(context.Background(), req); err != nil || len(resp.Diagnostics) > 0 || resp.State == nil {
			b.Fatalf("read: %v %v", resp.Diagnostics, err)
		}
	}
}
