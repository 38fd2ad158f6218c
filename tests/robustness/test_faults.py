"""Faults under the running service, with the real servers: PostgreSQL restarted mid-request
and stopped mid-batch, Redis down while trainees report absences and sign in, and the Celery
worker killed mid-batch.

The SOP engine's own tests (tests/mail/test_delivery.py, test_sending.py) queue emails with
`sop_notify` directly; these go through the pages people use (the absence report, the
cohort's Publish button) and check what reaches the SMTP server, by Message-ID.

PostgreSQL is restarted only when it is a throwaway server of this test run
(scripts/with-services.sh sets CLIC_THROWAWAY_SERVICES=1 and CLIC_PG_PORT); anywhere else
that test skips: it never restarts a developer's or a shared database.
"""

import datetime
import itertools
import json
import os
import re
import time
from collections import Counter
from unittest import mock

import pytest
import requests
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from absences import services as absence_services
from absences.models import Absence
from clic.accounts.models import Role
from clic.mail import services as mail_services
from clic.mail.models import OutboundEmail
from clic.mail.services import outbox_email_send, outbox_sweep, publish_send_tasks, sop_notify
from rotations.models import Cohort, Session
from rotations.services import cohort_publish
from rotations.timetable import bank_holidays
from tests import factories
from tests.fixtures.people import give_role
from tests.fixtures.services import SMTPSink, ThrowawayPostgres, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Status = OutboundEmail.Status


# The rotation: the world's cohort in week 6, published, with four trainees ----------------


def published_rotation(world, trainees: int = 4) -> list:
    """The world's cohort with more trainees, published; its S1-S3 emails are marked sent in
    the same transaction, so only what a test does reaches the SMTP server."""
    for _ in range(trainees - 1):
        factories.PlacementFactory(cohort=world.cohort, practice=world.practice,
                                   educational_supervisor=world.es,
                                   ccg_supervisor=world.supervisor, project_lead=world.lead)
    with transaction.atomic():
        cohort_publish(cohort=world.cohort, by=world.pd)
        OutboundEmail.objects.update(status=Status.SENT, sent_at=timezone.now())
    for placement in world.cohort.placements.all():
        give_role(placement.trainee, Role.TRAINEE, world.programme)
    return list(world.cohort.placements.select_related("trainee").order_by("pk"))


def project_day(placement, today) -> datetime.date:
    """A CCG project day of the trainee's that they may report sickness for."""
    days = Session.objects.filter(
        placement=placement, kind=Session.Kind.PROJECT, status=Session.Status.SCHEDULED,
        date__gte=today - datetime.timedelta(days=13), date__lte=today + datetime.timedelta(days=6),
    ).order_by("-date").values_list("date", flat=True)
    return next(day for day in days if day <= today) if any(d <= today for d in days) else days[0]


def ordinary_days(placement, today):
    """Rotation weekdays near today that are not CCG project days or bank holidays."""
    closed = bank_holidays(today - datetime.timedelta(days=20), today + datetime.timedelta(days=40))
    ccg = set(Session.objects.filter(placement=placement).values_list("date", flat=True))
    for offset in itertools.chain(range(0, -14, -1), range(1, 40)):
        day = today + datetime.timedelta(days=offset)
        if day.weekday() < 5 and day not in closed and day not in ccg and (
                placement.cohort.start_date <= day <= placement.cohort.end_date):
            yield day


def report_form(kind: str, first_day, last_day=None) -> dict:
    return {"first_day": first_day.isoformat(),
            "last_day": (last_day or first_day).isoformat(), "part": Absence.Part.DAY,
            "note": "", "confirm": "1"}


def report_url(placement, slug: str) -> str:
    return reverse("absences:report", args=[placement.pk, slug])


def rows_of(absences) -> list[OutboundEmail]:
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(Absence)
    return list(OutboundEmail.objects.filter(content_type=kind,
                                             object_id__in=[a.pk for a in absences]))


def message_ids(smtp_server) -> Counter:
    return Counter(m.message["Message-ID"] for m in smtp_server.messages)


