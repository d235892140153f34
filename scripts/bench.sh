#!/usr/bin/env bash
# make bench: whole `plan` runs against the mock API command. Each case runs
# RUNS times (default 5), the cases alternating run by run, and a markdown
# table gives the medians: the plan's wall time, the provider processes' own
# CPU time (user + system, summed over every provider process the CLI starts)
# and peak memory, and the requests the mock received.
#
#   make bench                     # or: RUNS=9 TF=tofu@v1.12.6 scripts/bench.sh
#   CASES="token http" RUNS=21 scripts/bench.sh    # some cases only
#
# The single read is set beside hashicorp/http's data source reading one URL
# from the same loopback server. Its binary is HTTP_PROVIDER, or one built once
# from its repository at HTTP_VERSION into the per-user cache; without either,
# that case is left out.
set -euo pipefail
source "$(dirname "$0")/mock-env.sh"

runs=${RUNS:-5}
key=tr_dev_bench_key
http_version=${HTTP_VERSION:-v3.6.0}
command -v /usr/bin/time >/dev/null || { echo "bench needs /usr/bin/time (GNU time) to measure the provider processes" >&2; exit 1; }

# http_provider prints the path of hashicorp/http's provider binary, building it
# once from a clone when it is not cached; nothing when neither is possible.
http_provider() {
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-triggerdev/http-$http_version"
  if [ -n "${HTTP_PROVIDER:-}" ]; then
    echo "$HTTP_PROVIDER"
  elif [ -x "$cache/terraform-provider-http" ]; then
    echo "$cache/terraform-provider-http"
  elif git clone -q --depth 1 --branch "$http_version" https://github.com/hashicorp/terraform-provider-http "$work/http-src" 2>/dev/null &&
    (cd "$work/http-src" && GOFLAGS=-mod=mod go build -o "$cache/terraform-provider-http" .); then
    echo "$cache/terraform-provider-http"
  fi
}

# timed_provider DIR BINARY NAME: DIR/NAME runs BINARY under /usr/bin/time,
# which writes the process's CPU time and peak memory into $work/times.
timed_provider() {
  mkdir -p "$1" "$work/times"
  printf '#!/usr/bin/env bash\nexec /usr/bin/time -v -o "%s/times/%s.$$" "%s" "$@"\n' "$work" "$3" "$2" >"$1/$3"
  chmod +x "$1/$3"
}

build_binaries "$work/real"
timed_provider "$work/bin" "$work/real/terraform-provider-triggerdev" terraform-provider-triggerdev
overrides=()
http_bin=$(http_provider)
if [ -n "$http_bin" ]; then
  timed_provider "$work/httpbin" "$http_bin" terraform-provider-http
  overrides=("hashicorp/http=$work/httpbin")
else
  echo "hashicorp/http unavailable (set HTTP_PROVIDER): its case is left out" >&2
fi
use_provider_from "$work/bin" "${overrides[@]}"

# 200 completed tokens of known ids, for the single read and the outputs.
{
  echo '['
  for i in $(seq 0 199); do
    printf '%s{"id":"waitpoint_bench%03d","status":"COMPLETED","completedAt":"2026-01-05T10:00:00.000Z","tags":["bench"],' "$([ "$i" = 0 ] || echo ,)" "$i"
    printf '"output":"{\\"json\\":{\\"approved\\":true,\\"n\\":%d}}","outputType":"application/super+json"}\n' "$i"
  done
  echo ']'
} >"$work/fixtures.json"

declare -A url log args
cases=()
# add_case NAME URL LOG PLAN_ARGS CONFIG: a configuration to plan against a mock.
add_case() {
  [[ " ${CASES:-$1} " == *" $1 "* ]] && cases+=("$1")
  url[$1]=$2 log[$1]=$3 args[$1]=$4
  mkdir -p "$work/cases/$1"
  echo "$5" >"$work/cases/$1/main.tf"
}

# requires TYPE SOURCE: the terraform block of a configuration using one provider.
requires() { printf 'terraform {\n  required_providers {\n    %s = { source = "%s" }\n  }\n}\n' "$1" "$2"; }
triggerdev=$(requires triggerdev triggerdev-terraform/triggerdev)

