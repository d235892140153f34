package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// attrs is a block's attributes, rendered as HCL for the CLI and as JSON for
// the provider server.
type attrs map[string]any

const (
	providerBlockType   = "provider"
	tokenDataSource     = "data.triggerdev_waitpoint_token"
	tokensDataSource    = "data.triggerdev_waitpoint_tokens"
	tokenEphemeral      = "ephemeral.triggerdev_waitpoint_token"
	waitActionBlock     = "action.triggerdev_wait_for_waitpoint_token"
	completeActionBlock = "action.triggerdev_complete_waitpoint_token"
	tokenWaitResource   = "resource.triggerdev_waitpoint_token_wait"
	tokenResource       = "resource.triggerdev_waitpoint_token"
	runDataBlock        = "data.triggerdev_run"
	triggerActionBlock  = "action.triggerdev_trigger_task"
	taskRunBlock        = "resource.triggerdev_task_run"
)

// invalidConfig is one way a configuration can be wrong.
type invalidConfig struct {
	name  string
	block string // providerBlockType, or the block's kind and type: data.<type>, ephemeral.<type>, action.<type>, resource.<type>
	attrs attrs  // the attributes besides what the block needs anyway
	path  string // where the one error must sit, e.g. wait.timeout or statuses[1]
	want  string // the error's words: what is wrong and what is accepted
}

