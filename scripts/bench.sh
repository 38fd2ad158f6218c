#!/usr/bin/env bash
# `make bench`: throwaway PostgreSQL and Redis, the benchmarks, figures to docs/benchmark.txt.
#   1. pages (python -m bench.pages): the demo's cohort, then a national dataset on top;
#   2. the SOP email engine (python -m bench.outbox): commit-to-SMTP latency, emails/s;
#   3. the fault drill (python -m bench.faults): worker killed, PostgreSQL and Redis stopped
#      mid-batch; duplicates and time to full delivery, to docs/faults.txt.
# Each builds its own throwaway database in the throwaway server. About 8 minutes.
# `scripts/bench.sh faults` runs the fault drill alone (about 3 minutes).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CLIC_THROWAWAY_SERVICES:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi

# As in production (docker-compose.yml): random reads costed as on SSD storage.
psql -qAt -h 127.0.0.1 -p "$CLIC_PG_PORT" -U postgres -d postgres \
  -c "ALTER SYSTEM SET random_page_cost = 1.1" -c "SELECT pg_reload_conf()" >/dev/null
export DJANGO_SETTINGS_MODULE=clic.settings.test
# Feeds and PDFs kept in Redis, as in production (a round trip and a copy each), not in
# the process's memory.
export CACHE_URL="${CELERY_BROKER_URL%/*}/1"

mkdir -p docs
started=$(date +%s)
exec 3>&2  # progress goes to the terminal; only the figures go to docs/benchmark.txt
if [ "${1:-}" != faults ]; then
{
  echo "CLIC benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -m), load average before the run $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "PostgreSQL 15 and Redis: throwaway servers on this machine (scripts/services.sh: fsync off), random_page_cost 1.1 as in docker-compose.yml"
  echo
  .venv/bin/python -m bench.pages 2>&3 || exit 1
  echo
  .venv/bin/python -m bench.outbox 2>&3 || exit 1
  echo
  echo "Whole run: $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s; load average after it $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee docs/benchmark.txt.new
status=${PIPESTATUS[0]}
[ "$status" = 0 ] && mv docs/benchmark.txt.new docs/benchmark.txt || rm -f docs/benchmark.txt.new
[ "$status" = 0 ] || exit "$status"
fi

# Last: it stops and starts the throwaway PostgreSQL and its own Redis.
{
  echo "CLIC fault drill, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load average before it $(cut -d' ' -f1-3 /proc/loadavg)"
  .venv/bin/python -m bench.faults 2>&3
} | tee docs/faults.txt.new
status=${PIPESTATUS[0]}
[ "$status" = 0 ] && mv docs/faults.txt.new docs/faults.txt || rm -f docs/faults.txt.new
exit "$status"
