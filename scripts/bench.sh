#!/usr/bin/env bash
# `make bench`: throwaway PostgreSQL and Redis, the benchmarks, figures to docs/benchmark.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

work=$(mktemp -d /tmp/clic-bench.XXXXXX)
chmod 755 "$work"
export CLIC_PG_PORT=$(free_port) CLIC_REDIS_PORT=$(free_port)
stop() { scripts/services.sh stop "$work"; rm -rf "$work"; }
trap stop EXIT

environment=$(scripts/services.sh start "$work") || { echo "Could not start PostgreSQL/Redis" >&2; exit 1; }
set -a; eval "$environment"; set +a
export DJANGO_SETTINGS_MODULE=clic.settings.test

mkdir -p docs
{
  echo "CLIC benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Machine: $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -m), Python $(.venv/bin/python -c 'import platform; print(platform.python_version())')"
  echo
  .venv/bin/python -m tests.mail.bench
} 2>&1 | tee docs/benchmark.txt
exit "${PIPESTATUS[0]}"