// invalidConfigs is every way a configuration can be wrong that the provider
// refuses before any request: one row per mistake, for every attribute a user
// sets, and each of the data source's rows once more for the ephemeral
// resource, which shares its schema. A new resource's rows go here, one line each.
var invalidConfigs = slices.Concat(withEphemeralRows([]invalidConfig{
	{"api_key with a newline", providerBlockType, attrs{"api_key": "tr_dev_read_from_a_file\n"}, "api_key", "Attribute api_key must be a Trigger.dev secret key, without whitespace: a key read from a file may end in a newline (use trimspace())"},
	{"api_url with a query", providerBlockType, attrs{"api_url": "https://api.trigger.dev/?env=prod"}, "api_url", `without query or fragment, got "https://api.trigger.dev/?env=prod"`},
	{"relative api_url", providerBlockType, attrs{"api_url": "api.trigger.dev"}, "api_url", `must be an absolute http:// or https:// URL without query or fragment, got "api.trigger.dev"`},
	{"api_url of another scheme", providerBlockType, attrs{"api_url": "ftp://127.0.0.1/"}, "api_url", `must be an absolute http:// or https:// URL without query or fragment, got "ftp://127.0.0.1/"`},
	{"negative max_retries", providerBlockType, attrs{"max_retries": -1}, "max_retries", `Attribute max_retries value must be between 0 and 10, got: -1`},
	{"max_retries past the bound", providerBlockType, attrs{"max_retries": 11}, "max_retries", `Attribute max_retries value must be between 0 and 10, got: 11`},
	{"empty api_key", providerBlockType, attrs{"api_key": ""}, "api_key", `api_key is empty. Leave it out to read the TRIGGER_SECRET_KEY environment variable, or set a Trigger.dev secret key`},
	{"empty api_url", providerBlockType, attrs{"api_url": ""}, "api_url", `api_url is empty. Leave it out for the default`},
	{"request_timeout without a unit", providerBlockType, attrs{"request_timeout": "30"}, "request_timeout", `Attribute request_timeout must be a positive duration with a unit, such as "30s", "5m" or "1h30m" (units ns, us, ms, s, m, h), got "30"`},
	{"request_timeout in words", providerBlockType, attrs{"request_timeout": "soon"}, "request_timeout", `got "soon"`},
	{"zero request_timeout", providerBlockType, attrs{"request_timeout": "0s"}, "request_timeout", `must be a positive duration with a unit`},
	{"negative request_timeout", providerBlockType, attrs{"request_timeout": "-5s"}, "request_timeout", `got "-5s"`},

	{"empty id", tokenDataSource, attrs{"id": ""}, "id", `Attribute id must be a waitpoint token id: not empty, not only dots, without whitespace or any of / ? # %, got ""`},
	{"id with a space", tokenDataSource, attrs{"id": "waitpoint_a b"}, "id", `must be a waitpoint token id`},
	{"id climbing a directory", tokenDataSource, attrs{"id": "../tokens"}, "id", `got "../tokens"`},
	{"id of dots", tokenDataSource, attrs{"id": ".."}, "id", `got ".."`},
	{"id with an escaped slash", tokenDataSource, attrs{"id": "waitpoint_a%2F..%2Fb"}, "id", `got "waitpoint_a%2F..%2Fb"`},
	{"id with a query", tokenDataSource, attrs{"id": "waitpoint_a?limit=1"}, "id", `got "waitpoint_a?limit=1"`},
	{"id with a fragment", tokenDataSource, attrs{"id": "waitpoint_a#b"}, "id", `got "waitpoint_a#b"`},
	{"id and idempotency_key", tokenDataSource, attrs{"idempotency_key": "release-42"}, "id", `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"neither id nor idempotency_key", tokenDataSource, attrs{"id": nil}, wholeBlock, `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"empty idempotency_key", tokenDataSource, attrs{"id": nil, "idempotency_key": ""}, "idempotency_key", `Attribute idempotency_key string length must be at least 1, got: 0`},
	{"wait.timeout in words", tokenDataSource, attrs{"wait": attrs{"timeout": "soon"}}, "wait.timeout", `Attribute wait.timeout must be a positive duration with a unit, such as "30m", "1h30m", "2d" or "1w" (units ms, s, m, h, d, w), got "soon"`},
	{"wait.timeout in fractional days", tokenDataSource, attrs{"wait": attrs{"timeout": "1.5d"}}, "wait.timeout", `got "1.5d"`},
	{"wait.timeout with a unit twice", tokenDataSource, attrs{"wait": attrs{"timeout": "1d1d"}}, "wait.timeout", `Attribute wait.timeout gives the unit d twice, got "1d1d"`},
	{"zero wait.timeout", tokenDataSource, attrs{"wait": attrs{"timeout": "0s"}}, "wait.timeout", `must be a positive duration`},
	{"wait.interval without a unit", tokenDataSource, attrs{"wait": attrs{"interval": "10"}}, "wait.interval", `Attribute wait.interval must be a positive duration with a unit`},
	{"negative wait.interval", tokenDataSource, attrs{"wait": attrs{"interval": "-1s"}}, "wait.interval", `got "-1s"`},
	{"wait.interval under a second", tokenDataSource, attrs{"wait": attrs{"interval": "1ms"}}, "wait.interval", `Attribute wait.interval must be at least 1s, got "1ms"`},
	{"wait.statuses empty", tokenDataSource, attrs{"wait": attrs{"statuses": []string{}}}, "wait.statuses", `Attribute wait.statuses list must contain at least 1 elements, got: 0`},
	{"wait.statuses unknown status", tokenDataSource, attrs{"wait": attrs{"statuses": []string{"COMPLETED", "DONE"}}}, "wait.statuses[1]", `value must be one of: ["WAITING" "COMPLETED" "TIMED_OUT"], got: "DONE"`},
	{"wait.statuses lower case", tokenDataSource, attrs{"wait": attrs{"statuses": []string{"completed"}}}, "wait.statuses[0]", `got: "completed"`},
	{"wait.statuses repeated", tokenDataSource, attrs{"wait": attrs{"statuses": []string{"COMPLETED", "COMPLETED"}}}, "wait.statuses", `This attribute contains duplicate values of: "COMPLETED"`},

	{"run id with a slash", runDataBlock, attrs{"id": "run_a/b"}, "id", `Attribute id must be a run id: not empty, not only dots, without whitespace or any of / ? # %, got "run_a/b"`},
	{"empty run id", runDataBlock, attrs{"id": ""}, "id", `must be a run id`},
	{"run wait.statuses unknown status", runDataBlock, attrs{"wait": attrs{"statuses": []string{"SUCCEEDED"}}}, "wait.statuses[0]", `got: "SUCCEEDED"`},
	{"run wait.timeout in words", runDataBlock, attrs{"wait": attrs{"timeout": "soon"}}, "wait.timeout", `Attribute wait.timeout must be a positive duration with a unit`},

	{"statuses empty", tokensDataSource, attrs{"statuses": []string{}}, "statuses", `Attribute statuses list must contain at least 1 elements, got: 0`},
	{"statuses unknown status", tokensDataSource, attrs{"statuses": []string{"PENDING"}}, "statuses[0]", `value must be one of: ["WAITING" "COMPLETED" "TIMED_OUT"], got: "PENDING"`},
	{"statuses repeated", tokensDataSource, attrs{"statuses": []string{"WAITING", "WAITING"}}, "statuses", `duplicate values of: "WAITING"`},
	{"tags empty", tokensDataSource, attrs{"tags": []string{}}, "tags", `Attribute tags list must contain at least 1 elements, got: 0`},
	{"tag with a comma", tokensDataSource, attrs{"tags": []string{"team:a", "a,b"}}, "tags[1]", `must be a non-empty tag without commas, got: a,b`},
	{"empty tag", tokensDataSource, attrs{"tags": []string{""}}, "tags[0]", `must be a non-empty tag without commas`},
	{"tags_match unknown", tokensDataSource, attrs{"tags_match": "some"}, "tags_match", `Attribute tags_match value must be one of: ["any" "all"], got: "some"`},
	{"empty idempotency_key", tokensDataSource, attrs{"idempotency_key": ""}, "idempotency_key", `Attribute idempotency_key string length must be at least 1, got: 0`},
	{"created_period without a unit", tokensDataSource, attrs{"created_period": "24"}, "created_period", "must be a period such as `30m`, `24h`, `7d`, `2w` or `1h30m` (units ms, s, m, h, d, w, y), got: 24"},
	{"created_period with an unknown unit", tokensDataSource, attrs{"created_period": "1fortnight"}, "created_period", `got: 1fortnight`},
	{"created_period negative", tokensDataSource, attrs{"created_period": "-1d"}, "created_period", `got: -1d`},
	{"created_period with created_from", tokensDataSource, attrs{"created_period": "1d", "created_from": "2026-01-01T00:00:00Z"}, "created_period", `Attribute "created_from" cannot be specified when "created_period" is specified`},
	{"created_period with created_to", tokensDataSource, attrs{"created_period": "1d", "created_to": "2026-01-01T00:00:00Z"}, "created_period", `Attribute "created_to" cannot be specified when "created_period" is specified`},
	{"created_period in words", tokensDataSource, attrs{"created_period": "2 days"}, "created_period", `got: 2 days`},
	{"created_from not a time", tokensDataSource, attrs{"created_from": "yesterday"}, "created_from", `Attribute created_from must be an RFC 3339 time such as "2026-01-05T10:00:00Z" or "2026-01-05T10:00:00.123+02:00", got "yesterday"`},
	{"created_to without a zone", tokensDataSource, attrs{"created_to": "2026-01-01T00:00:00"}, "created_to", `2026-01-01T00:00:00`},
	{"created_to before created_from", tokensDataSource, attrs{"created_from": "2026-02-01T00:00:00Z", "created_to": "2026-01-01T00:00:00Z"}, "created_to", `created_to 2026-01-01T00:00:00Z must not be before created_from 2026-02-01T00:00:00Z`},
	{"zero max_items", tokensDataSource, attrs{"max_items": 0}, "max_items", `Attribute max_items must be a whole number of at least 1, got 0.`},
	{"fractional max_items", tokensDataSource, attrs{"max_items": 2.5}, "max_items", `Attribute max_items must be a whole number of at least 1, got 2.5.`},
	{"page_size over 100", tokensDataSource, attrs{"page_size": 101}, "page_size", `Attribute page_size must be a whole number from 1 to 100, got 101.`},
	{"zero page_size", tokensDataSource, attrs{"page_size": 0}, "page_size", `must be a whole number from 1 to 100, got 0.`},
	{"fractional page_size", tokensDataSource, attrs{"page_size": 2.5}, "page_size", `Attribute page_size must be a whole number from 1 to 100, got 2.5.`},

	{"wait action: id and idempotency_key", waitActionBlock, attrs{"idempotency_key": "release-42"}, "id", `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"wait action: neither id nor idempotency_key", waitActionBlock, attrs{"id": nil}, wholeBlock, `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"wait action: empty idempotency_key", waitActionBlock, attrs{"id": nil, "idempotency_key": ""}, "idempotency_key", `Attribute idempotency_key string length must be at least 1, got: 0`},
	{"complete action: id and idempotency_key", completeActionBlock, attrs{"idempotency_key": "tenant-42"}, "id", `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"complete action: neither id nor idempotency_key", completeActionBlock, attrs{"id": nil}, wholeBlock, `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"complete action: id with a slash", completeActionBlock, attrs{"id": "waitpoint_a/b"}, "id", `must be a waitpoint token id`},
	{"complete action: data not JSON", completeActionBlock, attrs{"data": "endpoint=https://db.example"}, "data", `Attribute data must be JSON text of any value, such as jsonencode({ endpoint = "https://…" }) (the value is not shown: it may be a secret).`},
	{"complete action: empty data", completeActionBlock, attrs{"data": ""}, "data", `Attribute data must be JSON text of any value`},

	{"wait resource: without a token", tokenWaitResource, attrs{"id": nil}, wholeBlock, `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"wait resource: with id and idempotency_key", tokenWaitResource, attrs{"idempotency_key": "release-7"}, "id", `Exactly one of these attributes must be configured: [id,idempotency_key]`},
	{"wait resource: id with a slash", tokenWaitResource, attrs{"id": "waitpoint_a/b"}, "id", `Attribute id must be a waitpoint token id`},
	{"wait resource: empty idempotency_key", tokenWaitResource, attrs{"id": nil, "idempotency_key": ""}, "idempotency_key", `Attribute idempotency_key string length must be at least 1, got: 0`},

	{"resource: empty idempotency_key", tokenResource, attrs{"idempotency_key": ""}, "idempotency_key", `Attribute idempotency_key must not be empty: leave it out and the provider generates one.`},
	{"resource: idempotency_key too long", tokenResource, attrs{"idempotency_key": strings.Repeat("k", 2049)}, "idempotency_key", `Attribute idempotency_key must be at most 2048 characters (UTF-16 code units), got 2049.`},
	{"resource: idempotency_key too long in UTF-16", tokenResource, attrs{"idempotency_key": strings.Repeat("😀", 1025)}, "idempotency_key", `got 2050.`},
	{"resource: idempotency_key_ttl in weeks", tokenResource, attrs{"idempotency_key_ttl": "2w"}, "idempotency_key_ttl", `Attribute idempotency_key_ttl must be a whole number and a unit s, m, h or d, such as "24h" or "30d", got "2w".`},
	{"resource: idempotency_key_ttl of two units", tokenResource, attrs{"idempotency_key_ttl": "1h30m"}, "idempotency_key_ttl", `got "1h30m"`},
	{"resource: zero idempotency_key_ttl", tokenResource, attrs{"idempotency_key_ttl": "0d"}, "idempotency_key_ttl", `Attribute idempotency_key_ttl is zero, got "0d".`},
	{"resource: timeout in words", tokenResource, attrs{"timeout": "tomorrow"}, "timeout", `Attribute timeout must be a duration such as "30m", "24h", "2w" or "1h30m" (units w, d, h, m, s, each once) or an RFC 3339 time such as "2026-01-05T10:00:00Z", got "tomorrow".`},
	{"resource: timeout as a Go duration", tokenResource, attrs{"timeout": "1.5h"}, "timeout", `got "1.5h"`},
	{"resource: timeout without a zone", tokenResource, attrs{"timeout": "2030-01-01T00:00:00"}, "timeout", `got "2030-01-01T00:00:00"`},
	{"resource: timeout with a unit twice", tokenResource, attrs{"timeout": "1h30m1h"}, "timeout", `Attribute timeout gives the unit h twice, got "1h30m1h".`},
	{"resource: zero timeout", tokenResource, attrs{"timeout": "0m"}, "timeout", `Attribute timeout is zero: the token would time out at once, got "0m".`},
	{"resource: timeout past 100 years", tokenResource, attrs{"timeout": "5300w"}, "timeout", `Attribute timeout is longer than 100 years (36500d), got "5300w".`},
	{"resource: 11 tags", tokenResource, attrs{"tags": []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}, "tags", `Attribute tags list must contain at most 10 elements, got: 11`},
	{"resource: tags repeated", tokenResource, attrs{"tags": []string{"a", "a"}}, "tags", `duplicate values of: "a"`},
	{"resource: empty tag", tokenResource, attrs{"tags": []string{"a", ""}}, "tags[1]", `Attribute tags[1] must not be empty.`},
	{"resource: tag with a comma", tokenResource, attrs{"tags": []string{"a,b"}}, "tags[0]", `Attribute tags[0] must not contain a comma: a tags filter is a comma-separated list and could never find it, got "a,b".`},
	{"resource: tag too long", tokenResource, attrs{"tags": []string{strings.Repeat("t", 129)}}, "tags[0]", `Attribute tags[0] must be at most 128 characters (UTF-16 code units), got 129.`},
}), kindRows(tokenGateKinds, []invalidConfig{
	{"statuses unknown status", "", attrs{"statuses": []string{"DONE"}}, "statuses[0]", `value must be one of: ["WAITING" "COMPLETED" "TIMED_OUT"], got: "DONE"`},
	{"statuses empty", "", attrs{"statuses": []string{}}, "statuses", `Attribute statuses list must contain at least 1 elements, got: 0`},
	{"output_contains an array", "", attrs{"output_contains": "[true]"}, "output_contains", `Attribute output_contains must be JSON text of an object`},
	{"timeout in fractional weeks", "", attrs{"timeout": "0.5w"}, "timeout", `Attribute timeout must be a positive duration with a unit, such as "30m", "1h30m", "2d" or "1w"`},
	{"interval under a second", "", attrs{"interval": "500ms"}, "interval", `Attribute interval must be at least 1s, got "500ms"`},
}), kindRows(triggerKinds, []invalidConfig{
	{"empty task", "", attrs{"task": ""}, "task", `Attribute task must be a task id: not empty, not only dots, without whitespace or any of / ? # %, got ""`},
	{"task with a slash", "", attrs{"task": "deploy/smoke"}, "task", `got "deploy/smoke"`},
	{"task with a space", "", attrs{"task": "smoke test"}, "task", `got "smoke test"`},
	{"task of dots", "", attrs{"task": ".."}, "task", `got ".."`},
	{"payload not JSON", "", attrs{"payload": "{release: 42}"}, "payload", `Attribute payload must be JSON text of any value, such as jsonencode({ endpoint = "https://…" }) (the value is not shown: it may be a secret).`},
	{"empty idempotency_key", "", attrs{"idempotency_key": ""}, "idempotency_key", `Attribute idempotency_key must not be empty: leave it out and the provider generates one.`},
	{"idempotency_key_ttl in weeks", "", attrs{"idempotency_key_ttl": "1w"}, "idempotency_key_ttl", `Attribute idempotency_key_ttl must be a whole number and a unit s, m, h or d, such as "24h" or "30d", got "1w".`},
	{"11 tags", "", attrs{"tags": []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}}, "tags", `Attribute tags list must contain at most 10 elements, got: 11`},
	{"tag too long", "", attrs{"tags": []string{strings.Repeat("t", 129)}}, "tags[0]", `Attribute tags[0] must be at most 128 characters (UTF-16 code units), got 129.`},
	{"empty queue", "", attrs{"queue": ""}, "queue", `Attribute queue string length must be at least 1, got: 0`},
	{"empty concurrency_key", "", attrs{"concurrency_key": ""}, "concurrency_key", `Attribute concurrency_key string length must be at least 1, got: 0`},
	{"delay in words", "", attrs{"delay": "soon"}, "delay", `Attribute delay must be a duration such as "30s", "10m", "2h" or "1h30m" (units w, d, h, m, s, each once) or an RFC 3339 time such as "2026-01-05T10:00:00Z", got "soon".`},
	{"delay as a Go duration", "", attrs{"delay": "1.5h"}, "delay", `got "1.5h"`},
	{"delay with a unit twice", "", attrs{"delay": "1h1h"}, "delay", `Attribute delay gives the unit h twice, got "1h1h".`},
	{"ttl as a time", "", attrs{"ttl": "2030-01-01T00:00:00Z"}, "ttl", `Attribute ttl must be a duration such as "30s", "10m", "2h" or "1h30m" (units w, d, h, m, s, each once), got "2030-01-01T00:00:00Z".`},
	{"zero ttl", "", attrs{"ttl": "0m"}, "ttl", `Attribute ttl is zero: leave it out instead, got "0m".`},
	{"max_duration under 5s", "", attrs{"max_duration": "4s"}, "max_duration", `Attribute max_duration must be at least 5s, got "4s".`},
	{"zero max_attempts", "", attrs{"max_attempts": 0}, "max_attempts", `Attribute max_attempts must be a whole number from 1 to 2147483647, got 0.`},
	{"fractional max_attempts", "", attrs{"max_attempts": 2.5}, "max_attempts", `got 2.5.`},
	{"max_attempts past 32 bits", "", attrs{"max_attempts": 2147483648}, "max_attempts", `got 2.147483648e+09.`},
	{"unknown machine", "", attrs{"machine": "huge"}, "machine", `Attribute machine value must be one of: ["micro" "small-1x" "small-2x" "medium-1x" "medium-2x" "large-1x" "large-2x"], got: "huge"`},
	{"metadata an array", "", attrs{"metadata": "[1]"}, "metadata", `Attribute metadata must be JSON text of an object, such as jsonencode({ release = "v42" }), got "[1]".`},
	{"empty lock_to_version", "", attrs{"lock_to_version": ""}, "lock_to_version", `Attribute lock_to_version string length must be at least 1, got: 0`},
	{"wait = false with a timeout", "", attrs{"wait": false, "timeout": "5m"}, "timeout", `Attribute timeout has no effect with wait = false: the run is triggered and not waited for.`},
	{"wait = false with output_contains", "", attrs{"wait": false, "output_contains": `{"passed":true}`}, "output_contains", `Attribute output_contains has no effect with wait = false`},
	{"statuses unknown status", "", attrs{"statuses": []string{"DONE"}}, "statuses[0]", `value must be one of: ["PENDING_VERSION" "QUEUED" "DEQUEUED" "EXECUTING" "WAITING" "COMPLETED" "CANCELED" "FAILED" "CRASHED" "SYSTEM_FAILURE" "DELAYED" "EXPIRED" "TIMED_OUT"], got: "DONE"`},
	{"output_contains an array", "", attrs{"output_contains": "[true]"}, "output_contains", `Attribute output_contains must be JSON text of an object`},
	{"timeout in words", "", attrs{"timeout": "soon"}, "timeout", `Attribute timeout must be a positive duration with a unit`},
}))

