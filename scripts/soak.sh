#!/usr/bin/env bash
# The crash soak, long: kills `retort upgrade`/`downgrade` with SIGKILL at
# random moments TRIALS times (default 1000) and checks after each kill that
# the database is at exactly one revision (`retort verify` clean). SQLite
# always; PostgreSQL too with --postgresql (a throwaway server is started
# and stopped). Prints the figures. CI runs a short version in the tests.
#
#   bash scripts/soak.sh [TRIALS] [--postgresql]
set -euo pipefail
cd "$(dirname "$0")/.."
trials=1000
postgresql=false
for arg in "$@"; do
  case "$arg" in
    --postgresql) postgresql=true ;;
    *) trials="$arg" ;;
  esac
done
bash scripts/build.sh --tests >/dev/null
filter='*CrashSoak*sqlite*'
if $postgresql; then
  eval "$(bash scripts/pg.sh start)"
  trap 'bash scripts/pg.sh stop "$RETORT_PG_DIR"' EXIT
  filter='*CrashSoak*'
fi
start=$(date +%s)
RETORT_SOAK_TRIALS="$trials" ./build/tests/retort_tests --gtest_filter="$filter" | grep -E '^\[soak\]|OK|FAILED|Failure|trial' 
echo "soak: $trials trials per dialect in $(( $(date +%s) - start )) s"
