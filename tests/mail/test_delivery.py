"""End to end against the real services: PostgreSQL, Redis, a `celery worker` subprocess and
an aiosmtpd server. Each test makes a change in its own transaction, as a request would."""

import datetime
import time

import pytest
from django.db import transaction
from django.utils import timezone

from clic.mail.models import OutboundEmail
from clic.mail.services import outbox_sweep, publish_send_tasks, sop_notify
from tests import factories
from tests.fixtures.services import CeleryWorker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Status = OutboundEmail.Status


def report_sickness(world, key="absence:1"):
    """A trainee's sickness on their project day, saved with its S5 emails in one transaction."""
    day = world.cohort.start_date + datetime.timedelta(days=3)
    with transaction.atomic():
        world.placement.save()  # stands for the absence row the absences app writes
        return sop_notify(code="S5", event_key=key, about=world.placement,
                          placement=world.placement, context={"days": [day]})


def raise_concern(world, key="concern:1"):
    """An S14 email: one message, to the cohort's PD."""
    with transaction.atomic():
        [row] = sop_notify(code="S14", event_key=key, about=world.placement,
                           placement=world.placement)
    return row


def status_of(row):
    return OutboundEmail.objects.values_list("status", flat=True).get(pk=row.pk)


def wait_for_status(row, status, **kwargs):
    wait_until(lambda: status_of(row) == status, message=f"email {row.pk} to be {status}",
               **kwargs)
    row.refresh_from_db()
    return row


def addresses(messages):
    return sorted(address for m in messages for address in m.rcpt_tos)


def settle(smtp_server, world):
    """Wait until every email is sent or failed, then send one more and wait for it: a stray
    task published before it has been consumed by then, so the messages that follow are
    final without sleeping."""
    wait_until(lambda: not OutboundEmail.objects.filter(
        status__in=[Status.QUEUED, Status.SENDING]).exists(), message="the outbox to settle")
    before = len(smtp_server.messages)
    sentinel = raise_concern(world, key=f"sentinel:{time.monotonic_ns()}")
    smtp_server.wait_for(before + 1)
    wait_for_status(sentinel, Status.SENT)
    return [m for m in smtp_server.messages if m.message["Message-ID"] != sentinel.message_id]


def test_sickness_on_project_day_reaches_each_recipient_at_the_smtp_server(
        world, celery_worker_process, smtp_server):
    rows = report_sickness(world)

    messages = smtp_server.wait_for(3)

    assert addresses(messages) == ["ekccgs.quality@nhs.net", "lead@nhs.test",
                                   "supervisor@nhs.test"]
    by_address = {m.rcpt_tos[0]: m.message for m in messages}
    supervisor = by_address["supervisor@nhs.test"]
    assert supervisor["To"] == "Dr Supervisor <supervisor@nhs.test>"
    assert supervisor["Reply-To"] == "Dr Trainee <trainee@nhs.test>, ekccgs.quality@nhs.net"
    assert supervisor["Subject"].startswith("Sickness absence: Dr Trainee")
    assert "sickness absence on their CCG project day" in (
        supervisor.get_body(("plain",)).get_content())
    assert by_address["ekccgs.quality@nhs.net"]["To"] == "ekccgs.quality@nhs.net"
    for row in rows:
        row = wait_for_status(row, Status.SENT)
        assert row.attempts == 1
        assert by_address[row.to_email]["Message-ID"] == row.message_id


def test_change_made_while_the_broker_is_down_is_saved_and_sent_once_when_it_is_back(
        world, celery_worker_process, smtp_server, redis_server, monkeypatch):
    from clic.mail.tasks import outbox_send, outbox_send_batch

    redis_server.stop()

    rows = report_sickness(world)
    assert sorted(OutboundEmail.objects.values_list("status", "enqueued_at")) == [
        (Status.QUEUED, None)] * 3
    # The broker refused: the next change does not wait for it again, and leaves its email
    # to the sweeper at once.
    tries = []
    monkeypatch.setattr(outbox_send, "apply_async", lambda *args, **kwargs: tries.append(args))
    monkeypatch.setattr(outbox_send_batch, "apply_async",
                        lambda *args, **kwargs: tries.append(args))
    concern = raise_concern(world)
    assert tries == []
    assert OutboundEmail.objects.get(pk=concern.pk).enqueued_at is None
    monkeypatch.undo()

    redis_server.start()
    assert outbox_sweep()["published"] == 4
    smtp_server.wait_for(4, timeout=30)  # the worker reconnects on its own
    for row in [*rows, concern]:
        wait_for_status(row, Status.SENT)

    assert outbox_sweep()["published"] == 0
    assert addresses(settle(smtp_server, world)) == [
        "ekccgs.quality@nhs.net", "lead@nhs.test", "pd@nhs.test", "supervisor@nhs.test"]


def test_smtp_server_down_retries_with_growing_delays_then_delivers(
        world, celery_worker_process, smtp_server):
    smtp_server.stop()
    row = raise_concern(world)

    wait_until(lambda: OutboundEmail.objects.filter(pk=row.pk, attempts=1,
                                                    status=Status.QUEUED).exists(),
               message="the first attempt to fail")
    row.refresh_from_db()
    assert "Connection refused" in row.last_error
    first_delay = row.next_attempt_at - row.claimed_at
    assert outbox_sweep()["due"] == 0  # not before its delay

    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox_sweep()["published"] == 1
    wait_until(lambda: OutboundEmail.objects.filter(pk=row.pk, attempts=2,
                                                    status=Status.QUEUED).exists(),
               message="the second attempt to fail")
    row.refresh_from_db()
    assert row.next_attempt_at - row.claimed_at > first_delay

    smtp_server.start()
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox_sweep()["published"] == 1
    row = wait_for_status(row, Status.SENT)

    assert row.attempts == 3
    assert addresses(settle(smtp_server, world)) == ["pd@nhs.test"]