// kindRows are rows once for each kind, its name before the row's: the
// gate's rows for the kinds that gate on a token (the wait action and the
// wait resource), a trigger's (the gate's included) for the kinds that
// trigger a task (the action and the resource).
func kindRows(kinds []struct{ name, block string }, rows []invalidConfig) []invalidConfig {
	var out []invalidConfig
	for _, kind := range kinds {
		for _, row := range rows {
			row.name, row.block = kind.name+": "+row.name, kind.block
			out = append(out, row)
		}
	}
	return out
}

var (
	tokenGateKinds = []struct{ name, block string }{{"wait action", waitActionBlock}, {"wait resource", tokenWaitResource}}
	triggerKinds   = []struct{ name, block string }{{"trigger action", triggerActionBlock}, {"task run", taskRunBlock}}
)

// withEphemeralRows adds a copy of each of the data source's rows for the
// ephemeral resource.
func withEphemeralRows(rows []invalidConfig) []invalidConfig {
	for _, row := range rows {
		if row.block == tokenDataSource {
			row.name, row.block = "ephemeral "+row.name, tokenEphemeral
			rows = append(rows, row)
		}
	}
	return rows
}

// blockAttrs is a row's block with what the block needs anyway.
func blockAttrs(block string, a attrs) attrs {
	all := attrs{}
	if _, typ, _ := strings.Cut(block, "."); slices.Contains([]string{"triggerdev_waitpoint_token", "triggerdev_wait_for_waitpoint_token", "triggerdev_complete_waitpoint_token", "triggerdev_waitpoint_token_wait"}, typ) && block != tokenResource {
		all["id"] = "waitpoint_valid"
	}
	switch block {
	case runDataBlock:
		all["id"] = "run_valid"
	case triggerActionBlock, taskRunBlock:
		all["task"] = "smoke-test"
	}
	for k, v := range a {
		all[k] = v
	}
	return all
}

