#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on private loopback ports, for tests and the benchmark.
#   scripts/services.sh start DIR   -> prints the environment to export
#   scripts/services.sh stop DIR
# Ports come from CLIC_PG_PORT / CLIC_REDIS_PORT (defaults 55432 / 56379).
set -euo pipefail
action=${1:?start or stop}
dir=$(realpath -m "${2:?a directory for the data}")
pg_port=${CLIC_PG_PORT:-55432}
redis_port=${CLIC_REDIS_PORT:-56379}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

as_postgres() {
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  mkdir -p "$dir"
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    rm -rf "$dir/pg"; mkdir -p "$dir/pg"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/pg"
    as_postgres "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log"
  fi
  as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1 || \
  as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --dir "$dir" \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qtc \
    "SELECT 1 FROM pg_database WHERE datname = 'clic'" | grep -q 1 \
    || as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres clic
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/clic"
  echo "CELERY_BROKER_URL=redis://127.0.0.1:$redis_port/0"
  ;;
stop)
  [ -f "$dir/pg/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$dir/pg" -m fast -w stop >/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
