#!/usr/bin/env bash
# make demo: builds the provider, starts the mock API on a free loopback port,
# and applies examples/demo with a CLI configuration of its own (dev_overrides),
# approving the release's token a few seconds in, as a person would.
set -euo pipefail
source "$(dirname "$0")/mock-env.sh"

release=release-0 # examples/demo waits on the token with this idempotency key

echo "demo: building the provider and the mock API"
build_binaries "$work/bin"
key="tr_dev_demo_$(date +%s)"
start_mock "$key" 40
echo "demo: mock Trigger.dev API at $api_url"
use_provider_from "$work/bin"
export TF_VAR_api_url="$api_url" TF_VAR_api_key="$key" TF_VAR_release="$release"

# json_string NAME: the first string member NAME of the JSON on stdin (the mock
# writes compact JSON; curl and grep are all the demo needs).
json_string() {
  grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d '"' -f 4
}

# The approver: finds the release's pending approval token as Terraform does,
# waits until Terraform is waiting on it, then completes it through its callback
# URL, as a person would. The URL is never printed: whoever holds it can
# complete the token.
approve() {
  local auth="Authorization: Bearer $key" id callback
  id=$(curl -gsf -H "$auth" "$api_url/api/v1/waitpoints/tokens?filter[idempotencyKey]=$release&filter[status]=WAITING&page[size]=1" | json_string id) ||
    true
  if [ -z "$id" ]; then
    echo "demo: the mock has no pending approval token for $release" >&2
    return 1
  fi
  # The mock logs one line per request: Terraform waits once it has read the token.
  for _ in $(seq 300); do
    grep -q "GET /api/v1/waitpoints/tokens/$id " "$mock_log" && break
    sleep 0.2
  done
  sleep 3
  callback=$(curl -sf -H "$auth" "$api_url/api/v1/waitpoints/tokens/$id" | json_string url) || true
  if [ -z "$callback" ] || ! curl -sf -X POST -H 'Content-Type: application/json' \
    -d '{"approved":true,"by":"alice"}' "$callback" >/dev/null; then
    echo "demo: could not complete $id through its callback URL" >&2
    return 1
  fi
  echo "demo: alice approved $id through its callback URL"
}
approve &
approver=$!

# A copy of the configuration, so that its state stays out of the work tree.
# With dev_overrides and only the built-in terraform_data besides, it needs no init.
cp -r examples/demo "$work/demo"
no_color=$([ -t 1 ] || echo -no-color)
echo "demo: $(basename "$tf") apply (it waits for the approval)"
if ! "$tf" -chdir="$work/demo" apply -auto-approve -input=false $no_color; then
  kill "$approver" 2>/dev/null || true
  exit 1
fi
wait "$approver"
