#!/usr/bin/env bash
# test-real.sh: the acceptance suite in its real-service mode, and the mock's
# differential and official-SDK tests, against a real Trigger.dev development
# environment (`make test-real`; see README.md, "Against the real Trigger.dev").
#
# With TRIGGERDEV_REAL_API_URL and TRIGGERDEV_REAL_SECRET_KEY set, it uses that
# environment and starts nothing. Without them, it builds the open-source
# server once from ../shared/realtd (setup.sh, about 10 minutes, into the
# per-user cache $REALTD, default ~/.cache/trigger.dev-real), boots it on
# 127.0.0.1, and stops it at the end if it was not running before.
#
# The acceptance tests that need the mock's own powers skip, naming the power;
# the run fails when fewer than MIN_SHARE percent of those the CLI can run ran.
set -euo pipefail
cd "$(dirname "$0")/.."

url=${TRIGGERDEV_REAL_API_URL:-}
key=${TRIGGERDEV_REAL_SECRET_KEY:-}
realtd=${REALTD_SCRIPTS:-../shared/realtd}
min_share=${MIN_SHARE:-80}
run=${RUN:-^TestAcc}  # the acceptance tests to run, a go test -run pattern
log=$(mktemp)
started=""
cleanup() {
  rm -f "$log"
  if [ -n "$started" ]; then bash "$realtd/stop.sh" >&2; fi
}
trap cleanup EXIT

if [ -n "$url" ] || [ -n "$key" ]; then
  if [ -z "$url" ] || [ -z "$key" ]; then
    echo "test-real: set both TRIGGERDEV_REAL_API_URL and TRIGGERDEV_REAL_SECRET_KEY, or neither" >&2
    exit 2
  fi
elif [ -f "$realtd/boot.sh" ]; then
  cache=${REALTD:-$HOME/.cache/trigger.dev-real}
  if [ ! -f "$cache/trigger.dev/apps/webapp/build/server.js" ]; then
    echo "test-real: building the Trigger.dev server into $cache (once; about 10 minutes)" >&2
    REALTD=$cache bash "$realtd/setup.sh" >&2
  fi
  # boot.sh runs Postgres as the postgres user, which must reach its data under
  # $REALTD: a home closed to others (root's is 700) keeps it out. The data then
  # lives in a directory of the run's own, which links to the build.
  export REALTD=$cache
  if [ "$(id -u)" = 0 ] && ! su postgres -s /bin/sh -c "test -x '$cache'" 2>/dev/null; then
    REALTD=${TMPDIR:-/tmp}/trigger.dev-real-$(id -un)
    mkdir -p "$REALTD"
    for part in trigger.dev tools fake-engines; do ln -sfn "$cache/$part" "$REALTD/$part"; done
  fi
  # Stop at the end only what this run started: a server already answering
  # belongs to someone else.
  if curl -s -o /dev/null -m 5 http://127.0.0.1:3030/; then
    echo "test-real: using the Trigger.dev server already running" >&2
  else
    started=yes
  fi
  ready=$(bash "$realtd/boot.sh" | grep '^ready: ')
  url=$(echo "$ready" | awk '{print $2}')
  key=$(echo "$ready" | awk '{print $4}')
else
  cat >&2 <<EOF
test-real: no Trigger.dev to test against. Either set
  TRIGGERDEV_REAL_API_URL     the API URL of a Trigger.dev development environment
  TRIGGERDEV_REAL_SECRET_KEY  its secret key (tr_dev_...)
or put the realtd scripts, which build and run the open-source server on
127.0.0.1, at $realtd (REALTD_SCRIPTS names another directory).
EOF
  exit 2
fi
export TRIGGERDEV_REAL_API_URL=$url TRIGGERDEV_REAL_SECRET_KEY=$key
echo "test-real: against $url" >&2

status=0
TF_ACC=1 go test ./internal/provider -run "$run" -count=1 -parallel 6 -timeout 30m -v >"$log" 2>&1 || status=$?
grep -E '^(--- FAIL|FAIL|ok|panic)' "$log" || true
# A failed test's own lines (go test -v interleaves the parallel tests').
[ "$status" = 0 ] || awk '
  /^=== (RUN|CONT|NAME|PAUSE)/ { cur = $3; next }
  /^ *--- (PASS|SKIP)/ { next }
  /^ *--- FAIL: / { failed[$3] = 1; next }
  { out[cur] = out[cur] $0 "\n" }
  END { for (n in failed) if (out[n] != "") printf "=== %s\n%s", n, out[n] }' "$log" | head -400

# The tally: top-level tests that ran, that skipped needing the mock (by the
# power needsMock named), and that skipped for the CLI (as they do on the mock).
# A test whose every case skipped counts as skipped.
awk -v min="$min_share" '
  /^=== (RUN|CONT|NAME|PAUSE)/ { cur = $3 }
  /needs the mock.s / { r = $0; sub(/.*needs the mock.s /, "", r); reason[cur] = r }
  /^--- (PASS|FAIL|SKIP): TestAcc/ { top[$3] = $2 }
  /^ +--- (PASS|FAIL|SKIP): TestAcc/ {
    t = $3; sub(/\/.*/, "", t); cases[t] = 1
    if ($2 != "SKIP:") caseRan[t] = 1
    else if ($3 in reason) { partly[$3] = reason[$3]; if (!(t in reason)) reason[t] = reason[$3] }
  }
  END {
    for (t in top) {
      if (top[t] != "SKIP:" && (!(t in cases) || (t in caseRan))) { ran++; continue }
      if (t in reason) { mock++; byReason[reason[t]] = byReason[reason[t]] " " t } else { cli++; cliNames = cliNames " " t }
    }
    share = (ran + mock) ? int(100 * ran / (ran + mock)) : 0
    printf "real-service mode: %d acceptance tests ran against the service, %d skipped needing the mock (%d%% ran), %d skipped for the CLI\n", ran, mock, share, cli
    for (r in byReason) printf "  needs the mock'\''s %s:%s\n", r, byReason[r]
    for (c in partly) { t = c; sub(/\/.*/, "", t); if (t in caseRan) printf "  ran in part (a case needs the mock'\''s %s): %s\n", partly[c], c }
    if (cli) printf "  skipped for the CLI:%s\n", cliNames
    if (share < min) { printf "test-real: under %d%% of the acceptance tests ran against the service\n", min; exit 1 }
  }' "$log" || status=1
[ "$status" = 0 ] || exit "$status"

# The mock against the service: the differential test and the official SDK
# (internal/mockapi; they skip without the variables set above).
go test ./internal/mockapi -run 'TestDifferential|TestOfficialSDK' -count=1 -v 2>&1 | grep -E '^(\s*--- |ok|FAIL|panic)'
