"""Sending one row: the claim, the message on the wire, retries, the sweeper and re-sending.
These run the send task in this process; tests/mail/test_delivery.py runs a real worker."""

import datetime
import email
import email.policy
import smtplib
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from clic.mail.models import OutboundEmail
from clic.mail.services import (
    EmailNotResendable,
    is_temporary,
    outbox_email_resend,
    outbox_email_send,
    outbox_emails_send,
    outbox_sweep,
    sop_notify,
)
from tests.fixtures.services import free_port

pytestmark = pytest.mark.django_db

Status = OutboundEmail.Status


def queue_one(world, key="concern:1"):
    """An S14 email: to the cohort's one PD, a reply reaching the supervisor who raised it."""
    [row] = sop_notify(code="S14", event_key=key, about=world.placement,
                       placement=world.placement, context={"raised_by": world.supervisor})
    return row


def make_due(row):
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


def test_send_delivers_with_sender_reply_to_and_a_stable_message_id(world, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "CLIC service <clic@nhs.test>"
    row = queue_one(world)

    assert outbox_email_send(email_id=row.pk) == Status.SENT

    [sent] = mailoutbox
    assert sent.to == ["Dr Pd <pd@nhs.test>"]
    assert sent.from_email == "CLIC service <clic@nhs.test>"
    assert sent.reply_to == ["Dr Supervisor <supervisor@nhs.test>"]
    assert sent.extra_headers["Message-ID"] == row.message_id
    assert row.message_id.startswith("<clic.") and row.message_id.endswith("@nhs.test>")
    assert sent.alternatives[0].mimetype == "text/html"
    assert "raised a concern about Dr Trainee" in sent.body
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 1, "")
    assert row.sent_at is not None


def test_send_claims_a_row_once(world, mailoutbox):
    row = queue_one(world)

    assert outbox_email_send(email_id=row.pk) == Status.SENT
    assert outbox_email_send(email_id=row.pk) is None
    assert outbox_email_send(email_id=row.pk + 1000) is None
    assert len(mailoutbox) == 1


def test_send_leaves_a_row_that_is_not_yet_due(world, mailoutbox):
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=1))

    assert outbox_email_send(email_id=row.pk) is None
    assert mailoutbox == []


def test_connection_refused_retries_with_growing_delays_then_fails(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.CLIC_MAIL_MAX_ATTEMPTS = 6
    row = queue_one(world)
    delays = []

    for _attempt in range(5):
        assert outbox_email_send(email_id=row.pk) == Status.QUEUED
        row.refresh_from_db()
        delays.append(round((row.next_attempt_at - row.claimed_at).total_seconds()))
        assert row.enqueued_at is None  # the sweeper's cue
        make_due(row)

    assert delays == [30, 120, 600, 1800, 7200]
    assert "Connection refused" in row.last_error
    assert outbox_email_send(email_id=row.pk) == Status.FAILED
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 6)


def test_permanent_rejection_fails_at_once(world, smtp_settings, smtp_server):
    smtp_server.sink.reject["pd@nhs.test"] = "550 5.1.1 No such mailbox here"
    row = queue_one(world)

    assert outbox_email_send(email_id=row.pk) == Status.FAILED

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert row.last_error == "Dr Pd <pd@nhs.test>: 550 5.1.1 No such mailbox here"
    assert smtp_server.messages == []


def test_temporary_rejection_is_retried(world, smtp_settings, smtp_server):
    smtp_server.sink.data_reply = "451 4.7.1 Greylisted, try again"
    row = queue_one(world)

    assert outbox_email_send(email_id=row.pk) == Status.QUEUED
    row.refresh_from_db()
    assert row.last_error == "451 4.7.1 Greylisted, try again"

    smtp_server.sink.data_reply = ""
    make_due(row)
    assert outbox_email_send(email_id=row.pk) == Status.SENT
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["pd@nhs.test"]
    assert received.message["Message-ID"] == row.message_id


