package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

const runDataAddress = "data.triggerdev_run.test"

func runDataConfig(url, id, extra string) string {
	return providerBlock(url) + fmt.Sprintf(`
data "triggerdev_run" "test" {
  id = %q
  %s
}
`, id, extra)
}

// triggerRun triggers task on the target as a backend would, with key and tags.
func triggerRun(t *testing.T, url, task, key string, tags ...string) string {
	t.Helper()
	c, err := client.New(client.Config{APIKey: testAPIKey, BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	triggered, err := c.TriggerTask(context.Background(), task, client.TriggerRequest{IdempotencyKey: key, Tags: tags, Payload: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	return triggered.ID
}

// largeOutput is a task's return value past the 512 KiB the service keeps inline.
var largeOutput = `{"report":"` + strings.Repeat("x", 600<<10) + `"}`

// TestAccRunDataSource_everyAttribute reads an ended run, a failed one, a
// queued one, one whose output is stored apart, and one that does not exist.
func TestAccRunDataSource_everyAttribute(t *testing.T) {
	t.Parallel()
	t.Run("ended runs", func(t *testing.T) {
		t.Parallel()
		needsMock(t, endsRun)
		mock, url := startTarget(t, func(o *mockapi.Options) {
			o.Tasks = map[string]mockapi.TaskFixture{"failing": {Outcome: "FAILED", Error: &mockapi.RunError{Message: "2 of 3 checks failed"}}}
		})
		done := triggerRun(t, url, "smoke-test", "release-1", "release:1", "deploy")
		if err := mock.mock.EndRun(done, "COMPLETED", []byte(`{"passed":true,"checks":[1,2]}`), nil); err != nil {
			t.Fatal(err)
		}
		failed := triggerRun(t, url, "failing", "")
		large := triggerRun(t, url, "smoke-test", "")
		ended, _ := mock.Run(done)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: runDataConfig(url, done, ""),
					ConfigStateChecks: []statecheck.StateCheck{
						attrCheckAt(runDataAddress, "task", knownvalue.StringExact("smoke-test")),
						attrCheckAt(runDataAddress, "status", knownvalue.StringExact("COMPLETED")),
						attrCheckAt(runDataAddress, "output_json", knownvalue.StringExact(`{"passed":true,"checks":[1,2]}`)),
						attrCheckAt(runDataAddress, "error", knownvalue.Null()),
						attrCheckAt(runDataAddress, "tags", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("deploy"), knownvalue.StringExact("release:1")})),
						attrCheckAt(runDataAddress, "idempotency_key", knownvalue.StringExact("release-1")),
						attrCheckAt(runDataAddress, "created_at", timeCheck(&ended.CreatedAt)),
						attrCheckAt(runDataAddress, "started_at", timeCheck(ended.StartedAt)),
						attrCheckAt(runDataAddress, "finished_at", timeCheck(ended.FinishedAt)),
						attrCheckAt(runDataAddress, "attempts", knownvalue.Int64Exact(1)),
					},
				},
				{
					// The service polls the failing task's run to its end: the first retrieve sees it.
					Config: runDataConfig(url, failed, ""),
					ConfigStateChecks: []statecheck.StateCheck{
						attrCheckAt(runDataAddress, "status", knownvalue.StringExact("FAILED")),
						attrCheckAt(runDataAddress, "error", knownvalue.StringExact("2 of 3 checks failed")),
						attrCheckAt(runDataAddress, "output_json", knownvalue.Null()),
						attrCheckAt(runDataAddress, "idempotency_key", knownvalue.StringRegexp(regexp.MustCompile(`^terraform-[0-9a-f]{32}$`))),
					},
				},
				{
					// An output of 512 KiB or more is stored apart and fetched.
					PreConfig: func() {
						if err := mock.mock.EndRun(large, "COMPLETED", []byte(largeOutput), nil); err != nil {
							t.Fatal(err)
						}
					},
					Config:            runDataConfig(url, large, ""),
					ConfigStateChecks: []statecheck.StateCheck{attrCheckAt(runDataAddress, "output_json", knownvalue.StringExact(largeOutput))},
					Check: func(*terraform.State) error {
						if !slices.ContainsFunc(mock.Requests(), func(r mockapi.Request) bool { return strings.HasPrefix(r.Path, "/storage/") }) {
							return fmt.Errorf("the output was not fetched from storage: the step proves nothing")
						}
						return nil
					},
				},
			},
		})
	})
	t.Run("a queued run, and none", func(t *testing.T) {
		t.Parallel()
		mock, url := startTarget(t)
		queued := triggerRun(t, url, mock.name("smoke-test"), "")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config: runDataConfig(url, queued, ""),
					ConfigStateChecks: []statecheck.StateCheck{
						attrCheckAt(runDataAddress, "task", knownvalue.StringExact(mock.name("smoke-test"))),
						attrCheckAt(runDataAddress, "status", knownvalue.StringExact("QUEUED")),
						attrCheckAt(runDataAddress, "output_json", knownvalue.Null()),
						attrCheckAt(runDataAddress, "error", knownvalue.Null()),
						attrCheckAt(runDataAddress, "started_at", knownvalue.Null()),
						attrCheckAt(runDataAddress, "finished_at", knownvalue.Null()),
						attrCheckAt(runDataAddress, "attempts", knownvalue.Int64Exact(0)),
						attrCheckAt(runDataAddress, "tags", knownvalue.ListExact(nil)),
					},
				},
				{
					Config:      runDataConfig(url, "run_doesnotexist", ""),
					ExpectError: wrappedText(`No run "run_doesnotexist" exists in the environment of the API key`),
				},
			},
		})
	})
}

