#!/usr/bin/env bash
# Installs what retort needs to build, from Debian's archive, when it is
# missing (the test binary is built by default: GoogleTest, and yaml-cpp,
# whose output the YAML writer's tests compare with its own); with --tests,
# also what running the tests needs (a PostgreSQL server, clang with
# libFuzzer for the fuzz targets, and Debian's SQLAlchemy and Alembic, whose
# databases the tests compare with retort's).
# Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev sqlite3 libyaml-dev libyaml-cpp-dev libcli11-dev libfmt-dev
  libssl-dev nlohmann-json3-dev libtomlplusplus-dev libgtest-dev libpq-dev
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(postgresql postgresql-client clang libclang-rt-dev python3-sqlalchemy python3-psycopg2 python3-alembic)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