start_mock "$key" 0 -fixtures "$work/fixtures.json"
add_case floor "$api_url" "$mock_log" "" "$triggerdev"
add_case token "$api_url" "$mock_log" "" "$triggerdev
data \"triggerdev_waitpoint_token\" \"one\" { id = \"waitpoint_bench000\" }"
if [ -n "$http_bin" ]; then
  add_case http "$api_url" "$mock_log" "" "$(requires http hashicorp/http)
data \"http\" \"one\" {
  url             = \"$api_url/api/v1/waitpoints/tokens/waitpoint_bench000\"
  request_headers = { Authorization = \"Bearer $key\" }
}"
fi
for n in 100 1000 10000; do
  start_mock "$key" "$n"
  add_case "tokens_$n" "$api_url" "$mock_log" "" "$triggerdev
data \"triggerdev_waitpoint_tokens\" \"all\" { max_items = 100000 }"
done
# Each on a mock of its own: 200 reads a run would empty one bucket in a few runs.
start_mock "$key" 0 -fixtures "$work/fixtures.json" -latency 20ms
add_case outputs_200 "$api_url" "$mock_log" "" "$triggerdev
data \"triggerdev_waitpoint_tokens\" \"all\" {
  max_items      = 200
  include_output = true
}"
start_mock "$key" 0 -fixtures "$work/fixtures.json" -latency 20ms
add_case sequential_200 "$api_url" "$mock_log" "-parallelism=1" "$triggerdev
data \"triggerdev_waitpoint_token\" \"each\" {
  for_each = toset([for i in range(200) : format(\"waitpoint_bench%03d\", i)])
  id       = each.value
}"

# run_case NAME: one plan, its figures appended to $work/results/NAME.
run_case() {
  local name=$1 before start end
  rm -f "$work"/times/*
  before=$(wc -l <"${log[$name]}")
  start=$(date +%s.%N)
  # shellcheck disable=SC2086 # the plan's extra arguments split on purpose
  if ! TRIGGER_API_URL=${url[$name]} TRIGGER_SECRET_KEY=$key "$tf" -chdir="$work/cases/$name" plan -input=false -no-color ${args[$name]} >"$work/plan.out" 2>&1; then
    echo "plan of $name failed:" >&2
    cat "$work/plan.out" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  tail -n +"$((before + 1))" "${log[$name]}" >"$work/requests"
  if grep -q ' 429 ' "$work/requests"; then
    echo "$name: the mock answered 429" >&2
    exit 1
  fi
  awk -v wall="$(awk "BEGIN { print $end - $start }")" -v requests="$(wc -l <"$work/requests")" '
    /User time|System time/ { cpu += $NF }
    /Maximum resident set size/ && $NF > rss { rss = $NF }
    END { printf "%.3f %.3f %.1f %d\n", wall, cpu, rss / 1024, requests }' "$work"/times/* >>"$work/results/$name"
}

mkdir -p "$work/results"
for run in $(seq "$runs"); do
  echo "run $run of $runs" >&2
  for name in "${cases[@]}"; do run_case "$name"; done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
column() { awk -v c="$2" '{ print $c }' "$work/results/$1" | median; }

echo "$("$tf" version | head -1), $(nproc) cores, $runs runs each, medians"
echo
echo "| case | plan wall s | provider CPU s | provider peak MiB | requests |"
echo "|---|---:|---:|---:|---:|"
for name in "${cases[@]}"; do
  echo "| $name | $(column "$name" 1) | $(column "$name" 2) | $(column "$name" 3) | $(column "$name" 4) |"
done
echo
ratio() { awk -v a="$(column "$1" 1)" -v b="$(column "$2" 1)" 'BEGIN { printf "%.2f", a / b }'; }
has() { [[ " ${cases[*]} " == *" $1 "* ]]; }
has token && has http && echo "single read: triggerdev_waitpoint_token / hashicorp/http plan wall = $(ratio token http)"
! { has outputs_200 && has sequential_200; } || echo "include_output over 200 tokens at 20 ms: $(ratio sequential_200 outputs_200)x faster than 200 reads one after another"
