"""Queueing: who gets a row, what it says, and that it exists only if the change commits."""

import datetime
import email
import email.policy

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from kombu.exceptions import OperationalError

from clic.accounts.models import Role
from clic.mail.models import OutboundEmail
from clic.mail.services import (
    Attachment,
    email_queue_rendered,
    email_queue_template,
    outbox_email_send,
    sop_addressees,
    sop_notify,
)
from tests import factories
from tests.fixtures.people import give_role

pytestmark = pytest.mark.django_db


def notify(world, code="S5", key="absence:1", **kwargs):
    kwargs.setdefault("context", {"days": [world.cohort.start_date + datetime.timedelta(days=3)]})
    return sop_notify(code=code, event_key=key, about=world.placement, placement=world.placement,
                      **kwargs)


def recipients(rows):
    return sorted(row.to_email for row in rows)


def test_sop_notify_writes_one_row_per_recipient_of_the_row(world, published,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(world)

    assert recipients(rows) == ["ekccgs.quality@nhs.net", "lead@nhs.test", "supervisor@nhs.test"]
    assert {row.code for row in rows} == {"S5"}
    assert {row.status for row in rows} == {OutboundEmail.Status.QUEUED}
    assert {row.placement for row in rows} == {world.placement}
    assert {row.cohort for row in rows} == {world.cohort}
    assert {row.about for row in rows} == {world.placement}
    supervisor_row = next(row for row in rows if row.to_email == "supervisor@nhs.test")
    assert supervisor_row.to_name == "Dr Supervisor"
    assert supervisor_row.recipient_roles == "CCG Supervisor"
    assert supervisor_row.to_header == "Dr Supervisor <supervisor@nhs.test>"
    assert sorted(published) == sorted(row.pk for row in rows)


def test_sop_notify_publishes_nothing_until_commit(world, published,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(world)

    assert published == []
    assert len(callbacks) == 1


def test_sop_notify_rolled_back_leaves_no_row_and_publishes_nothing(world, published):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(world)
        raise RuntimeError("the absence failed to save")

    assert not OutboundEmail.objects.exists()
    assert published == []


def test_sop_notify_same_event_twice_returns_the_existing_rows(world, published,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(world)
    with django_capture_on_commit_callbacks(execute=True):
        second = notify(world)

    assert [row.pk for row in second] == [row.pk for row in first]
    assert OutboundEmail.objects.count() == 3
    assert len(published) == 3


def test_sop_notify_deduplicates_a_person_holding_two_roles(world):
    world.placement.educational_supervisor = world.pd
    world.placement.save()

    rows = notify(world, code="S13", key="presentation:1", context={})

    pd_rows = [row for row in rows if row.to_email == "pd@nhs.test"]
    assert len(pd_rows) == 1
    assert pd_rows[0].recipient_roles == "Educational Supervisor, Programme Director"


def test_sop_notify_deduplicates_addresses_case_insensitively(world):
    world.ccg.admin_mailbox = "Supervisor@NHS.test"
    world.ccg.save()

    rows = notify(world)

    assert recipients(rows) == ["lead@nhs.test", "supervisor@nhs.test"]
    assert OutboundEmail.objects.get(to_email="supervisor@nhs.test").recipient_roles == (
        "CCG Supervisor, CCG admin mailbox")


def test_sop_notify_resolves_programme_and_ccg_roles(world):
    give_role(world.es, Role.PA, world.programme)  # a second PA

    assert recipients(notify(world, code="S6", key="a:6")) == [
        "es@nhs.test", "pa@nhs.test", "pd@nhs.test"]
    assert recipients(notify(world, code="S15", key="c:15", context={})) == [
        "chair@nhs.test", "supervisor@nhs.test"]
    assert recipients(notify(world, code="S12", key="s:12", context={})) == [
        world.ccg.committee_email]
    assert recipients(notify(world, code="S16", key="a:16", context={})) == [
        "es@nhs.test", "trainee@nhs.test"]


def test_sop_notify_presentation_goes_to_peers_but_not_to_the_presenter(world):
    peer = factories.PlacementFactory(cohort=world.cohort, ccg_supervisor=world.supervisor,
                                      project_lead=None).trainee

    rows = notify(world, code="S13", key="presentation:1", context={})

    assert recipients(rows) == sorted(["supervisor@nhs.test", "lead@nhs.test", "es@nhs.test",
                                       peer.email, "chair@nhs.test", "pd@nhs.test"])


def test_sop_notify_uses_the_people_in_post_when_the_event_happens(world):
    notify(world, key="absence:1")
    new_supervisor = factories.UserFactory(email="new.supervisor@nhs.test")
    world.placement.ccg_supervisor = new_supervisor
    world.placement.project_lead = None
    world.placement.save()

    rows = notify(world, key="absence:2")

    assert recipients(rows) == ["ekccgs.quality@nhs.net", "new.supervisor@nhs.test"]
    assert OutboundEmail.objects.filter(to_email="supervisor@nhs.test").count() == 1


def test_sop_notify_skips_people_no_longer_active(world):
    world.lead.is_active = False
    world.lead.save()

    assert recipients(notify(world)) == ["ekccgs.quality@nhs.net", "supervisor@nhs.test"]


def test_sop_notify_for_a_cohort_tells_each_supervisor_about_their_own_trainees(world):
    second = factories.PlacementFactory(cohort=world.cohort, trainee__full_name="Dr Second",
                                        ccg_supervisor__email="second.sup@nhs.test")

    rows = sop_notify(code="S3", event_key="cohort-published:1", about=world.cohort,
                      cohort=world.cohort)

    by_address = {row.to_email: row for row in rows}
    assert sorted(by_address) == ["second.sup@nhs.test", "supervisor@nhs.test"]
    assert "Dr Trainee" in by_address["supervisor@nhs.test"].body_text
    assert "Dr Second" not in by_address["supervisor@nhs.test"].body_text
    assert "Dr Second" in by_address["second.sup@nhs.test"].body_text
    # Each supervisor's row is filed under their own trainee, for the trainee's timeline.
    assert by_address["second.sup@nhs.test"].placement == second


def test_sop_notify_recipients_override_names_the_people_of_a_meeting(world):
    rows = notify(world, code="S9", key="late:1", context={"meeting": "Week 8 review"},
                  recipients_override=[world.supervisor, "Guest.Speaker@example.org"])

    assert recipients(rows) == ["guest.speaker@example.org", "supervisor@nhs.test"]
    assert "running late for Week 8 review" in rows[0].body_text


@pytest.mark.parametrize("code", ["S1", "S3", "S5", "S6", "S7", "S13", "S16", "S17R"])
def test_sop_addressees_names_exactly_whom_sop_notify_emails(world, code):
    factories.PlacementFactory(cohort=world.cohort, ccg_supervisor=world.supervisor)
    give_role(world.es, Role.PA, world.programme)

    named = sop_addressees(code=code, about=world.placement, placement=world.placement)
    rows = notify(world, code=code, key=f"preview:{code}", context={})

    assert sorted(a.email for a in named) == recipients(rows)
    assert named


def test_sop_addressees_for_a_whole_cohort_names_every_trainees_people(world):
    second = factories.PlacementFactory(cohort=world.cohort,
                                        ccg_supervisor__email="second.sup@nhs.test")

    named = sop_addressees(code="S3", about=world.cohort, cohort=world.cohort)
    rows = sop_notify(code="S3", event_key="cohort-published:2", about=world.cohort,
                      cohort=world.cohort)

    assert sorted(a.email for a in named) == recipients(rows) == [
        "second.sup@nhs.test", "supervisor@nhs.test"]
    assert [p for a in named for p in a.placements if a.email == "second.sup@nhs.test"] == [
        second]


def test_sop_notify_rejects_an_unknown_code_or_a_missing_placement(world):
    with pytest.raises(ValueError, match="No row"):
        sop_notify(code="S99", event_key="x", about=world.placement, placement=world.placement)
    with pytest.raises(ValueError, match="needs the placement or cohort"):
        sop_notify(code="S5", event_key="x", about=world.pd)


def test_sickness_email_says_sickness_absence_and_dates_never_a_note(world):
    day = world.cohort.start_date + datetime.timedelta(days=3)

    rows = notify(world, context={"days": [day], "note": "Migraine, see GP letter",
                                  "reason": "Migraine"})

    for row in rows:
        for text in (row.subject, row.body_text, row.body_html):
            assert "Migraine" not in text
        assert "sickness absence" in row.body_text
        assert day.strftime("%-d %B %Y") in row.body_text
        assert "Dr Trainee" in row.body_text
        assert "https://clic.test/" in row.body_text


def test_email_body_says_who_what_and_what_to_do_with_a_link(world):
    rows = notify(world, code="S4", key="lead:1", context={"path": "/placements/1/"})

    lead_row = next(row for row in rows if row.to_email == "lead@nhs.test")
    assert lead_row.subject == "CLIC: you are Project Lead for Dr Trainee"
    assert "Dear Dr Lead," in lead_row.body_text
    assert "please arrange to meet Dr Trainee in week 1 or 2" in lead_row.body_text
    assert "https://clic.test/placements/1/" in lead_row.body_text
    assert '<a href="https://clic.test/placements/1/">' in lead_row.body_html


def test_html_body_escapes_names_and_text_body_does_not(world):
    world.trainee.full_name = "Dr O'Brien <b>"
    world.trainee.save()

    row = notify(world)[0]

    assert "Dr O'Brien <b>" in row.body_text
    assert "Dr O&#x27;Brien &lt;b&gt;" in row.body_html


def test_invitation_is_queued_through_the_outbox(world, mailoutbox):
    from clic.accounts.services import invitation_send

    invitation_send(user=world.trainee, invited_by=world.pd)

    row = OutboundEmail.objects.get(code="INVITE")
    assert row.to_email == "trainee@nhs.test"
    assert row.to_name == "Dr Trainee"
    assert "/invitation/" in row.body_text
    assert "Dr Pd has given you an account" in row.body_text
    assert mailoutbox == []  # sent by the worker, never in the request


def test_email_queue_template_writes_one_row_per_distinct_address(world):
    rows = email_queue_template(code="INVITE", to=["A@nhs.test", "a@nhs.test", "Bee <b@nhs.test>"],
                                template="mail/invitation",
                                context={"user": world.trainee, "invited_by": None, "url": "u"},
                                event_key="invitation:x")

    assert recipients(rows) == ["a@nhs.test", "b@nhs.test"]
    assert {row.idempotency_key for row in rows} == {"invitation:x:a@nhs.test",
                                                     "invitation:x:b@nhs.test"}


def test_email_queue_rendered_keeps_allauths_wording_one_row_per_recipient(db):
    message = EmailMultiAlternatives("Reset your\npassword", "Use this link", "x@example.org",
                                     ["one@nhs.test"], cc=["two@nhs.test"])
    message.attach_alternative("<p>Use this link</p>", "text/html")

    rows = email_queue_rendered(code="ACCOUNT", message=message, event_key="account:reset:k")

    assert recipients(rows) == ["one@nhs.test", "two@nhs.test"]
    assert rows[0].subject == "Reset your password"
    assert rows[0].body_text == "Use this link"
    assert rows[0].body_html == "<p>Use this link</p>"


def test_publishing_with_the_broker_down_never_raises_and_leaves_rows_for_the_sweeper(
        world, monkeypatch, django_capture_on_commit_callbacks):
    from clic.mail.tasks import outbox_send, outbox_send_batch

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(outbox_send, "apply_async", broker_down)
    monkeypatch.setattr(outbox_send_batch, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(world)

    assert OutboundEmail.objects.count() == 3
    assert set(OutboundEmail.objects.values_list("enqueued_at", flat=True)) == {None}
    assert {row.pk for row in rows} == set(OutboundEmail.objects.values_list("pk", flat=True))


def test_calendar_invitation_is_attached_as_a_request(world, mailoutbox):
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    rows = notify(world, code="S13", key="presentation:1", context={},
                  attachments=[Attachment("presentation.ics", ics,
                                          "text/calendar; method=REQUEST; charset=utf-8")])

    assert outbox_email_send(email_id=rows[0].pk) == OutboundEmail.Status.SENT

    message = email.message_from_bytes(mailoutbox[0].message().as_bytes(),
                                       policy=email.policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == "presentation.ics"
    assert part.get_content().splitlines() == ics.splitlines()
    assert "accept or decline the calendar invitation attached" in rows[0].body_text


def test_binary_attachment_survives_the_outbox(world, mailoutbox):
    slide = b"%PDF-1.4\x00\xff binary"
    rows = notify(world, code="S12", key="slide:1", context={},
                  attachments=[("summary.pdf", slide, "application/pdf")])

    outbox_email_send(email_id=rows[0].pk)

    message = email.message_from_bytes(mailoutbox[0].message().as_bytes(),
                                       policy=email.policy.default)
    part = next(p for p in message.walk() if p.get_filename() == "summary.pdf")
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == slide
