#!/usr/bin/env bash
# Configures and builds retort (and its tests) into build/. Arguments go to
# setup.sh (--tests: also install what the tests need).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "$@"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
