#!/usr/bin/env bash
# `make test`: the whole suite (or pytest's arguments) on throwaway PostgreSQL and Redis.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CLIC_THROWAWAY_SERVICES:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi
export DJANGO_SETTINGS_MODULE=clic.settings.test CLIC_TEST_DATABASE_NAME=test_clic

.venv/bin/python manage.py check --fail-level WARNING || exit 1
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models have changes without migrations." >&2; exit 1; }
.venv/bin/pytest "$@"
