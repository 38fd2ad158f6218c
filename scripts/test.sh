#!/usr/bin/env bash
# `make test`: throwaway PostgreSQL and Redis on free loopback ports, the whole suite, then stop them.
set -uo pipefail
cd "$(dirname "$0")/.."

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

work=$(mktemp -d /tmp/clic-test.XXXXXX)
chmod 755 "$work"
export CLIC_PG_PORT=$(free_port) CLIC_REDIS_PORT=$(free_port)
stop() { scripts/services.sh stop "$work"; rm -rf "$work"; }
trap stop EXIT

environment=$(scripts/services.sh start "$work") || { echo "Could not start PostgreSQL/Redis" >&2; exit 1; }
set -a; eval "$environment"; set +a
export DJANGO_SETTINGS_MODULE=clic.settings.test
export CLIC_TEST_DATABASE_NAME=test_clic

.venv/bin/python manage.py check --fail-level WARNING || exit 1
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models have changes without migrations." >&2; exit 1; }
.venv/bin/pytest "$@"
