#!/bin/bash
# Each layer sees only the headers of the layers below it (DESIGN: "Shape of
# the code"). For every layer, a file compiled with exactly the flags of
# one of its sources (build/compile_commands.json) includes one header of
# every layer: those below it (and its own) must compile, those above or
# beside it must fail because the header cannot be found.
set -euo pipefail
build=$(cd "$1" && pwd)
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT

# layer, one of its sources, the layers it may include (its own first).
layers=(
  "schema   src/schema/schema.cpp           schema"
  "format   src/format/file.cpp             format schema"
  "ops      src/ops/replay.cpp              ops schema"
  "script   src/script/script.cpp           script ops format schema"
  "dialect  src/dialect/dialect.cpp         dialect ops schema"
  "autogen  src/autogen/diff.cpp            autogen ops schema"
  "runtime  src/runtime/migrator.cpp        runtime script dialect autogen ops format schema"
)
declare -A header=(
  [schema]=schema/schema.h [format]=format/document.h [ops]=ops/operation.h [script]=script/script.h
  [dialect]=dialect/dialect.h [autogen]=autogen/diff.h [runtime]=runtime/migrator.h
  [cli]=cli/cli.h
)

failures=0
checked=0
for entry in "${layers[@]}"; do
  read -r layer source allowed <<<"$entry"
  command=$(/usr/bin/python3 - "$build/compile_commands.json" "$source" <<'PY'
import json, os, shlex, sys
entries = json.load(open(sys.argv[1]))
for e in entries:
    if e["file"].endswith("/" + sys.argv[2]):
        args = shlex.split(e["command"])
        out = []
        skip = False
        for a in args:
            if skip:
                skip = False
                continue
            if a in ("-o", "-c", "-MF", "-MT", "-MQ"):
                skip = True
                continue
            if a.startswith("-M") or a == e["file"]:
                continue
            out.append(a)
        print(e["directory"])
        print(shlex.join(out))
        break
else:
    sys.exit("no compile command for " + sys.argv[2])
PY
)
  dir=$(sed -n 1p <<<"$command")
  flags=$(sed -n 2p <<<"$command")
  for other in schema ops script dialect autogen runtime cli; do
    file="$probe_dir/${layer}_includes_${other}.cpp"
    echo "#include \"${header[$other]}\"" >"$file"
    set +e
    out=$(cd "$dir" && eval "$flags -fsyntax-only $file" 2>&1)
    rc=$?
    set -e
    checked=$((checked + 1))
    if [[ " $allowed " == *" $other "* ]]; then
      if [[ $rc -ne 0 ]]; then
        echo "FAIL: $layer must be able to include ${header[$other]}:"; echo "$out" | head -5
        failures=$((failures + 1))
      fi
    else
      if [[ $rc -eq 0 ]]; then
        echo "FAIL: $layer includes ${header[$other]}, a layer it must not see"
        failures=$((failures + 1))
      elif ! grep -q "${header[$other]}: No such file or directory" <<<"$out"; then
        echo "FAIL: $layer including ${header[$other]} failed for another reason:"; echo "$out" | head -5
        failures=$((failures + 1))
      fi
    fi
  done
done
echo "$checked includes checked, $failures wrong"
[[ $failures -eq 0 ]]
