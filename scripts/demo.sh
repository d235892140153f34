#!/usr/bin/env bash
# make demo: builds the provider, starts the mock API on a free loopback port,
# and applies examples/demo with a CLI configuration of its own (dev_overrides),
# approving the release's token a few seconds in, as a person would.
set -euo pipefail
source "$(dirname "$0")/mock-env.sh"

echo "demo: building the provider and the mock API"
build_binaries "$work/bin"
key="tr_dev_demo_$(date +%s)"
start_mock "$key" 40
echo "demo: mock Trigger.dev API at $api_url"
use_provider_from "$work/bin"
export TF_VAR_api_url="$api_url" TF_VAR_api_key="$key"

# The approver: finds the release's approval token by its idempotency key, as
# the demo does, and completes it through its callback URL (never printed: it is
# a secret).
approve() {
  sleep 3
  local list id token callback
  list=$(curl -gsf -H "Authorization: Bearer $key" "$api_url/api/v1/waitpoints/tokens?filter[idempotencyKey]=release-0&page[size]=1")
  id=$(sed -n 's/^{"data":\[{"id":"\([^"]*\)".*/\1/p' <<<"$list")
  token=$(curl -sf -H "Authorization: Bearer $key" "$api_url/api/v1/waitpoints/tokens/$id")
  callback=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' <<<"$token")
  curl -sf -X POST -H 'Content-Type: application/json' -d '{"approved":true,"by":"alice"}' "$callback" >/dev/null
  echo "demo: alice approved $id through its callback URL"
}
approve &

# A copy of the configuration, so that its state stays out of the work tree.
cp -r examples/demo "$work/demo"
echo "demo: $(basename "$tf") apply (it waits for the approval)"
"$tf" -chdir="$work/demo" apply -auto-approve -input=false
