#!/usr/bin/env bash
# Runs a command with throwaway PostgreSQL and Redis on free loopback ports, then stops them.
#   scripts/with-services.sh COMMAND [ARGS...]
# The command sees DATABASE_URL, CELERY_BROKER_URL, CLIC_PG_PORT, CLIC_REDIS_PORT and
# CLIC_THROWAWAY_SERVICES=1 (tests may restart these servers; never the developer's own).
set -uo pipefail
cd "$(dirname "$0")/.."

source scripts/free-port.sh

work=$(mktemp -d /tmp/clic-services.XXXXXX)
chmod 755 "$work"
export CLIC_PG_PORT=$(free_port) CLIC_REDIS_PORT=$(free_port) CLIC_THROWAWAY_SERVICES=1
stop() { scripts/services.sh stop "$work"; rm -rf "$work"; }
trap stop EXIT

environment=$(scripts/services.sh start "$work") || { echo "Could not start PostgreSQL/Redis" >&2; exit 1; }
set -a; eval "$environment"; set +a
"$@"