@pytest.mark.parametrize(("error", "temporary"), [
    (ConnectionRefusedError(111, "Connection refused"), True),
    (TimeoutError("timed out"), True),
    (smtplib.SMTPServerDisconnected("gone"), True),
    (smtplib.SMTPRecipientsRefused({"a@b": (450, b"busy")}), True),
    (smtplib.SMTPRecipientsRefused({"a@b": (550, b"no such user")}), False),
    (smtplib.SMTPDataError(421, b"closing"), True),
    (smtplib.SMTPDataError(554, b"rejected as spam"), False),
    (smtplib.SMTPSenderRefused(553, b"sender not allowed", "x@y"), False),
    (smtplib.SMTPAuthenticationError(535, b"bad credentials"), True),
    (SoftTimeLimitExceeded(), True),
    (ValueError("bad header"), False),
])
def test_is_temporary_retries_connection_trouble_and_4xx_only(error, temporary):
    assert is_temporary(error) is temporary


def test_sweep_recovers_a_row_stuck_in_sending(world, published, settings):
    settings.CLIC_MAIL_SENDING_TIMEOUT = 300
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=6))

    assert outbox_sweep() == {"recovered": 1, "failed": 0, "due": 1, "published": 1}

    row.refresh_from_db()
    assert row.status == Status.QUEUED
    assert row.enqueued_at is not None
    assert published == [row.pk]


def test_sweep_leaves_a_row_that_is_sending_within_the_timeout(world, published):
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.SENDING, attempts=1,
                                                   claimed_at=timezone.now())

    assert outbox_sweep()["recovered"] == 0
    assert published == []


def claimed(world, *, claimed_ago: int, beat_ago: int) -> OutboundEmail:
    """A row a worker claimed that many seconds ago, its heartbeat last refreshed so.

    Tests that expect a stale heartbeat use a timeout of 2 s: the sweeper judges heartbeats
    only once the database has been up for the timeout, and the throwaway PostgreSQL may
    have started less than 20 s before the first test."""
    row = queue_one(world)
    now = timezone.now()
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, claimed_at=now - timedelta(seconds=claimed_ago),
        claimed_by="worker:1", heartbeat_at=now - timedelta(seconds=beat_ago))
    return row


def test_sweep_takes_back_a_claim_whose_heartbeat_stopped(world, published, settings):
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 2
    row = claimed(world, claimed_ago=30, beat_ago=21)

    assert outbox_sweep()["recovered"] == 1

    row.refresh_from_db()
    assert (row.status, row.claimed_by, row.heartbeat_at) == (Status.QUEUED, "", None)
    assert published == [row.pk]


def test_sweep_leaves_an_old_claim_whose_worker_still_beats(world, published, settings):
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 20
    claimed(world, claimed_ago=120, beat_ago=2)

    assert outbox_sweep()["recovered"] == 0
    assert published == []


def test_sweep_judges_no_heartbeat_until_the_database_has_been_up_for_the_timeout(
        world, published, settings, monkeypatch):
    from clic.mail import services

    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 20
    claimed(world, claimed_ago=60, beat_ago=60)
    now = timezone.now()
    monkeypatch.setattr(services, "_database_up_since", lambda: now - timedelta(seconds=5))

    assert outbox_sweep()["recovered"] == 0

    monkeypatch.setattr(services, "_database_up_since", lambda: now - timedelta(seconds=25))
    assert outbox_sweep()["recovered"] == 1


def test_sweep_publishes_again_a_batch_whose_worker_stopped_beating(world, published, settings):
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 2
    row = queue_one(world)
    now = timezone.now()
    # Taken into a dead worker's batch a moment after its task was published.
    OutboundEmail.objects.filter(pk=row.pk).update(
        enqueued_at=now - timedelta(seconds=25), claimed_by="worker:1",
        heartbeat_at=now - timedelta(seconds=21))

    assert outbox_sweep()["published"] == 1
    assert published == [row.pk]
    assert OutboundEmail.objects.get(pk=row.pk).heartbeat_at is None
    assert outbox_sweep()["published"] == 0  # the new task is not published twice


def test_sweep_publishes_again_the_rows_a_dead_worker_may_have_taken_with_it(
        world, published, settings):
    """Tasks the worker had received but not started die with it: their rows, published
    before its last heartbeat, get a new task without waiting CLIC_MAIL_REQUEUE_AFTER."""
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 2
    settings.CLIC_MAIL_HEARTBEAT_INTERVAL = 5
    settings.CLIC_MAIL_REQUEUE_AFTER = 60
    dead = claimed(world, claimed_ago=30, beat_ago=25)
    now = timezone.now()
    before = queue_one(world, key="concern:before")
    after = queue_one(world, key="concern:after")
    OutboundEmail.objects.filter(pk=before.pk).update(enqueued_at=now - timedelta(seconds=40))
    OutboundEmail.objects.filter(pk=after.pk).update(enqueued_at=now - timedelta(seconds=10))

    assert outbox_sweep()["recovered"] == 1

    assert sorted(published) == sorted([dead.pk, before.pk])


