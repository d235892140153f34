#!/usr/bin/env bash
# make demo: builds the provider, starts the mock API on a free loopback port,
# and applies examples/demo with a CLI configuration of its own (dev_overrides),
# approving the pending token a few seconds in, as a person would.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tf=$(./scripts/terraform-cli.sh)
work=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "demo: building the provider and the mock API"
go build -o "$work/bin/terraform-provider-triggerdev" .
go build -o "$work/mockapi" ./internal/cmd/mockapi

key="tr_dev_demo_$(date +%s)"
"$work/mockapi" -listen 127.0.0.1:0 -api-key "$key" -tokens 40 >"$work/mock.out" 2>"$work/mock.log" &
mock_pid=$!
for _ in $(seq 100); do
  grep -q '^ready: ' "$work/mock.out" 2>/dev/null && break
  sleep 0.1
done
api_url=$(sed -n 's/^ready: //p' "$work/mock.out")
[ -n "$api_url" ] || { echo "demo: the mock API did not start" >&2; cat "$work/mock.log" >&2; exit 1; }
echo "demo: mock Trigger.dev API at $api_url"

host=registry.terraform.io
case "$(basename "$tf")" in tofu*) host=registry.opentofu.org ;; esac
cat >"$work/cli.tfrc" <<CONFIG
provider_installation {
  dev_overrides {
    "$host/triggerdev-terraform/triggerdev" = "$work/bin"
  }
  direct {}
}
CONFIG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_VAR_api_url="$api_url" TF_VAR_api_key="$key"

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