// TestProvider_invalidConfigs: the provider server answers each row with one
// error, on the row's attribute, with the row's words.
func TestProvider_invalidConfigs(t *testing.T) {
	for _, tc := range invalidConfigs {
		t.Run(tc.name, func(t *testing.T) {
			diags := validate(t, tc.block, blockAttrs(tc.block, tc.attrs))
			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics, want one: %s", len(diags), describe(diags))
			}
			d := diags[0]
			if d.Severity != tfprotov6.DiagnosticSeverityError || attributePath(d.Attribute) != tc.path ||
				!strings.Contains(d.Detail, tc.want) || strings.Contains(d.Detail, `\n`) {
				t.Fatalf("got %s, want an error on %s containing %q", describe(diags), tc.path, tc.want)
			}
		})
	}
}

// validate runs what the CLI runs before any read: validation, and for the
// provider block its configuration, on the server the provider serves.
func validate(t *testing.T, block string, a attrs) []*tfprotov6.Diagnostic {
	t.Helper()
	server, err := newServer("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	return validateWith(t, server, block, a)
}

// validateWith is validate on server.
func validateWith(t *testing.T, server tfprotov6.ProviderServer, block string, a attrs) []*tfprotov6.Diagnostic {
	t.Helper()
	ctx := context.Background()
	config := func(schema *tfprotov6.Schema) *tfprotov6.DynamicValue {
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		v, err := tfprotov6.DynamicValue{JSON: raw}.Unmarshal(schema.ValueType())
		if err != nil {
			t.Fatal(err)
		}
		dv, err := tfprotov6.NewDynamicValue(schema.ValueType(), v)
		if err != nil {
			t.Fatal(err)
		}
		return &dv
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if block == providerBlockType {
		cfg := config(schemas.Provider)
		resp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: cfg})
		if err != nil || len(resp.Diagnostics) > 0 {
			return resp.Diagnostics
		}
		configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: cfg, TerraformVersion: "1.11.4"})
		if err != nil {
			t.Fatal(err)
		}
		return configured.Diagnostics
	}
	switch kind, typ, _ := strings.Cut(block, "."); kind {
	case "data":
		resp, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: typ, Config: config(schemas.DataSourceSchemas[typ])})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	case "resource":
		resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typ, Config: config(schemas.ResourceSchemas[typ]),
			ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: true}}) // as Terraform 1.11 and later
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	case "ephemeral":
		resp, err := server.ValidateEphemeralResourceConfig(ctx, &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: typ, Config: config(schemas.EphemeralResourceSchemas[typ])})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	case "action":
		resp, err := server.(tfprotov6.ActionServer).ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: typ, Config: config(schemas.ActionSchemas[typ].Schema)})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}
	t.Fatalf("no validation for block %s", block)
	return nil
}