def settle(smtp_server, world) -> Counter:
    """Wait until nothing is queued or sending, then send one more email and wait for it: a
    stray task published before it has been consumed by then. Returns the Message-IDs the
    SMTP server received, each with how many times."""
    wait_until(lambda: not OutboundEmail.objects.filter(
        status__in=[Status.QUEUED, Status.SENDING]).exists(), timeout=60,
        message="the outbox to settle")
    with transaction.atomic():
        [sentinel] = sop_notify(code="S14", event_key=f"sentinel:{time.monotonic_ns()}",
                                about=world.placement, placement=world.placement)
    wait_until(lambda: sentinel.message_id in message_ids(smtp_server), timeout=30,
               message="the sentinel email")
    # Accepted by the server a moment before its row is marked sent.
    wait_until(lambda: OutboundEmail.objects.filter(pk=sentinel.pk, status=Status.SENT).exists(),
               timeout=10, message="the sentinel email's row to be marked sent")
    received = message_ids(smtp_server)
    del received[sentinel.message_id]
    return received


def emails_to_a_cohort(world, trainees: int) -> list[OutboundEmail]:
    """The S17 email of a cohort of this many trainees (and its PD), in one transaction."""
    for _ in range(trainees - len(world.cohort.placements.all())):
        factories.PlacementFactory(cohort=world.cohort)
    with transaction.atomic():
        return sop_notify(code="S17", event_key=f"end:{time.monotonic_ns()}", about=world.cohort,
                          cohort=world.cohort)


def sweep_until_sent(rows, *, timeout: float = 90) -> int:
    """Run the sweeper, as beat does (here every half second), until every row is sent;
    returns how many claims it took back from dead workers."""
    recovered = []

    def all_sent():
        recovered.append(outbox_sweep()["recovered"])
        return not OutboundEmail.objects.filter(pk__in=[row.pk for row in rows]).exclude(
            status=Status.SENT).exists()

    wait_until(all_sent, timeout=timeout, interval=0.5, message="every email to be sent")
    return sum(recovered)


# (a) PostgreSQL restarted under the running app ---------------------------------------------


@pytest.fixture
def postgres(db):
    if os.environ.get("CLIC_THROWAWAY_SERVICES") != "1" or not os.environ.get("CLIC_PG_PORT"):
        pytest.skip("PostgreSQL is restarted only on a throwaway server: run "
                    "scripts/test.sh tests/robustness/test_faults.py")
    if str(connection.settings_dict.get("PORT")) != os.environ["CLIC_PG_PORT"]:
        pytest.skip("The test database is not on the throwaway server of CLIC_PG_PORT")
    server = ThrowawayPostgres.of(connection)
    yield server
    server.start_if_stopped()  # the test may have failed while the server was stopped
    connection.close()  # the test's own connection may predate a restart


class Browser:
    """A signed-in person's browser against the live server: cookies and CSRF as real."""

    def __init__(self, live_server, client, user):
        self.base = live_server.url
        self.session = requests.Session()
        client.force_login(user)
        self.session.cookies.set("sessionid", client.cookies["sessionid"].value)

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.base + path, allow_redirects=False, timeout=30)

    def post(self, path: str, data: dict) -> requests.Response:
        page = self.get(path)
        assert page.status_code == 200, page.status_code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.session.post(self.base + path, data={**data, "csrfmiddlewaretoken": token},
                                 headers={"Referer": self.base + path}, allow_redirects=False,
                                 timeout=30)


