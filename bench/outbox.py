"""The outbox benchmark, for `make bench` (not part of the test suite).

Measures, against the real PostgreSQL and Redis of DATABASE_URL and CELERY_BROKER_URL, a
`celery -A clic worker` with Celery's default pool and concurrency, and an aiosmtpd server:

- latency: the time from a committed change (one email) to the message at the SMTP server,
  median and p95 over --changes changes made one after another;
- throughput: emails per second from --emails queued rows (as after an outage: no task yet)
  to the SMTP server, once the sweeper publishes them.

    python -m bench.outbox [--emails 1000] [--changes 100]

It builds its own throwaway database (CLIC_TEST_DATABASE_NAME, default clic_mail_bench).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clic.settings.test")
os.environ.setdefault("CLIC_TEST_DATABASE_NAME", "clic_mail_bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from clic.mail.models import OutboundEmail  # noqa: E402
from clic.mail.services import email_queue_template, outbox_sweep  # noqa: E402
from tests.fixtures.services import (  # noqa: E402
    CeleryWorker,
    SMTPServer,
    wait_until,
    worker_environment,
)

CONTEXT = {"user": None, "invited_by": None, "url": "https://clic.example/invitation/x/"}


def queue(addresses, key):
    return email_queue_template(code="INVITE", to=addresses, template="mail/invitation",
                                context=CONTEXT, event_key=key)


def arrivals(smtp: SMTPServer) -> dict[str, float]:
    return {m.message["Message-ID"]: m.received_at for m in smtp.messages}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def measure_latency(smtp: SMTPServer, changes: int) -> list[float]:
    latencies = []
    for n in range(changes):
        with transaction.atomic():
            [row] = queue([f"latency{n}@bench.test"], key=f"latency:{n}")
        committed = time.time()
        arrived = wait_until(lambda row=row: arrivals(smtp).get(row.message_id), timeout=30,
                             interval=0.001, message=f"change {n} at the SMTP server")
        latencies.append(arrived - committed)
    return latencies


def measure_throughput(smtp: SMTPServer, emails: int) -> tuple[float, float]:
    # Rows left queued with no task, as the broker outage test leaves them.
    with mock.patch("clic.mail.services.publish_send_tasks", return_value=[]), \
            transaction.atomic():
        rows = queue([f"burst{n}@bench.test" for n in range(emails)], key="burst")
    OutboundEmail.objects.filter(pk__in=[row.pk for row in rows]).update(enqueued_at=None)
    already = len(smtp.messages)
    started = time.time()
    outbox_sweep()
    wait_until(lambda: len(smtp.messages) >= already + emails, timeout=600, interval=0.01,
               message=f"{emails} emails at the SMTP server")
    ids = {row.message_id for row in rows}
    last = max(at for message_id, at in arrivals(smtp).items() if message_id in ids)
    return emails / (last - started), last - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args(argv)

    old_config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    smtp = SMTPServer()
    smtp.start()
    worker = CeleryWorker(
        worker_environment(broker_url=settings.CELERY_BROKER_URL, smtp_server=smtp),
        Path(tempfile.mkdtemp(prefix="clic-mail-bench-")) / "worker.log", options=())
    try:
        from clic.celery import app

        app.control.purge()
        worker.start()
        latencies = measure_latency(smtp, args.changes)
        rate, elapsed = measure_throughput(smtp, args.emails)
        statuses = dict(OutboundEmail.objects.values_list("status").annotate(
            n=django.db.models.Count("id")))
    finally:
        worker.stop()
        smtp.stop()
        teardown_databases(old_config, verbosity=0)

    print(f"Outbox, {os.cpu_count()} CPUs, Celery worker with its default pool and concurrency")
    print(f"  commit to SMTP server, {args.changes} changes: median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {percentile(latencies, .95) * 1000:.0f} ms"
          f" (aim: p95 under 2 s)")
    print(f"  {args.emails} queued emails sent in {elapsed:.1f} s: {rate:.0f} emails/s "
          f"(aim: at least 100/s)")
    print(f"  rows by status: {statuses}")
    return 0 if statuses == {OutboundEmail.Status.SENT: args.emails + args.changes} else 1


if __name__ == "__main__":
    sys.exit(main())
