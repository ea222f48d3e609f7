#!/usr/bin/env bash
# Installs, builds and runs every test, on SQLite and on a throwaway
# PostgreSQL server that this script starts on 127.0.0.1 and stops again,
# also when tests fail; then runs each fuzz target for a few seconds
# (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh --tests
eval "$(bash scripts/pg.sh start)"
trap 'bash scripts/pg.sh stop "$RETORT_PG_DIR"' EXIT
ctest --test-dir build --output-on-failure -j"$(nproc)"
bash scripts/fuzz.sh 15
