#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1, for the tests and for
# development.
#
#   eval "$(bash scripts/pg.sh start)"    # exports RETORT_TEST_PG_URL and RETORT_PG_DIR
#   bash scripts/pg.sh stop "$RETORT_PG_DIR"
#
# The server runs as a non-root user (PostgreSQL refuses root): as root, the
# system user retort_pg is created for it; otherwise, as the caller. Its data
# lives in a temporary folder that `stop` removes. Password authentication
# (role retort, password retort) over TCP; database retort_test.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg.sh: no PostgreSQL server installed (apt-get install postgresql)" >&2; exit 1; }

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u retort_pg -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for port in $(seq 55432 55999); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "pg.sh: no free port" >&2
  exit 1
}

start() {
  if [ "$(id -u)" -eq 0 ] && ! id -u retort_pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin retort_pg
  fi
  local dir port
  dir=$(mktemp -d /tmp/retort-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown retort_pg "$dir"
  port=$(free_port)
  echo retort > "$dir/pwfile"
  [ "$(id -u)" -eq 0 ] && chown retort_pg "$dir/pwfile"
  as_server "$bin/initdb" -D "$dir/data" -U retort --pwfile="$dir/pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  PGPASSWORD=retort "$bin/psql" -q -h 127.0.0.1 -p "$port" -U retort -d postgres \
    -c "CREATE DATABASE retort_test" >/dev/null
  echo "export RETORT_PG_DIR=$dir"
  echo "export RETORT_TEST_PG_URL=postgresql://retort:retort@127.0.0.1:$port/retort_test"
}

stop() {
  local dir=${1:-${RETORT_PG_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "pg.sh: no server folder given" >&2; exit 1; }
  as_server "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: pg.sh start | stop DIR" >&2; exit 2 ;;
esac