// wholeBlock is the path of a diagnostic on no attribute: on the block.
const wholeBlock = "(the whole block)"

// attributePath writes a diagnostic's path the way the table does: wait.timeout,
// statuses[1].
func attributePath(p *tftypes.AttributePath) string {
	if p == nil {
		return wholeBlock
	}
	var b strings.Builder
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(s))
		case tftypes.ElementKeyInt:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			fmt.Fprintf(&b, "[%v]", s)
		}
	}
	return b.String()
}

func describe(diags []*tfprotov6.Diagnostic) string {
	parts := make([]string, len(diags))
	for i, d := range diags {
		parts[i] = fmt.Sprintf("[%s on %s: %s: %q]", d.Severity, attributePath(d.Attribute), d.Summary, d.Detail)
	}
	return strings.Join(parts, " ")
}

// TestAccProvider_invalidConfigs: the CLI refuses each row at plan time before
// any request, naming the block and the attribute's line or path.
func TestAccProvider_invalidConfigs(t *testing.T) {
	t.Parallel()
	for _, tc := range invalidConfigs {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			config, address := hclConfig(url, tc.block, blockAttrs(tc.block, tc.attrs))
			step := resource.TestStep{Config: config, ExpectError: cliError(address, tc.path, tc.want)}
			if strings.HasPrefix(tc.block, "action.") {
				actionTestCase(t, step)
			} else {
				resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
			}
			if n := len(mock.Requests()); n != 0 {
				t.Fatalf("the mock saw %d requests, want none", n)
			}
		})
	}
}

