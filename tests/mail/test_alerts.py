"""Knowing when mail breaks: /healthz's outbox figures, and the beat task that tells the
PDs and PAs, through the outbox, once per incident."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clic.mail.models import OutboundEmail
from clic.mail.services import ALERT_CODE, outbox_alert_raise, sop_notify

pytestmark = pytest.mark.django_db

Status = OutboundEmail.Status


def concern(world, key, **changes):
    """An S14 email (to the cohort's PD, naming the trainee), then set as the test needs."""
    [row] = sop_notify(code="S14", event_key=key, about=world.placement,
                       placement=world.placement, context={"raised_by": world.supervisor})
    OutboundEmail.objects.filter(pk=row.pk).update(**changes)
    return row


def alerts():
    return OutboundEmail.objects.filter(code=ALERT_CODE)


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_healthz_gives_the_queue_its_oldest_age_and_the_last_days_failures(client, world):
    concern(world, "queued:old", created_at=ago(minutes=20))
    concern(world, "queued:new")
    concern(world, "failed:today", status=Status.FAILED, claimed_at=ago(hours=2))
    concern(world, "failed:long-ago", status=Status.FAILED, claimed_at=ago(days=2))
    concern(world, "sent", status=Status.SENT)

    outbox = client.get(reverse("healthz")).json()["outbox"]

    assert outbox["queued"] == 2 and outbox["failed_last_day"] == 1
    assert 20 * 60 <= outbox["oldest_queued_seconds"] < 60 * 60
    assert world.trainee.full_name not in str(outbox)


def test_healthz_outbox_is_empty_when_nothing_waits(client, db):
    assert client.get(reverse("healthz")).json()["outbox"] == {
        "queued": 0, "oldest_queued_seconds": None, "failed_last_day": 0}


def test_a_permanent_failure_tells_every_pd_and_pa_once(world, caplog):
    concern(world, "failed:1", status=Status.FAILED, claimed_at=ago(minutes=1),
            last_error="550 5.1.1 mailbox unknown")

    with caplog.at_level(logging.ERROR, logger="clic.mail.services"):
        rows = outbox_alert_raise()
    again = outbox_alert_raise()

    assert sorted(row.to_email for row in rows) == sorted(
        [world.pd.email, world.pa.email, world.other_pd.email])
    assert again == [] and alerts().count() == 3
    assert rows[0].subject == "CLIC emails failed: 1 could not be sent"
    assert "/outbox/" in rows[0].body_text
    assert world.trainee.full_name not in rows[0].body_text + rows[0].subject
    assert "Outbox alert outbox-alert:failed:" in caplog.text


def test_a_later_failure_is_a_new_incident(world):
    concern(world, "failed:1", status=Status.FAILED, claimed_at=ago(minutes=10))
    outbox_alert_raise()
    OutboundEmail.objects.filter(code=ALERT_CODE).update(created_at=ago(minutes=5))

    concern(world, "failed:2", status=Status.FAILED, claimed_at=ago(minutes=1))
    rows = outbox_alert_raise()

    assert len(rows) == 3 and alerts().count() == 6


def test_a_queue_stuck_past_fifteen_minutes_tells_them_once_and_logs_an_error(world, caplog):
    concern(world, "stuck", created_at=ago(minutes=16))

    with caplog.at_level(logging.ERROR, logger="clic.mail.services"):
        rows = outbox_alert_raise()
    outbox_alert_raise()

    assert len(rows) == 3 and alerts().count() == 3
    assert rows[0].subject == "CLIC emails are waiting: the oldest for 16 minutes"
    assert [r.levelname for r in caplog.records if "outbox-alert:stuck" in r.getMessage()] == [
        "ERROR"]


def test_a_queue_within_fifteen_minutes_and_old_failures_raise_nothing(world):
    concern(world, "waiting", created_at=ago(minutes=14))
    concern(world, "failed:old", status=Status.FAILED, claimed_at=ago(days=2))

    assert outbox_alert_raise() == []


def test_alerts_that_cannot_be_sent_do_not_raise_alerts_of_their_own(world):
    concern(world, "stuck", created_at=ago(minutes=16))
    outbox_alert_raise()
    alerts().update(status=Status.FAILED, claimed_at=ago(minutes=1), created_at=ago(minutes=30))

    assert outbox_alert_raise() == []
