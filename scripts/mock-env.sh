# Sourced by demo.sh and measure-plan.sh: a temporary work folder, the CLI, the
# mock API command started on a free loopback port, and a CLI configuration of
# their own whose dev_overrides point the provider's address at a folder.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tf=$(./scripts/terraform-cli.sh "${TF:-}")
work=$(mktemp -d)
mock_pid=

stop_mock() {
  if [ -n "$mock_pid" ]; then
    kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
    mock_pid=
  fi
  return 0
}
trap 'stop_mock; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# build_binaries DIR: the provider into DIR, the mock API command into $work.
build_binaries() {
  go build -o "$1/terraform-provider-triggerdev" .
  go build -o "$work/mockapi" ./internal/cmd/mockapi
}

# start_mock KEY TOKENS: serves TOKENS seeded tokens and sets api_url.
start_mock() {
  "$work/mockapi" -listen 127.0.0.1:0 -api-key "$1" -tokens "$2" >"$work/mock.out" 2>"$work/mock.log" &
  mock_pid=$!
  for _ in $(seq 100); do
    grep -q '^ready: ' "$work/mock.out" 2>/dev/null && break
    sleep 0.1
  done
  api_url=$(sed -n 's/^ready: //p' "$work/mock.out")
  [ -n "$api_url" ] || { echo "the mock API did not start:" >&2; cat "$work/mock.log" >&2; return 1; }
}

# use_provider_from DIR: a CLI configuration whose dev_overrides serve the
# provider from DIR, selected through TF_CLI_CONFIG_FILE (never the user's).
use_provider_from() {
  local host=registry.terraform.io
  case "$(basename "$tf")" in tofu*) host=registry.opentofu.org ;; esac
  printf 'provider_installation {\n  dev_overrides {\n    "%s/triggerdev-terraform/triggerdev" = "%s"\n  }\n  direct {}\n}\n' \
    "$host" "$1" >"$work/cli.tfrc"
  export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
}