// cliError matches the CLI's error: the block's address, the attribute's line
// when it is a top-level one (for a nested one, or none, the CLI shows the
// block's line), then the words.
func cliError(address, attrPath, want string) *regexp.Regexp {
	line := ""
	if top := strings.Split(attrPath, "[")[0]; attrPath != wholeBlock && !strings.Contains(top, ".") {
		line = `\d+:\s+` + regexp.QuoteMeta(top) + `\s+=.*`
	}
	return regexp.MustCompile(`(?s)with ` + regexp.QuoteMeta(address) + `,.*` + line + wrappedText(want).String())
}

// hclConfig is a configuration with the row's block, reading a token when the
// block is the provider's, and the address the CLI names the block by.
func hclConfig(url, block string, a attrs) (string, string) {
	if block == providerBlockType {
		p := attrs{"api_key": testAPIKey, "api_url": url}
		for k, v := range a {
			p[k] = v
		}
		return "provider \"triggerdev\" " + hcl(p, "") + "\n" + fmt.Sprintf(tokenBlock, "waitpoint_valid"),
			fmt.Sprintf(`provider["%s/hashicorp/triggerdev"]`, cmp.Or(os.Getenv("TF_ACC_PROVIDER_HOST"), "registry.terraform.io"))
	}
	kind, typ, _ := strings.Cut(block, ".")
	body := hcl(a, "")
	if kind == "action" { // an action's arguments are in its config block
		body = "{\n  config " + hcl(a, "  ") + "\n}"
	}
	address := block + ".test"
	if kind == "resource" { // a managed resource's address has no kind
		address = typ + ".test"
	}
	return providerBlock(url) + fmt.Sprintf("%s %q \"test\" %s\n", kind, typ, body), address
}

// hcl renders a value: strings, numbers, lists of strings, and objects one
// attribute a line so that the CLI shows the offending line.
func hcl(v any, indent string) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strings.ReplaceAll(strings.ReplaceAll(fmt.Sprintf("%q", v), "${", "$${"), "%{", "%%{")
	case []string:
		items := make([]string, len(v))
		for i, s := range v {
			items[i] = hcl(s, indent)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case attrs:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "%s  %s = %s\n", indent, k, hcl(v[k], indent+"  "))
		}
		b.WriteString(indent + "}")
		return b.String()
	default:
		return fmt.Sprint(v)
	}
}