def test_send_lets_go_of_the_rows_of_its_batch_it_did_not_send(world, mailoutbox):
    sent = queue_one(world, key="concern:1")
    later = queue_one(world, key="concern:2")
    OutboundEmail.objects.filter(pk=later.pk).update(
        attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=2))

    outbox_emails_send(email_ids=[sent.pk, later.pk])

    later.refresh_from_db()
    assert (later.status, later.claimed_by, later.heartbeat_at) == (Status.QUEUED, "", None)
    assert len(mailoutbox) == 1


def test_send_marks_its_batch_with_the_worker_and_a_heartbeat(world, mailoutbox):
    from clic.mail.services import worker_id

    row = queue_one(world)

    outbox_email_send(email_id=row.pk)

    row.refresh_from_db()
    assert row.claimed_by == worker_id()
    assert row.heartbeat_at is not None


def test_mail_settings_are_read_from_the_environment():
    import os
    import subprocess
    import sys

    names = ["CLIC_MAIL_MAX_ATTEMPTS", "CLIC_MAIL_RETRY_DELAYS", "CLIC_MAIL_SENDING_TIMEOUT",
             "CLIC_MAIL_REQUEUE_AFTER", "CLIC_MAIL_SWEEP_BATCH", "CLIC_MAIL_BATCH_SIZE",
             "CLIC_MAIL_HEARTBEAT_INTERVAL", "CLIC_MAIL_HEARTBEAT_TIMEOUT",
             "CLIC_MAIL_SWEEP_INTERVAL", "CLIC_MAIL_RECORD_PATIENCE", "CLIC_MAIL_SENT_JOURNAL",
             "CLIC_MAIL_BROKER_PAUSE"]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "clic.settings.test",
                   "CLIC_MAIL_MAX_ATTEMPTS": "3", "CLIC_MAIL_RETRY_DELAYS": "5,10",
                   "CLIC_MAIL_SENDING_TIMEOUT": "30", "CLIC_MAIL_REQUEUE_AFTER": "40",
                   "CLIC_MAIL_SWEEP_BATCH": "50", "CLIC_MAIL_BATCH_SIZE": "6",
                   "CLIC_MAIL_HEARTBEAT_INTERVAL": "7", "CLIC_MAIL_HEARTBEAT_TIMEOUT": "8",
                   "CLIC_MAIL_SWEEP_INTERVAL": "9", "CLIC_MAIL_RECORD_PATIENCE": "11",
                   "CLIC_MAIL_SENT_JOURNAL": "/srv/clic/sent.journal",
                   "CLIC_MAIL_BROKER_PAUSE": "12"}
    script = ("import django; django.setup(); from django.conf import settings; "
              f"print([getattr(settings, name) for name in {names!r}]); "
              "print(settings.CELERY_BEAT_SCHEDULE['outbox-sweep']['schedule'].total_seconds())")
    result = subprocess.run([sys.executable, "-c", script], env=environment,
                            capture_output=True, text=True, check=True)

    assert result.stdout.splitlines() == [
        "[3, (5, 10), 30, 40, 50, 6, 7, 8, 9, 11, '/srv/clic/sent.journal', 12]", "9.0"]


def test_sweep_fails_a_stuck_row_with_no_attempts_left(world, published, settings):
    settings.CLIC_MAIL_MAX_ATTEMPTS = 2
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=2, claimed_at=timezone.now() - timedelta(hours=1))

    assert outbox_sweep()["failed"] == 1
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert published == []


def test_sweep_leaves_a_fresh_row_to_its_own_task(world, published):
    queue_one(world)

    assert outbox_sweep()["due"] == 0
    assert published == []


def test_sweep_publishes_a_row_whose_task_was_lost(world, published, settings):
    settings.CLIC_MAIL_REQUEUE_AFTER = 60
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=61))

    assert outbox_sweep()["published"] == 1
    assert published == [row.pk]
    # ... and only once: the next sweep sees a task pending again.
    assert outbox_sweep()["published"] == 0


def test_sweep_publishes_a_retry_only_when_it_is_due(world, published):
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(
        attempts=1, enqueued_at=None, next_attempt_at=timezone.now() + timedelta(seconds=30))

    assert outbox_sweep()["due"] == 0
    make_due(row)
    assert outbox_sweep()["published"] == 1
    assert published == [row.pk]