@pytest.fixture
def production_connections(monkeypatch):
    """The database connection settings of clic/settings/production.py (persistent
    connections, checked before reuse), for the live server's requests."""
    import importlib
    import sys

    for name, value in {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "localhost",
                        "EMAIL_HOST": "localhost",
                        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/clic"}.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("clic.settings.production", None)
    production = importlib.import_module("clic.settings.production")
    sys.modules.pop("clic.settings.production", None)
    wanted = {key: production.DATABASES["default"].get(key)
              for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    assert wanted["CONN_MAX_AGE"] > 0  # persistent: the case where a restart bites
    current = connection.settings_dict  # the dict every thread's connection reads
    saved = {key: current.get(key) for key in wanted}
    current.update(wanted)
    yield wanted
    current.update(saved)


def test_postgres_restart_mid_report_saves_nothing_and_the_next_request_succeeds(
        world, postgres, production_connections, live_server, client, monkeypatch, settings):
    settings.CLIC_MFA_ENFORCED = False
    [placement, *_] = published_rotation(world, trainees=1)
    day = project_day(placement, timezone.localdate())
    browser = Browser(live_server, client, placement.trainee)
    url = report_url(placement, "sickness")
    assert browser.get("/").status_code == 200  # the server's connection is open...

    # ... and PostgreSQL restarts between two requests: the next one reconnects.
    postgres.restart()
    connection.close()  # this test's own connection was cut too
    assert browser.get("/").status_code == 200
    assert browser.get("/absences/").status_code == 200

    # Restarted in the middle of the report: after the absence row is written and before
    # its emails are, inside the one transaction.
    real_send = absence_services._send
    restarts = []

    def send_after_a_restart(absence, notice):
        if not restarts:
            restarts.append(absence.pk)
            postgres.restart()
        return real_send(absence, notice)

    monkeypatch.setattr(absence_services, "_send", send_after_a_restart)
    response = browser.post(url, report_form("sickness", day))
    assert restarts, "the report never reached its emails"
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text

    connection.close()  # this test's connection was cut too
    assert not Absence.objects.filter(pk=restarts[0]).exists()
    assert not Absence.objects.filter(placement=placement).exists()
    assert not OutboundEmail.objects.filter(code="S5").exists()

    # The trainee tries again and it works: the whole absence and its emails, once.
    monkeypatch.setattr(absence_services, "_send", real_send)
    response = browser.post(url, report_form("sickness", day))
    assert response.status_code == 302, response.text[:500]
    [absence] = Absence.objects.filter(placement=placement)
    assert (absence.first_day, absence.notified_codes) == (day, ["S5"])
    assert sorted(row.to_email for row in rows_of([absence])) == sorted(
        [world.supervisor.email, world.lead.email, world.ccg.admin_mailbox])


# (b) Redis down while trainees report absences ----------------------------------------------


def test_absences_reported_while_redis_is_down_are_saved_and_each_email_sent_once(
        world, celery_worker_process, smtp_server, redis_server, client, settings, monkeypatch):
    settings.CLIC_MFA_ENFORCED = False
    placements = published_rotation(world)
    today = timezone.localdate()
    redis_server.stop()
    down_since = time.monotonic()
    broker_tries = count_broker_tries(monkeypatch)

    reports = []
    for number, placement in enumerate(placements):
        client.force_login(placement.trainee)
        others = ordinary_days(placement, today)
        sick_day = next(others)
        leave_day = next(d for d in others if d > today + datetime.timedelta(days=7))
        for slug, day in [("sickness", project_day(placement, today)), ("sickness", sick_day),
                          ("annual-leave", leave_day)][: 3 if number % 2 == 0 else 2]:
            response = client.post(report_url(placement, slug), report_form(slug, day))
            assert response.status_code == 302, response.content.decode()[:2000]
            reports.append((placement, slug, day))
    # Only the first report waited for the broker's connect timeout: the later ones left
    # their emails to the sweeper at once.
    assert len(broker_tries) == 1

    absences = list(Absence.objects.filter(placement__in=placements))
    assert len(absences) == len(reports)
    rows = rows_of(absences)
    assert {row.code for row in rows} == {"S5", "S6", "S7"}
    assert {(row.status, row.enqueued_at) for row in rows} == {(Status.QUEUED, None)}
    assert smtp_server.messages == []

    # Redis stays down a while (the worker keeps trying to reconnect), then comes back.
    time.sleep(max(0.0, 5 - (time.monotonic() - down_since)))
    redis_server.start()
    # A worker that loses the broker while acknowledging a task sometimes exits instead of
    # reconnecting ("Unrecoverable error: AttributeError ... 'hostname'" from kombu's Redis
    # transport); docker-compose's `restart: unless-stopped` starts it again, as here.
    celery_worker_process.ensure_running()
    assert outbox_sweep()["published"] == len(rows)
    received = settle(smtp_server, world)

    assert received == Counter({row.message_id: 1 for row in rows})
    assert set(OutboundEmail.objects.filter(pk__in=[r.pk for r in rows])
               .values_list("status", "attempts")) == {(Status.SENT, 1)}
    assert outbox_sweep()["published"] == 0


def count_broker_tries(monkeypatch) -> list:
    """The send tasks this process tries to publish, each still published for real."""
    from clic.mail.tasks import outbox_send, outbox_send_batch

    tries = []
    for task in (outbox_send, outbox_send_batch):
        def apply_async(args, real=task.apply_async, **kwargs):
            tries.append(args)
            return real(args, **kwargs)

        monkeypatch.setattr(task, "apply_async", apply_async)
    return tries


def test_sign_in_and_health_check_work_while_redis_is_down(world, redis_server, client,
                                                          settings, caplog):
    """Production's cache is Redis, and sign-in's rate limiter keeps its counts there."""
    from allauth.account.models import EmailAddress

    settings.CLIC_MFA_ENFORCED = False
    settings.CACHES = {"default": {"BACKEND": "clic.cache.FailSafeRedisCache",
                                   "LOCATION": redis_server.url.rsplit("/", 1)[0] + "/1"}}
    settings.CELERY_BROKER_URL = redis_server.url
    for user in (world.trainee, world.pd):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    login = reverse("account_login")
    assert client.get(reverse("healthz")).json()["cache"] == "ok"
    redis_server.stop()
    try:
        response = client.post(login, {"login": world.trainee.email,
                                       "password": "correct-horse-battery"})
        assert response.status_code == 302, response.content.decode()[:2000]
        assert client.session["_auth_user_id"] == str(world.trainee.pk)
        assert "Redis unreachable" in caplog.text

        # The limiter still counts, in the process's memory: fails safe, not open.
        client.logout()
        for _ in range(5):
            client.post(login, {"login": world.pd.email, "password": "wrong password entirely"})
        response = client.post(login, {"login": world.pd.email,
                                       "password": "correct-horse-battery"})
        assert "Too many failed login attempts" in response.content.decode()
        assert "_auth_user_id" not in client.session

        health = client.get(reverse("healthz"))
        assert health.status_code == 200
        body = health.json()
        assert set(body.pop("outbox")) == {"queued", "oldest_queued_seconds", "failed_last_day"}
        assert body == {"status": "degraded", "database": "ok",
                        "cache": "unreachable", "broker": "unreachable"}
        strict = client.get(reverse("healthz"), {"strict": "1"})
        assert strict.status_code == 503
        assert strict.json()["cache"] == "unreachable"
    finally:
        redis_server.start()


# (c) The worker killed mid-batch -----------------------------------------------------------


@pytest.fixture
def hold_after(smtp_server):
    """hold_after(n): accept n messages, then keep every later one waiting in DATA (as a
    slow relay does), so the worker can be killed mid-batch, before the SMTP server has
    accepted the message in flight."""
    sink = smtp_server.sink

    def arm(count: int) -> None:
        seen = itertools.count(1)
        armed = [True]

        async def handle_DATA(server, session, envelope):
            if next(seen) > count and armed:
                armed.clear()  # once: after release() every message is accepted again
                sink.hold()
            return await SMTPSink.handle_DATA(sink, server, session, envelope)

        sink.handle_DATA = handle_DATA  # a new SMTP session picks up the instance's hook

    yield arm
    sink.__dict__.pop("handle_DATA", None)
    sink.release()


def test_worker_killed_mid_batch_delivers_every_email_once_after_recovery(
        world, celery_worker_process, smtp_server, hold_after, client, settings):
    """The cohort's Publish button queues S1-S4 for seven trainees in one transaction: about
    40 emails, a batch task per SOP event (at most 25 each) on four worker threads. The worker
    is SIGKILLed after 10 are delivered, with a message held in DATA on each thread. After a
    restart and the sweeper, every email arrives exactly once.

    Exactly once holds because the kill falls before the SMTP server accepted the message
    in flight. A kill in the instant after the server's 250 and before the row is marked
    sent would send that one email again: no SMTP client can close that window (there is no
    two-phase commit with a mail server). The message keeps its Message-ID on the retry, so
    the receiving server or mail client can drop the copy; the test below counts by
    Message-ID for that reason."""
    settings.CLIC_MFA_ENFORCED = False
    for _ in range(6):
        factories.PlacementFactory(cohort=world.cohort, practice=world.practice,
                                   educational_supervisor=world.es)
    hold_after(10)

    client.force_login(world.pd)
    response = client.post(reverse("cohort_publish", args=[world.cohort.pk]))
    assert response.status_code == 302
    assert Cohort.objects.get(pk=world.cohort.pk).is_published
    rows = list(OutboundEmail.objects.all())
    # One S1 to each of the 7 supervisors, CCG admin and the PD; S2, S3 and S4 per trainee.
    assert 30 <= len(rows) <= 60, Counter(row.code for row in rows)

    assert smtp_server.sink.holding.wait(30), "the worker never reached the 11th email"
    # Every later message now waits in DATA. A thread whose 10th message the server had just
    # accepted may not yet have marked its row sent: the kill waits for that, so that it
    # falls where the test means it to (before acceptance), not in the window described above.
    wait_until(lambda: OutboundEmail.objects.filter(status=Status.SENT).count()
               == len(smtp_server.messages), timeout=10,
               message="the rows of the accepted messages to be marked sent")
    celery_worker_process.kill()
    smtp_server.sink.release()
    delivered_before_the_kill = len(smtp_server.messages)
    assert delivered_before_the_kill == 10
    in_doubt = OutboundEmail.objects.filter(status=Status.SENDING).count()
    assert 1 <= in_doubt <= 4  # one message held in DATA per worker thread

    # A new worker, and the sweeper as beat runs it: once the dead worker's heartbeat is
    # older than the timeout (3 s here, as tests/mail/worker_settings.py beats every second),
    # it takes back the claims and batches that worker held, without waiting out the
    # five-minute sending timeout or the minute after which a task is presumed lost.
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 3
    celery_worker_process.start()
    assert sweep_until_sent(rows) == in_doubt
    received = settle(smtp_server, world)

    assert received == Counter({row.message_id: 1 for row in rows})
    assert not OutboundEmail.objects.exclude(status=Status.SENT).exists()


def test_worker_killed_while_a_slow_relay_answers_sends_only_the_emails_in_the_window_again(
        world, celery_worker_process, smtp_server, settings):
    """The relay keeps each message when its body arrives and answers 250 a second later;
    the worker is SIGKILLed meanwhile. A message the relay kept but whose 250 the worker
    never read is the one duplicate left possible (at least once delivery): it arrives again
    with the same Message-ID. Every other email arrives exactly once."""
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 3
    smtp_server.sink.reply_delay = 1.0
    rows = emails_to_a_cohort(world, trainees=20)

    smtp_server.wait_for(6, timeout=30)
    celery_worker_process.kill()
    smtp_server.sink.reply_delay = 0
    at_the_relay = set(message_ids(smtp_server))
    in_the_window = {row.message_id for row in OutboundEmail.objects.filter(status=Status.SENDING)
                     if row.message_id in at_the_relay}
    assert in_the_window, "the kill fell outside every thread's wait for the 250"

    celery_worker_process.start()
    assert sweep_until_sent(rows) >= len(in_the_window)
    received = settle(smtp_server, world)

    assert set(received) == {row.message_id for row in rows}
    assert {message_id for message_id, count in received.items() if count > 1} == in_the_window
    assert max(received.values()) == 2


# (d) PostgreSQL stopped mid-batch ----------------------------------------------------------


def test_postgres_stopped_mid_batch_sends_every_email_exactly_once(
        world, postgres, celery_worker_process, smtp_server, settings):
    """`pg_ctl stop -m fast` while the relay is accepting messages, started again seconds
    later: the rows whose 250 arrived meanwhile are marked sent once the database answers
    (their workers keep trying), so none is sent twice, and nothing fails with a traceback."""
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 3
    smtp_server.sink.reply_delay = 1.0
    rows = emails_to_a_cohort(world, trainees=16)
    log = celery_worker_process.log_from_here()

    smtp_server.wait_for(4, timeout=30)
    postgres.stop()
    time.sleep(3)  # the outage: the messages in flight are accepted meanwhile
    postgres.start()
    connection.close()  # this test's connection was cut
    smtp_server.sink.reply_delay = 0
    sweep_until_sent(rows)
    received = settle(smtp_server, world)

    assert received == Counter({row.message_id: 1 for row in rows})
    assert "Database unavailable while recording" in log(), "no 250 arrived during the outage"
    assert "Traceback" not in log()


def test_send_tasks_that_meet_a_stopped_database_wait_and_deliver_once(
        world, postgres, celery_worker_process, smtp_server):
    with mock.patch.object(mail_services, "publish_after_commit", return_value=[]):
        rows = emails_to_a_cohort(world, trainees=8)
    log = celery_worker_process.log_from_here()

    postgres.stop()
    assert publish_send_tasks([row.pk for row in rows]) == [row.pk for row in rows]
    wait_until(lambda: "will be tried again" in log(), timeout=30,
               message="the send task to meet the stopped database")
    postgres.start()
    connection.close()  # this test's connection was cut

    # No sweeper: the task's own retry delivers.
    wait_until(lambda: not OutboundEmail.objects.filter(pk__in=[row.pk for row in rows]).exclude(
        status=Status.SENT).exists(), timeout=60, message="every email to be sent")
    received = settle(smtp_server, world)
    assert received == Counter({row.message_id: 1 for row in rows})
    assert "Traceback" not in log()


def test_sent_email_the_database_would_not_record_is_journaled_and_never_sent_again(
        world, postgres, smtp_settings, smtp_server, settings, tmp_path):
    """The database stays down longer than the worker's patience after the relay's 250: the
    fact goes to the journal, and the next sweep marks the row sent before it would take the
    claim back and send it again."""
    journal = tmp_path / "mail-sent.journal"
    settings.CLIC_MAIL_SENT_JOURNAL = str(journal)
    settings.CLIC_MAIL_RECORD_PATIENCE = 1
    with mock.patch.object(mail_services, "publish_after_commit", return_value=[]), \
            transaction.atomic():
        [row] = sop_notify(code="S14", event_key="concern:1", about=world.placement,
                           placement=world.placement)
    sink = smtp_server.sink

    async def stop_the_database_then_accept(server, session, envelope):
        postgres.stop()
        return await SMTPSink.handle_DATA(sink, server, session, envelope)

    sink.handle_DATA = stop_the_database_then_accept
    try:
        with pytest.raises(DatabaseError):
            outbox_email_send(email_id=row.pk)
    finally:
        del sink.handle_DATA
        postgres.start()
    connection.close()  # this test's connection was cut

    [entry] = [json.loads(line) for line in journal.read_text().splitlines()]
    assert entry["id"] == row.pk
    assert OutboundEmail.objects.get(pk=row.pk).status == Status.SENDING
    # The claim's heartbeat stopped before the outage: without the journal the sweep would
    # take the row back and send it again.
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 0
    assert outbox_sweep()["recovered"] == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert journal.read_text() == ""
    assert outbox_email_send(email_id=row.pk) is None
    assert [m.message["Message-ID"] for m in smtp_server.messages] == [row.message_id]
