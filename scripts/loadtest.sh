#!/usr/bin/env bash
# `make loadtest`: the service under production settings on loopback (gunicorn with 3
# workers, throwaway PostgreSQL and Redis, a Celery worker with beat, an SMTP sink), 50
# simulated people for 2 minutes (locust), then a check that every email made during the
# test reached the SMTP server exactly once. Figures to docs/loadtest.txt. Not part of
# `make test`. CLIC_LOADTEST_USERS and CLIC_LOADTEST_SECONDS change the load.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CLIC_THROWAWAY_SERVICES:-}" ]; then
  exec scripts/with-services.sh "$0" "$@"
fi

source scripts/free-port.sh

out=var/loadtest
rm -rf "$out"; mkdir -p "$out" docs
users=${CLIC_LOADTEST_USERS:-50}
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

step "Database: migrate, the demo, a second cohort of 40 trainees"
.venv/bin/python manage.py migrate --noinput >"$out/migrate.log" 2>&1 || fail "migrate ($out/migrate.log)"
.venv/bin/python manage.py load_demo >"$out/demo.log" 2>&1 || fail "load_demo ($out/demo.log)"
.venv/bin/python loadtest/prepare.py 40 "$CLIC_LOADTEST_PLAN" || fail "prepare"

step "Celery worker with beat, gunicorn with 3 workers on 127.0.0.1:$web_port"
.venv/bin/celery -A clic worker -Q celery,outbox-sweep --beat --schedule "$out/beat-schedule" --loglevel=WARNING \
  >"$out/worker.log" 2>&1 &
pids+=($!)
export CLIC_LOADTEST_WORKER_PID=$!
.venv/bin/gunicorn clic.wsgi:application --workers 3 --bind "127.0.0.1:$web_port" \
  --access-logfile "$out/access.log" --error-logfile "$out/gunicorn.log" &
pids+=($!)
export CLIC_LOADTEST_WEB_PID=$!
# The throwaway PostgreSQL's postmaster (its backends are its children).
CLIC_LOADTEST_DB_PID=$(pgrep -f -- "postgres -D .* -p $CLIC_PG_PORT " | head -n 1)
export CLIC_LOADTEST_DB_PID
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$web_port/healthz" >/dev/null || fail "gunicorn did not answer /healthz"

step "locust: $users people, ${seconds}s after everyone has signed in"
.venv/bin/locust -f loadtest/locustfile.py --headless --users "$users" --spawn-rate 10 \
  --run-time "$((seconds + 300))s" --stop-timeout 10 --host "http://127.0.0.1:$web_port" \
  --only-summary --loglevel WARNING >"$out/locust.log" 2>&1
[ -s "$CLIC_LOADTEST_RESULTS" ] || fail "locust wrote no results ($out/locust.log)"

step "Every email made during the test at the SMTP server, exactly once"
.venv/bin/python loadtest/verify.py "$CLIC_LOADTEST_PLAN" "$out/sink.txt" "$out/verify.json"
verified=$?

.venv/bin/python loadtest/report.py "$CLIC_LOADTEST_RESULTS" "$out/verify.json" | tee docs/loadtest.txt
failures=$(.venv/bin/python -c "import json; r = json.load(open('$CLIC_LOADTEST_RESULTS')); print(r['failures'] + (r['login'] or {}).get('failures', 1))")
[ "$verified" = 0 ] || fail "emails lost or sent twice (see above)"
[ "$failures" = 0 ] || fail "$failures requests failed ($out/locust.log)"
echo "Load test passed. Logs in $out/."