def test_permanent_rejection_fails_at_once_shows_as_failed_and_can_be_sent_again(
        world, celery_worker_process, smtp_server, client):
    smtp_server.sink.reject["lead@nhs.test"] = "550 5.1.1 Mailbox unavailable"
    rows = report_sickness(world)
    lead_row = next(row for row in rows if row.to_email == "lead@nhs.test")

    lead_row = wait_for_status(lead_row, Status.FAILED)
    assert lead_row.attempts == 1
    assert "550 5.1.1 Mailbox unavailable" in lead_row.last_error
    assert addresses(smtp_server.wait_for(2)) == ["ekccgs.quality@nhs.net",
                                                  "supervisor@nhs.test"]

    client.force_login(world.pd)
    page = client.get("/outbox/", {"status": "failed"}).content.decode()
    assert "lead@nhs.test" in page
    assert "550 5.1.1 Mailbox unavailable" in page
    assert "supervisor@nhs.test" not in page

    del smtp_server.sink.reject["lead@nhs.test"]
    client.post(f"/outbox/{lead_row.pk}/resend/")
    lead_row = wait_for_status(lead_row, Status.SENT)
    assert lead_row.resent_by == world.pd
    assert addresses(settle(smtp_server, world)) == [
        "ekccgs.quality@nhs.net", "lead@nhs.test", "supervisor@nhs.test"]


def test_worker_killed_while_sending_is_recovered_by_the_sweeper_and_delivered_once(
        world, celery_worker_process, smtp_server, settings):
    smtp_server.sink.hold()
    row = raise_concern(world)
    assert smtp_server.sink.holding.wait(15), "the worker never reached DATA"
    assert status_of(row) == Status.SENDING

    celery_worker_process.kill()
    smtp_server.sink.release()
    celery_worker_process.start()
    assert outbox_sweep()["recovered"] == 0  # a claim with a recent heartbeat is left alone...
    # ... until its heartbeat is older than the timeout (the test worker beats every second).
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 3
    wait_until(lambda: outbox_sweep()["recovered"] == 1, interval=0.5,
               message="the sweeper to take the dead worker's claim back")

    row = wait_for_status(row, Status.SENT)
    assert row.attempts == 2
    assert addresses(settle(smtp_server, world)) == ["pd@nhs.test"]


def test_send_slower_than_the_heartbeat_timeout_keeps_its_claim_while_its_worker_lives(
        world, celery_worker_process, smtp_server, settings):
    settings.CLIC_MAIL_HEARTBEAT_TIMEOUT = 3
    smtp_server.sink.hold()
    row = raise_concern(world)
    assert smtp_server.sink.holding.wait(15), "the worker never reached DATA"
    claimed_at = OutboundEmail.objects.get(pk=row.pk).claimed_at

    # The worker's heartbeat shows the send has lasted longer than the timeout...
    wait_until(lambda: OutboundEmail.objects.filter(
        pk=row.pk, status=Status.SENDING,
        heartbeat_at__gt=claimed_at + datetime.timedelta(seconds=4)).exists(),
        message="the heartbeat to outlast the timeout")
    assert outbox_sweep()["recovered"] == 0  # ... and the claim stays with it.

    smtp_server.sink.release()  # the held message is refused: its own worker records it
    row = wait_for_status(row, Status.QUEUED)
    assert row.attempts == 1
    assert row.last_error.startswith("451")


def test_rolled_back_transaction_sends_nothing(world, celery_worker_process, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        sop_notify(code="S5", event_key="absence:1", about=world.placement,
                   placement=world.placement, context={"days": [world.cohort.start_date]})
        raise RuntimeError("the absence failed validation")

    assert not OutboundEmail.objects.exists()
    assert settle(smtp_server, world) == []


def test_same_event_raised_twice_sends_one_email_per_recipient(
        world, celery_worker_process, smtp_server):
    report_sickness(world)
    report_sickness(world)

    assert OutboundEmail.objects.count() == 3
    assert addresses(settle(smtp_server, world)) == [
        "ekccgs.quality@nhs.net", "lead@nhs.test", "supervisor@nhs.test"]


def test_worker_sends_a_burst_of_emails_each_once(world, celery_worker_process, smtp_server):
    trainees = [factories.PlacementFactory(cohort=world.cohort) for _ in range(20)]
    with transaction.atomic():
        rows = sop_notify(code="S17", event_key="end:1", about=world.cohort, cohort=world.cohort)

    assert len(rows) == len(trainees) + 1
    messages = smtp_server.wait_for(len(rows))
    assert addresses(messages) == sorted(row.to_email for row in rows)
    wait_until(lambda: not OutboundEmail.objects.exclude(status=Status.SENT).exists(),
               message="every row to be sent")


def test_two_workers_given_the_same_batch_send_each_email_once(
        world, celery_worker_process, smtp_server, tmp_path):
    """Scaling out: a second worker process, and every send task published twice, so that
    both workers hold the same rows at once; each row's claim lets only one send it."""
    second = CeleryWorker(celery_worker_process.env, tmp_path / "second-worker.log",
                          name="second")
    second.start()
    try:
        for _ in range(30):
            factories.PlacementFactory(cohort=world.cohort)
        with transaction.atomic():
            rows = sop_notify(code="S17", event_key="end:2", about=world.cohort,
                              cohort=world.cohort)
        publish_send_tasks([row.pk for row in rows])

        messages = settle(smtp_server, world)
    finally:
        second.stop()

    assert len(rows) == 31
    assert sorted(m.message["Message-ID"] for m in messages) == sorted(r.message_id for r in rows)
    assert not OutboundEmail.objects.exclude(status=Status.SENT).exists()
