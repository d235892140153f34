package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/client"
	"github.com/triggerdev-terraform/terraform-provider-triggerdev/internal/mockapi"
)

// listedByKey reports whether the mock answered a list of tokens by key.
func listedByKey(key string) func([]mockapi.Request) bool {
	return func(rs []mockapi.Request) bool {
		return slices.ContainsFunc(rs, func(r mockapi.Request) bool { return r.Query.Get("filter[idempotencyKey]") == key })
	}
}

// createdByTask is a task that creates its token with key once the provider
// already looks for it (the mock answered a list by key), through the mock's
// create endpoint as the SDK's wait.createToken does, and completes it. The
// token's id goes to created.
func createdByTask(t *testing.T, mock *target, url, key string, created chan<- string) {
	ctx, cancel := context.WithTimeout(context.Background(), hangBound)
	defer cancel()
	defer close(created)
	if err := mock.WaitForRequests(ctx, listedByKey(key)); err != nil {
		t.Errorf("the provider never looked for the key: %v", err)
		return
	}
	c, err := client.New(client.Config{APIKey: testAPIKey, BaseURL: url})
	if err != nil {
		t.Error(err)
		return
	}
	tok, err := c.CreateToken(ctx, client.CreateTokenParams{IdempotencyKey: key})
	if err == nil {
		err = mock.Complete(tok.ID, []byte(`{"approved":true}`))
	}
	if err != nil {
		t.Errorf("the task creating its token: %v", err)
		return
	}
	created <- tok.ID
}

// TestAccWaitForWaitpointTokenAction_byKeyNotCreatedYet: the action waits for
// a token that no task has created yet, then for its approval.
func TestAccWaitForWaitpointTokenAction_byKeyNotCreatedYet(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	key := mock.name("release-42")
	created := make(chan string, 1)
	actionTestCase(t, resource.TestStep{
		PreConfig: func() { go createdByTask(t, mock, url, key, created) },
		Config: providerBlock(url) + fmt.Sprintf(`
action "triggerdev_wait_for_waitpoint_token" "approval" {
  config {
    idempotency_key = %[1]q
    output_contains = jsonencode({ approved = true })
    interval        = "1s"
  }
}

resource "terraform_data" "rollout" {
  input = %[1]q
  lifecycle {
    action_trigger {
      events  = [before_create]
      actions = [action.triggerdev_wait_for_waitpoint_token.approval]
    }
  }
}
`, key),
		ConfigStateChecks: rolloutCreated(key),
		Check:             func(*terraform.State) error { return checkCreatedFirst(<-created) },
	})
}

// checkCreatedFirst fails when the task never created the token: the apply
// then succeeded without waiting for it.
func checkCreatedFirst(id string) error {
	if id == "" {
		return fmt.Errorf("the apply succeeded, but the task never created its token")
	}
	return nil
}

// TestAccWaitpointTokenDataSource_byKeyNotCreatedYet: the data source's wait
// does the same, and reads the token it found by key.
func TestAccWaitpointTokenDataSource_byKeyNotCreatedYet(t *testing.T) {
	t.Parallel()
	mock, url := startTarget(t)
	key := mock.name("release-42")
	created := make(chan string, 1)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { go createdByTask(t, mock, url, key, created) },
			Config: providerBlock(url) + fmt.Sprintf(`
data "triggerdev_waitpoint_token" "test" {
  idempotency_key = %q
  wait = {
    interval = "1s"
  }
}
`, key),
			ConfigStateChecks: []statecheck.StateCheck{
				attrCheck("status", knownvalue.StringExact("COMPLETED")),
				attrCheck("idempotency_key", knownvalue.StringExact(key)),
				attrCheck("output_json", knownvalue.StringExact(`{"approved":true}`)),
			},
			Check: func(s *terraform.State) error {
				id = <-created
				if got := s.RootModule().Resources[tokenAddress].Primary.Attributes["id"]; got != id {
					return fmt.Errorf("read token %q, want the one the task created, %q", got, id)
				}
				return checkCreatedFirst(id)
			},
		}},
	})
}

// TestAccWaitpointTokenDataSource_byKeyExpired: a key that only an older
// token's expired key matches (filter[idempotencyKey] also matches expired
// keys) names no token, and once a newer token holds it, that token.
func TestAccWaitpointTokenDataSource_byKeyExpired(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		newer bool
	}{{"only an expired key", false}, {"a newer token took the key", true}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mock, url := startTarget(t)
			key := mock.name("release-7")
			older := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: key, IdempotencyKeyTTL: time.Minute, CreatedAt: time.Now().Add(-time.Hour)})
			step := resource.TestStep{Config: providerBlock(url) + fmt.Sprintf(`
data "triggerdev_waitpoint_token" "test" {
  idempotency_key = %q
}
`, key)}
			if tc.newer {
				newer := mock.CreateToken(mockapi.TokenSpec{IdempotencyKey: key})
				step.ConfigStateChecks = []statecheck.StateCheck{attrCheck("id", knownvalue.StringExact(newer.ID))}
			} else {
				step.ExpectError = regexp.MustCompile(`(?s)` + wrappedText(fmt.Sprintf(`No waitpoint token holds the idempotency key %q`, key)).String() + `.*` +
					wrappedText("Wait for the token to be created with the `wait` setting").String() + `.*` + wrappedText(environmentHint(tokenGate.short)[:40]).String())
			}
			if listed := listedIDs(t, url, key); !slices.Contains(listed, older.ID) {
				t.Fatalf("the list by key shows %v, not the older token %s: the test proves nothing", listed, older.ID)
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: []resource.TestStep{step}})
		})
	}
}

// listedIDs lists the tokens filter[idempotencyKey] matches.
func listedIDs(t *testing.T, url, key string) []string {
	t.Helper()
	c, err := client.New(client.Config{APIKey: testAPIKey, BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for tok, err := range c.ListTokens(context.Background(), client.ListParams{IdempotencyKey: key}).All() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tok.ID)
	}
	return ids
}
