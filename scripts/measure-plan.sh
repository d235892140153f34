#!/usr/bin/env bash
# Measures `plan` of a triggerdev_waitpoint_tokens data source listing N tokens
# from the mock API command: the CLI's wall time, and the provider process's own
# CPU time and peak memory (the provider runs under /usr/bin/time -v).
#
#   scripts/measure-plan.sh 2000 10000
set -euo pipefail
source "$(dirname "$0")/mock-env.sh"

build_binaries "$work/real"
mkdir -p "$work/bin" "$work/config"
cat >"$work/bin/terraform-provider-triggerdev" <<WRAPPER
#!/usr/bin/env bash
exec /usr/bin/time -v -o "$work/provider-time.\$\$" "$work/real/terraform-provider-triggerdev" "\$@"
WRAPPER
chmod +x "$work/bin/terraform-provider-triggerdev"
use_provider_from "$work/bin"
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
  start_mock "tr_dev_measure_$n" "$n"
  export TRIGGER_API_URL="$api_url" TRIGGER_SECRET_KEY="tr_dev_measure_$n"
  rm -f "$work"/provider-time.*
  start=$(date +%s.%N)
  "$tf" -chdir="$work/config" plan -input=false -no-color >"$work/plan.out" 2>&1
  end=$(date +%s.%N)
  listed=$(sed -n 's/.*listed *= *\([0-9]*\).*/\1/p' "$work/plan.out" | head -1)
  echo "tokens=$n listed=$listed plan_wall_s=$(awk "BEGIN { printf \"%.2f\", $end - $start }")"
  # One line per provider process the CLI started (it starts one for the schema, too).
  for f in "$work"/provider-time.*; do
    echo "  provider process: user_s=$(sed -n 's/.*User time (seconds): //p' "$f")" \
      "sys_s=$(sed -n 's/.*System time (seconds): //p' "$f")" \
      "max_rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$f")"
  done
  stop_mock
done
