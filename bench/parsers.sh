#!/usr/bin/env bash
# The YAML parsers retort could read with, side by side on the files it
# reads most: a 1,000-revision chain of migration scripts and a 200-table
# schema file (both as bench/core.py and bench/autogen.py generate them).
# Prints each parser's best time of 5 and its peak RSS; asserts nothing.
#
# Needs: g++, pkg-config, libyaml-dev, libfyaml-dev, libyaml-cpp-dev.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/retort-bench-parsers.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
g++ -O2 -std=c++20 "$root/bench/parsers/compare.cpp" -o compare \
  $(pkg-config --cflags --libs yaml-0.1 libfyaml yaml-cpp)
python3 - "$root/bench" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
import autogen, core
os.makedirs("scripts")
for rev, down, ops, _ in core.chain(1000):
    with open(f"scripts/{rev}.yaml", "w") as f:
        f.write(f'revision: "{rev}"\ndown_revision: {"null" if down is None else repr(down)}\n'
                f"message: step {rev}\nupgrade:\n" + "\n".join(ops) + "\n")
autogen.write_schema("schema.yaml", False)
PY
for set in scripts schema; do
  files=(scripts/*.yaml); [ "$set" = schema ] && files=(schema.yaml)
  for parser in yaml-cpp libfyaml libyaml; do
    for mode in all stream; do
      best= peak=
      for _ in 1 2 3 4 5; do
        out=$({ /usr/bin/time -f "%M" ./compare "$parser" "$mode" "${files[@]}"; } 2>&1)
        ms=$(sed -n 's/.*files, \([0-9.]*\) ms.*/\1/p' <<<"$out")
        peak=$(tail -n 1 <<<"$out")
        best=$(python3 -c "print(min(float('$ms'), float('${best:-inf}')))")
      done
      printf '%-7s %-9s %-6s %7.1f ms  peak %6.1f MiB\n' "$set" "$parser" "$mode" "$best" \
        "$(python3 -c "print($peak / 1024)")"
    done
  done
done
