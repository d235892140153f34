#!/usr/bin/env bash
# Measures `plan` of a triggerdev_waitpoint_tokens data source listing N tokens
# from the mock API command: the CLI's wall time, and the provider process's own
# CPU time and peak memory (the provider runs under /usr/bin/time -v).
#
#   scripts/measure-plan.sh 2000 10000
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

go build -o "$work/real/terraform-provider-triggerdev" .
go build -o "$work/mockapi" ./internal/cmd/mockapi
mkdir -p "$work/bin" "$work/config"
cat >"$work/bin/terraform-provider-triggerdev" <<WRAPPER
#!/usr/bin/env bash
exec /usr/bin/time -v -o "$work/provider-time.\$\$" "$work/real/terraform-provider-triggerdev" "\$@"
WRAPPER
chmod +x "$work/bin/terraform-provider-triggerdev"
host=registry.terraform.io
case "$(basename "$tf")" in tofu*) host=registry.opentofu.org ;; esac
printf 'provider_installation {\n  dev_overrides {\n    "%s/triggerdev-terraform/triggerdev" = "%s"\n  }\n  direct {}\n}\n' "$host" "$work/bin" >"$work/cli.tfrc"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
cat >"$work/config/main.tf" <<'CONFIG'
terraform {
  required_providers {
    triggerdev = { source = "triggerdev-terraform/triggerdev" }
  }
}
data "triggerdev_waitpoint_tokens" "all" {
  max_items = 100000
}
output "listed" {
  value = length(data.triggerdev_waitpoint_tokens.all.ids)
}
CONFIG

for n in "$@"; do
  key="tr_dev_measure_$n"
  "$work/mockapi" -listen 127.0.0.1:0 -api-key "$key" -tokens "$n" >"$work/mock.out" 2>/dev/null &
  mock_pid=$!
  until grep -q '^ready: ' "$work/mock.out" 2>/dev/null; do sleep 0.1; done
  export TRIGGER_API_URL=$(sed -n 's/^ready: //p' "$work/mock.out") TRIGGER_SECRET_KEY=$key
  rm -f "$work"/provider-time.*
  start=$(date +%s.%N)
  "$tf" -chdir="$work/config" plan -input=false -no-color >"$work/plan.out" 2>&1
  end=$(date +%s.%N)
  listed=$(sed -n 's/.*listed *= *\([0-9]*\).*/\1/p' "$work/plan.out" | head -1)
  echo "tokens=$n listed=$listed plan_wall_s=$(awk "BEGIN { printf \"%.2f\", $end - $start }")"
  for f in "$work"/provider-time.*; do
    user=$(sed -n 's/.*User time (seconds): //p' "$f")
    sys=$(sed -n 's/.*System time (seconds): //p' "$f")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$f")
    echo "  provider process: user_s=$user sys_s=$sys max_rss_kb=$rss"
  done
  kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=
done
