# Sourced by demo.sh and bench.sh: a temporary work folder, the CLI, the
# mock API command started on a free loopback port, and a CLI configuration of
# their own whose dev_overrides point the provider's address at a folder.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tf=$(./scripts/terraform-cli.sh "${TF:-}")
work=$(mktemp -d)
mock_pids=()

stop_mock() {
  local pid
  for pid in "${mock_pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  mock_pids=()
  return 0
}
trap 'stop_mock; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# build_binaries DIR: the provider into DIR, the mock API command into $work.
build_binaries() {
  go build -o "$1/terraform-provider-triggerdev" .
  go build -o "$work/mockapi" ./internal/cmd/mockapi
}

# start_mock KEY TOKENS [FLAG...]: serves TOKENS seeded tokens (or what the
# flags say) and sets api_url, and mock_log to the file of its request log,
# one line per request. Several may run at once; stop_mock stops them all.
start_mock() {
  local key=$1 tokens=$2 out
  shift 2
  out=$(mktemp "$work/mock.XXXX")
  "$work/mockapi" -listen 127.0.0.1:0 -api-key "$key" -tokens "$tokens" "$@" >"$out" 2>"$out.log" &
  mock_pids+=($!)
  for _ in $(seq 100); do
    grep -q '^ready: ' "$out" 2>/dev/null && break
    sleep 0.1
  done
  api_url=$(sed -n 's/^ready: //p' "$out")
  mock_log="$out.log"
  [ -n "$api_url" ] || { echo "the mock API did not start:" >&2; cat "$out.log" >&2; return 1; }
}

# use_provider_from DIR [NAMESPACE/TYPE=DIR...]: a CLI configuration whose
# dev_overrides serve the provider from DIR (and each other provider from its
# DIR), selected through TF_CLI_CONFIG_FILE (never the user's).
use_provider_from() {
  local host=registry.terraform.io override
  case "$(basename "$tf")" in tofu*) host=registry.opentofu.org ;; esac
  {
    printf 'provider_installation {\n  dev_overrides {\n'
    for override in "triggerdev-terraform/triggerdev=$1" "${@:2}"; do
      printf '    "%s/%s" = "%s"\n' "$host" "${override%%=*}" "${override#*=}"
    done
    printf '  }\n  direct {}\n}\n'
  } >"$work/cli.tfrc"
  export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
}
