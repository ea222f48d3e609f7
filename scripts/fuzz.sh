#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default: every target)
# Installs what is missing, builds the fuzz targets (fuzz/) into build-fuzz/
# with clang, libFuzzer and the address and undefined-behaviour sanitizers,
# then runs each for SECONDS (default 30) from a scratch copy of its seed
# corpus, so that fuzz/corpus/ does not grow. Fails on any crash, hang, leak
# or sanitizer report, printing the command that reproduces it; the input is
# kept in build-fuzz/crashes/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
targets=(schema_yaml_fuzz script_yaml_fuzz url_fuzz target_fuzz config_fuzz alembic_fuzz)
if (($# > 1)); then targets=("${@:2}"); fi

bash scripts/setup.sh --tests
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DRETORT_FUZZ=ON -DRETORT_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

# ASan keeps the stack of every allocation it sees, and the YAML parsers'
# recursion shows it new ones all the time: with 30 frames (its default) or
# even 5, memory grows towards libFuzzer's 2 GB limit within the hour; with 2
# it stays flat (about 500 MB). A crash's own stack is whole either way, and
# the reproducer, run alone, reports full allocation stacks too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-malloc_context_size=2}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=()
for target in "${targets[@]}"; do
  name="${target%_fuzz}"
  dict="fuzz/$name.dict"
  [ -f "$dict" ] || dict=fuzz/yaml.dict
  crashes="build-fuzz/crashes/$name"
  mkdir -p "$crashes"
  cp -r "fuzz/corpus/$name" "$scratch/$name"
  log="$scratch/$name.log"
  if "build-fuzz/$target" -max_total_time="$seconds" -timeout=10 -dict="$dict" \
      -artifact_prefix="$crashes/" "$scratch/$name" >"$log" 2>&1; then
    echo "fuzz: $target: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" || true)"
  else
    tail -n 60 "$log"
    failed+=("$target")
    sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | while read -r input; do
      echo "fuzz: $target failed; reproduce with: build-fuzz/$target $input"
    done
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
