"""The fault drill, for `make bench` (not part of the test suite): figures to docs/faults.txt.

Against the throwaway PostgreSQL of DATABASE_URL (scripts/bench.sh; the drill stops and starts
it), a Redis of its own, a `celery -A clic worker --beat` with Celery's prefork pool (4
processes) and the production settings' outbox timings (heartbeat every 5 s, taken back after
20 s, a sweep every 15 s), and an SMTP relay that keeps each message when its body arrives and
answers 250 50 ms later. Each fault strikes a batch of --emails emails queued in one
transaction, after a fifth of them have arrived:

- the worker killed with SIGKILL, and started again at once (as `restart: unless-stopped`);
- PostgreSQL stopped with `pg_ctl stop -m fast`, started again after --outage seconds;
- Redis stopped, started again after --outage seconds.

For each: the emails sent twice (same Message-ID), the emails lost, and the time from the
fault to full delivery (every row sent), measured here and never asserted in a test.

    python -m bench.faults [--emails 500] [--outage 10]

It builds its own throwaway database (CLIC_TEST_DATABASE_NAME, default clic_fault_drill).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clic.settings.test")
os.environ.setdefault("CLIC_TEST_DATABASE_NAME", "clic_fault_drill")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from clic.mail.models import OutboundEmail  # noqa: E402
from clic.mail.services import email_queue_template  # noqa: E402
from tests.fixtures.services import (  # noqa: E402
    CeleryWorker,
    RedisServer,
    SMTPServer,
    ThrowawayPostgres,
    point_celery_at,
    wait_until,
    worker_environment,
)

RELAY_DELAY = 0.05
CONTEXT = {"user": None, "invited_by": None, "url": "https://clic.example/invitation/x/"}


class Drill:
    def __init__(self, *, smtp: SMTPServer, worker: CeleryWorker, redis: RedisServer,
                 postgres: ThrowawayPostgres, emails: int, outage: float):
        self.smtp, self.worker, self.redis, self.postgres = smtp, worker, redis, postgres
        self.emails, self.outage = emails, outage

    def run(self, name: str, fault) -> dict:
        with transaction.atomic():
            rows = email_queue_template(
                code="INVITE", to=[f"{name}{n}@drill.test" for n in range(self.emails)],
                template="mail/invitation", context=CONTEXT, event_key=f"drill:{name}")
        ids = {row.message_id for row in rows}
        wait_until(lambda: len(self._arrived(ids)) >= self.emails // 5, timeout=120,
                   message=f"{name}: a fifth of the batch at the relay")
        struck = time.time()
        window = fault()
        connection.close()  # this process's connection may predate a database restart
        wait_until(lambda: self._delivered(rows), timeout=900, interval=0.2,
                   message=f"{name}: every email sent")
        delivered = time.time()
        counts = Counter(self._arrived(ids))
        return {"name": name, "twice": sum(1 for n in counts.values() if n == 2),
                "more": sum(1 for n in counts.values() if n > 2),
                "lost": len(ids - set(counts)), "window": window,
                "delivery": delivered - struck,
                "last_arrival": max(m.received_at for m in self.smtp.messages
                                    if m.message["Message-ID"] in ids) - struck}

    def _arrived(self, ids) -> list[str]:
        return [m.message["Message-ID"] for m in self.smtp.messages
                if m.message["Message-ID"] in ids]

    def _delivered(self, rows) -> bool:
        # A worker that loses the broker may exit; the deployment's restart policy starts it.
        if not self.worker.is_running():
            self.worker.start()
        return not OutboundEmail.objects.filter(pk__in=[row.pk for row in rows]).exclude(
            status=OutboundEmail.Status.SENT).exists()

    def kill_worker(self) -> int:
        self.worker.kill()
        arrived = {m.message["Message-ID"] for m in self.smtp.messages}
        window = sum(1 for message_id in OutboundEmail.objects.filter(
            status=OutboundEmail.Status.SENDING).values_list("message_id", flat=True)
            if message_id in arrived)
        self.worker.start()
        return window

    def stop_postgres(self) -> int:
        self.postgres.stop()
        time.sleep(self.outage)
        self.postgres.start()
        return 0

    def stop_redis(self) -> int:
        self.redis.stop()
        time.sleep(self.outage)
        self.redis.start()
        return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--outage", type=float, default=10.0)
    args = parser.parse_args(argv)
    if os.environ.get("CLIC_THROWAWAY_SERVICES") != "1":
        print("The fault drill stops PostgreSQL: run it through scripts/bench.sh", file=sys.stderr)
        return 2

    old_config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    directory = Path(tempfile.mkdtemp(prefix="clic-fault-drill-"))
    redis = RedisServer(directory)
    redis.start()
    point_celery_at(redis.url)
    smtp = SMTPServer()
    smtp.sink.reply_delay = RELAY_DELAY
    smtp.start()
    environment = worker_environment(broker_url=redis.url, smtp_server=smtp) | {
        "CLIC_TEST_QUICK_HEARTBEAT": "0",
        "CLIC_MAIL_SENT_JOURNAL": str(directory / "mail-sent.journal")}
    worker = CeleryWorker(environment, directory / "worker.log", options=(
        "-Q", "celery,outbox-sweep", "--concurrency=4", "--beat",
        "--schedule", str(directory / "beat-schedule")))
    drill = Drill(smtp=smtp, worker=worker, redis=redis, postgres=ThrowawayPostgres.of(connection),
                  emails=args.emails, outage=args.outage)
    try:
        worker.start()
        results = [drill.run("kill", drill.kill_worker),
                   drill.run("postgres", drill.stop_postgres),
                   drill.run("redis", drill.stop_redis)]
    finally:
        drill.postgres.start_if_stopped()
        worker.stop()
        smtp.stop()
        redis.stop()
        connection.close()
        teardown_databases(old_config, verbosity=0)
        shutil.rmtree(directory, ignore_errors=True)

    print(f"Fault drill: {args.emails} emails per fault, queued in one transaction; relay "
          f"answers 250 {RELAY_DELAY * 1000:.0f} ms after a message arrives; Celery prefork "
          "worker, 4 processes, with beat; production outbox timings")
    faults = {"kill": "worker killed (SIGKILL), started again at once",
              "postgres": f"PostgreSQL stopped (fast) for {args.outage:.0f} s",
              "redis": f"Redis stopped for {args.outage:.0f} s"}
    for result in results:
        window = (f", {result['window']} in the window (accepted, not yet marked sent)"
                  if result["name"] == "kill" else "")
        print(f"  {faults[result['name']]}: {result['twice']} sent twice{window}, "
              f"{result['more']} more than twice, {result['lost']} lost; every row sent "
              f"{result['delivery']:.1f} s after the fault (last arrival "
              f"{result['last_arrival']:.1f} s)")
    clean = all(r["lost"] == r["more"] == 0 for r in results) and all(
        r["twice"] <= r["window"] for r in results)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