// TestAccRunDataSource_wait: a read with `wait` waits for the run to end,
// which the control API makes it do once polled; a wait that times out says
// that the run goes on, and leaves it going on.
func TestAccRunDataSource_wait(t *testing.T) {
	t.Parallel()
	t.Run("ends while waiting", func(t *testing.T) {
		t.Parallel()
		needsMock(t, endsRun)
		mock, url := startTarget(t)
		id := triggerRun(t, url, "smoke-test", "")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				PreConfig: func() {
					go whenPolled(t, mock, id, func() error { return mock.mock.EndRun(id, "COMPLETED", []byte(`{"passed":true}`), nil) })
				},
				Config: runDataConfig(url, id, `wait = { interval = "1s" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					attrCheckAt(runDataAddress, "status", knownvalue.StringExact("COMPLETED")),
					attrCheckAt(runDataAddress, "output_json", knownvalue.StringExact(`{"passed":true}`)),
				},
			}},
		})
	})
	t.Run("times out", func(t *testing.T) {
		t.Parallel()
		mock, url := startTarget(t)
		id := triggerRun(t, url, mock.name("smoke-test"), "")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      runDataConfig(url, id, `wait = { timeout = "1s", statuses = ["COMPLETED"] }`),
				ExpectError: wrappedTexts("timed out after 1s waiting for run", "its last status was QUEUED", "The run was not cancelled"),
			}},
		})
		if run, _ := mock.Run(id); run.Status != "QUEUED" {
			t.Fatalf("the run is %s after the wait timed out, want QUEUED: a wait never cancels", run.Status)
		}
	})
	t.Run("ends in an unwanted status", func(t *testing.T) {
		t.Parallel()
		mock, url := startTarget(t)
		id := triggerRun(t, url, mock.name("smoke-test"), "")
		if err := mock.CancelRun(id); err != nil {
			t.Fatal(err)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      runDataConfig(url, id, `wait = { statuses = ["COMPLETED"] }`),
				ExpectError: wrappedText(fmt.Sprintf(`run %q is CANCELED (error: "Canceled by user") and can no longer become COMPLETED`, id)),
			}},
		})
		if n := len(served(mock.Requests())); n != 2 { // the trigger, one retrieve
			t.Fatalf("%d requests: an ended run is known at the first poll", n)
		}
	})
}
