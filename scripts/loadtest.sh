#!/usr/bin/env bash
# `make loadtest`: the service under production settings on loopback (gunicorn with 3
# workers, throwaway PostgreSQL and Redis, a Celery worker with beat, an SMTP sink), 50
# simulated people for 2 minutes (locust), then a check that every email made during the
# test reached the SMTP server exactly once. Figures to docs/loadtest.txt. Not part of
# `make test`. CLIC_LOADTEST_USERS and CLIC_LOADTEST_SECONDS change the load.
# With CLIC_LOADTEST_STEPS (`make loadtest-knee`: e.g. "25 50 100 150"), one run per number
# of people, stopping after the first whose p95 passes 250 ms or that has errors; the knee
# (loadtest/knee.py) to docs/loadtest-knee.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CLIC_THROWAWAY_SERVICES:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi

source scripts/free-port.sh

out=var/loadtest
rm -rf "$out"; mkdir -p "$out" docs
users=${CLIC_LOADTEST_USERS:-50}
steps=${CLIC_LOADTEST_STEPS:-}
seconds=${CLIC_LOADTEST_SECONDS:-120}
web_port=$(free_port)
export DJANGO_SETTINGS_MODULE=clic.settings.loadtest
export CACHE_URL="${CELERY_BROKER_URL%/*}/1"
export CLIC_LOADTEST_SMTP_PORT=$(free_port)
export CLIC_SITE_URL="http://127.0.0.1:$web_port"
export CLIC_MEDIA_ROOT="$PWD/$out/media" CLIC_LOADTEST_STATIC_ROOT="$PWD/$out/static"
mkdir -p "$CLIC_MEDIA_ROOT" "$CLIC_LOADTEST_STATIC_ROOT"
export CLIC_LOADTEST_PLAN="$out/plan.json" CLIC_LOADTEST_RESULTS="$out/locust.json"
export CLIC_LOADTEST_SECONDS=$seconds

export CLIC_LOADTEST_LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap stop EXIT
step() { echo "== $*"; }
fail() { echo "Load test failed: $*" >&2; exit 1; }

step "SMTP sink on 127.0.0.1:$CLIC_LOADTEST_SMTP_PORT"
.venv/bin/python loadtest/smtp_sink.py "$CLIC_LOADTEST_SMTP_PORT" "$out/sink.txt" >"$out/sink.log" 2>&1 &
pids+=($!)

step "Database: migrate, the demo, a second cohort of trainees"
.venv/bin/python manage.py migrate --noinput >"$out/migrate.log" 2>&1 || fail "migrate ($out/migrate.log)"
.venv/bin/python manage.py load_demo >"$out/demo.log" 2>&1 || fail "load_demo ($out/demo.log)"
# Enough trainees for the most people of any step (the PDs and CCG admin are 12 of them).
trainees=40
for count in $steps; do [ $((count - 12)) -gt $trainees ] && trainees=$((count - 12)); done
.venv/bin/python loadtest/prepare.py "$trainees" "$CLIC_LOADTEST_PLAN" || fail "prepare"

step "Celery worker with beat, gunicorn with 3 workers on 127.0.0.1:$web_port"
.venv/bin/celery -A clic worker -Q celery,outbox-sweep --beat --schedule "$out/beat-schedule" --loglevel=WARNING \
  >"$out/worker.log" 2>&1 &
pids+=($!)
export CLIC_LOADTEST_WORKER_PID=$!
# Each access log line ends in the microseconds the server spent on the request, so that
# the report can set the server's p95 beside the one locust saw.
export CLIC_LOADTEST_ACCESS_LOG="$out/access.log"
.venv/bin/gunicorn clic.wsgi:application --workers 3 --bind "127.0.0.1:$web_port" \
  --access-logfile "$CLIC_LOADTEST_ACCESS_LOG" --access-logformat '%(t)s "%(r)s" %(s)s %(D)s' \
  --error-logfile "$out/gunicorn.log" &
pids+=($!)
export CLIC_LOADTEST_WEB_PID=$!
# The throwaway PostgreSQL's postmaster (its backends are its children).
CLIC_LOADTEST_DB_PID=$(pgrep -f -- "postgres -D .* -p $CLIC_PG_PORT " | head -n 1)
export CLIC_LOADTEST_DB_PID
CLIC_LOADTEST_REDIS_PID=$(pgrep -f -- "redis-server 127.0.0.1:$CLIC_REDIS_PORT" | head -n 1)
export CLIC_LOADTEST_REDIS_PID
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null || fail "gunicorn did not answer /healthz"

run_locust() {  # PEOPLE RESULTS
  step "locust: $1 people, ${seconds}s after everyone has signed in"
  CLIC_LOADTEST_RESULTS=$2 .venv/bin/locust -f loadtest/locustfile.py --headless --users "$1" \
    --spawn-rate 10 --run-time "$((seconds + 300))s" --stop-timeout 10 \
    --host "http://127.0.0.1:$web_port" --only-summary --loglevel WARNING >"$out/locust-$1.log" 2>&1
  [ -s "$2" ] || fail "locust wrote no results ($out/locust-$1.log)"
}

if [ -n "$steps" ]; then
  for count in $steps; do
    run_locust "$count" "$out/step-$count.json"
    .venv/bin/python loadtest/knee.py --past-knee "$out/step-$count.json" && break
  done
  step "Every email made during the test at the SMTP server, exactly once"
  .venv/bin/python loadtest/verify.py "$CLIC_LOADTEST_PLAN" "$out/sink.txt" "$out/verify.json"
  verified=$?
  .venv/bin/python loadtest/knee.py "$out/verify.json" "$out"/step-*.json | tee docs/loadtest-knee.txt
  [ "$verified" = 0 ] || fail "emails lost or sent twice (see above)"
  exit 0
fi

run_locust "$users" "$CLIC_LOADTEST_RESULTS"

step "Every email made during the test at the SMTP server, exactly once"
.venv/bin/python loadtest/verify.py "$CLIC_LOADTEST_PLAN" "$out/sink.txt" "$out/verify.json"
verified=$?

.venv/bin/python loadtest/report.py "$CLIC_LOADTEST_RESULTS" "$out/verify.json" | tee docs/loadtest.txt
failures=$(.venv/bin/python -c "import json; r = json.load(open('$CLIC_LOADTEST_RESULTS')); print(r['failures'] + (r['login'] or {}).get('failures', 1))")
[ "$verified" = 0 ] || fail "emails lost or sent twice (see above)"
[ "$failures" = 0 ] || fail "$failures requests failed ($out/locust.log)"
echo "Load test passed. Logs in $out/."
