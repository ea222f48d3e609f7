#!/usr/bin/env bash
# Installs, builds, then runs the main job on SQLite: creates an example
# project (the checklist-templates backend), upgrades it to head and prints
# `current` and `history`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
retort="$PWD/build/retort"
demo=$(mktemp -d /tmp/retort-demo.XXXXXX)
cp -r examples/checklist_templates/. "$demo"
cd "$demo"
echo "== project in $demo"
"$retort" upgrade head
echo "== retort current"
"$retort" current
echo "== retort history"
"$retort" history
