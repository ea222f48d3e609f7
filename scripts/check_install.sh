#!/usr/bin/env bash
# Installs the build in BUILD_DIR into a scratch prefix and builds two
# consumers against it: examples/embedded_app through find_package(retort)
# (migrations compiled in), and a one-file program through pkg-config. Runs
# both. Used by the tests; exits non-zero on any failure.
#
#   bash scripts/check_install.sh BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
"$work/prefix/bin/retort" --version

cmake -S "$root/examples/embedded_app" -B "$work/app" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/app" >/dev/null
first="$("$work/app/notes_app" "$work/notes.db")"
again="$("$work/app/notes_app" "$work/notes.db")"
expected_first=$'migrated to 0001: notes\nmigrated to 0002: tags\nat 0002'
expected_again=$'up to date\nat 0002'
[ "$first" = "$expected_first" ] || { echo "first run printed: $first" >&2; exit 1; }
[ "$again" = "$expected_again" ] || { echo "second run printed: $again" >&2; exit 1; }

cat > "$work/pc.cpp" <<'CPP'
#include <iostream>
#include <retort/retort.h>
int main() { std::cout << retort::Version() << "\n"; }
CPP
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig:$work/prefix/lib/$(gcc -dumpmachine)/pkgconfig"
# shellcheck disable=SC2046
g++ -std=c++20 "$work/pc.cpp" -o "$work/pc" $(pkg-config --cflags --libs retort)
[ "$("$work/pc")" = "$("$work/prefix/bin/retort" --version | cut -d' ' -f2)" ] || {
  echo "pkg-config consumer printed the wrong version" >&2; exit 1; }
echo "install: ok (find_package consumer and pkg-config consumer)"