def test_resend_gives_a_failed_email_fresh_attempts(world, published,
                                                    django_capture_on_commit_callbacks):
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=6,
                                                   last_error="550 no")

    with django_capture_on_commit_callbacks(execute=True):
        outbox_email_resend(email=row, by=world.pd)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.resent_by) == (Status.QUEUED, 0, world.pd)
    assert published == [row.pk]


def test_resend_refuses_an_email_that_has_not_failed(world, published):
    row = queue_one(world)
    OutboundEmail.objects.filter(pk=row.pk).update(status=Status.SENT)

    with pytest.raises(EmailNotResendable):
        outbox_email_resend(email=row, by=world.pd)
    row.refresh_from_db()
    assert row.status == Status.SENT


@pytest.fixture
def eager_tasks():
    """Tasks run in this process, as under clic/settings/dev.py."""
    from clic.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_make_run_settings_write_each_email_as_a_file_and_mark_it_sent(
        world, settings, tmp_path, eager_tasks, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "clic.mail.backends.MessageFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    day = world.cohort.start_date + datetime.timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        sop_notify(code="S5", event_key="absence:1", about=world.placement,
                   placement=world.placement, context={"days": [day]})

    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {Status.SENT}
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 3
    messages = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
                for f in files]
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == [
        "ekccgs.quality@nhs.net", "lead@nhs.test", "supervisor@nhs.test"]
    assert all(m["Subject"].startswith("Sickness absence: Dr Trainee") for m in messages)
    assert "sickness absence" in messages[0].get_body(("plain",)).get_content()


def sickness_rows(world):
    """Three S5 emails: the supervisor, the project lead and the CCG admin mailbox."""
    return sop_notify(code="S5", event_key="absence:1", about=world.placement,
                      placement=world.placement, context={"days": [world.cohort.start_date]})


def test_batch_sends_every_email_once(world, smtp_settings, smtp_server):
    rows = sickness_rows(world)
    ids = [row.pk for row in rows]

    assert outbox_emails_send(email_ids=ids) == dict.fromkeys(ids, Status.SENT)
    assert outbox_emails_send(email_ids=ids) == dict.fromkeys(ids)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == [
        "ekccgs.quality@nhs.net", "lead@nhs.test", "supervisor@nhs.test"]


def test_batch_refused_recipient_does_not_hold_up_the_others(world, smtp_settings, smtp_server):
    smtp_server.sink.reject["lead@nhs.test"] = "550 5.1.1 Mailbox unavailable"
    rows = sickness_rows(world)

    results = outbox_emails_send(email_ids=[row.pk for row in rows])

    assert {row.to_email: results[row.pk] for row in rows} == {
        "supervisor@nhs.test": Status.SENT, "lead@nhs.test": Status.FAILED,
        "ekccgs.quality@nhs.net": Status.SENT}
    assert len(smtp_server.messages) == 2


def test_batch_to_an_unreachable_server_tries_to_connect_once(world, settings, monkeypatch):
    from django.core.mail.backends import smtp

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    opened = []
    real_open = smtp.EmailBackend.open
    monkeypatch.setattr(smtp.EmailBackend, "open",
                        lambda self: opened.append(1) or real_open(self))
    rows = sickness_rows(world)

    results = outbox_emails_send(email_ids=[row.pk for row in rows])

    assert set(results.values()) == {Status.QUEUED}
    assert len(opened) == 1
    for row in OutboundEmail.objects.all():
        assert row.attempts == 1
        assert "Connection refused" in row.last_error


def test_batch_stops_at_the_soft_time_limit_and_leaves_the_rest_queued(world, mailoutbox,
                                                                       monkeypatch):
    from clic.mail import services

    rows = sickness_rows(world)
    real_build = services.build_message

    def slow_first(email):
        if email.pk == rows[0].pk:
            raise SoftTimeLimitExceeded()
        return real_build(email)

    monkeypatch.setattr(services, "build_message", slow_first)

    results = outbox_emails_send(email_ids=[row.pk for row in rows])

    assert results == {rows[0].pk: Status.QUEUED, rows[1].pk: None, rows[2].pk: None}
    assert OutboundEmail.objects.filter(attempts=0, status=Status.QUEUED).count() == 2
    assert mailoutbox == []
