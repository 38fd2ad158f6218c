"""Whom a reply reaches: every catalogue row declares it, the outbox row stores it when the
email is queued, and the message on the wire carries it as its Reply-To header."""

import pytest
from django.core.mail import EmailMessage

from clic.mail.catalogue import CATALOGUE, reply_to_descriptions
from clic.mail.services import (
    build_message,
    email_queue_rendered,
    email_queue_template,
    sop_notify,
)

pytestmark = pytest.mark.django_db

CCG_MAILBOX = "ekccgs.quality@nhs.net"

# Whom a reply to each row's email reaches, by the world's people ("ccg_admin" is the CCG's
# admin mailbox), before the recipient themselves is taken out.
EXPECTED_REPLY_TO = {
    "S1": {"pd"}, "S2": {"pd"}, "S3": {"pd"}, "S4": {"trainee", "lead"},
    "S5": {"trainee", "ccg_admin"}, "S6": {"trainee"}, "S7": {"trainee"}, "S8": {"trainee"},
    "S9": {"trainee"}, "S10": {"pd"}, "S11": {"trainee"}, "S12": {"supervisor"},
    "S13": {"pd"}, "S14": {"supervisor"}, "S15": {"lead"}, "S16": {"pd"}, "S17": {"pd"},
    "S13U": {"pd"}, "S13X": {"pd"}, "S13R": {"pd"}, "S17R": {"pd"}, "REFLECT": {"pd"},
    "MEETING_DUE": {"trainee"}, "MEETING_OVERDUE": {"supervisor"},
    "ABS-SICK-CHANGED": {"trainee"}, "ABS-SICK-WITHDRAWN": {"trainee"},
    "ABS-CHANGED": {"trainee"}, "ABS-DECISION": {"pd"}, "PROJECT_AGREED": {"supervisor"},
    "MEETING_INVITE": {"supervisor"}, "MEETING_CANCELLED": {"supervisor"},
    "INVITE": {"pd"}, "ACCOUNT": set(), "OUTBOX-ALERT": set(), "OPP-DIGEST": set(),
    "MENTOR-PAIRED": {"pd"},
    "SURVEY": {"pd"}, "SURVEY-REMIND": {"pd"},
    "INTERESTS-REMINDER": set(),
}


def _address(world, label):
    return CCG_MAILBOX if label == "ccg_admin" else getattr(world, label).email


def _queue(world, row):
    """The row's emails for the world's trainee, with the people its events name."""
    if row.code == "INVITE":
        return email_queue_template(
            code="INVITE", to=["new.person@nhs.test"], template=row.template,
            context={"user": world.other_trainee, "invited_by": world.pd, "url": "/x/"},
            event_key="invite:test")
    if row.code == "OUTBOX-ALERT":
        return email_queue_template(
            code="OUTBOX-ALERT", to=[world.pd.email, world.pa.email], template=row.template,
            context={"failed": 1, "queued": 0, "failed_last_day": 1, "path": "/outbox/"},
            event_key="outbox-alert:test")
    if row.code == "OPP-DIGEST":
        return email_queue_template(
            code="OPP-DIGEST", to=[world.trainee.email], template=row.template,
            context={"opportunities": [], "since": world.cohort.start_date, "path": "/x/",
                     "unsubscribe_path": "/x/"}, event_key="opportunity-digest:test")
    if row.code == "MENTOR-PAIRED":
        return email_queue_template(
            code="MENTOR-PAIRED", to=[world.other_trainee.email, world.trainee.email],
            template=row.template, about=world.placement, event_key="mentor-paired:test",
            context={"mentor": world.other_trainee, "trainee": world.trainee,
                     "cohort": world.cohort, "offer": "Project work", "paired_by": world.pd,
                     "path": "/mentoring/1/"})
    if row.code in ("SURVEY", "SURVEY-REMIND"):
        return email_queue_template(
            code=row.code, to=[world.trainee.email, world.supervisor.email],
            template=row.template, context={"invited_by": world.pd, "path": "/surveys/1/"},
            event_key=f"{row.code}:test")
    if row.code == "INTERESTS-REMINDER":
        return email_queue_template(
            code=row.code, to=[world.supervisor.email], template=row.template,
            context={"because": "CCG Supervisor", "last_declared": None, "path": "/interests/"},
            event_key="interests-reminder:test")
    if row.code == "ACCOUNT":
        return email_queue_rendered(code="ACCOUNT", message=EmailMessage(
            subject="Reset your password", body="A link", to=[world.trainee.email]),
            event_key="account:test")
    world.ccg.committee_email = "committee@nhs.test"
    world.ccg.save()
    raised_by = world.lead if row.code == "S15" else world.supervisor
    return sop_notify(code=row.code, event_key=f"reply-to:{row.code}", about=world.placement,
                      placement=world.placement,
                      context={"raised_by": raised_by, "decided_by": world.pd,
                               "arranger_person": world.supervisor,
                               "arranged_by": world.supervisor, "days": [], "part": ""})


@pytest.mark.parametrize("row", CATALOGUE, ids=lambda row: row.code)
def test_every_row_sends_its_reply_to_header(world, row):
    emails = _queue(world, row)
    expected = {_address(world, label) for label in EXPECTED_REPLY_TO[row.code]}

    assert emails
    for email in emails:
        message = build_message(email)
        replies = {address.rpartition("<")[2].rstrip(">") for address in message.reply_to}
        assert replies == expected - {email.to_email}, (row.code, email.to_email)
        if not replies:
            assert "Reply-To" not in message.message()
        if CCG_MAILBOX in replies:
            assert row.about_ccg_day, row.code


def test_every_row_is_in_the_table_of_replies():
    assert {row.code for row in CATALOGUE} == set(EXPECTED_REPLY_TO)


def test_the_ccg_mailbox_is_a_reply_address_only_for_a_ccg_day():
    rows = [row.code for row in CATALOGUE if "ccg_admin" in EXPECTED_REPLY_TO[row.code]]

    assert rows == ["S5"]
    assert all(row.about_ccg_day for row in CATALOGUE if row.code in rows)


def test_a_monday_sickness_reply_reaches_the_trainee_not_the_ccg(world):
    [to_pd] = [email for email in sop_notify(
        code="S6", event_key="s6:monday", about=world.placement, placement=world.placement,
        context={"days": [world.cohort.start_date], "part": ""}) if email.to_email == "pd@nhs.test"]

    assert build_message(to_pd).reply_to == ["Dr Trainee <trainee@nhs.test>"]
    assert "A reply to this email reaches Dr Trainee." in to_pd.body_text


def test_a_reply_to_names_names_with_a_comma_in_quotes(world):
    world.trainee.full_name = "Trainee, Dr A"
    world.trainee.save()
    [email, *_] = sop_notify(code="S6", event_key="s6:comma", about=world.placement,
                             placement=world.placement, context={"days": [], "part": ""})

    assert build_message(email).reply_to == ['"Trainee, Dr A" <trainee@nhs.test>']


def test_a_cohort_wide_email_replies_only_to_the_readers_own_trainees(world):
    from tests import factories

    second = factories.PlacementFactory(cohort=world.cohort)
    emails = sop_notify(code="S11", event_key="s11:cohort", about=world.cohort,
                        cohort=world.cohort, recipients_override=["ccg_supervisor"])
    by_address = {email.to_email: build_message(email).reply_to for email in emails}

    assert by_address["supervisor@nhs.test"] == ["Dr Trainee <trainee@nhs.test>"]
    assert by_address[second.ccg_supervisor.email] == [
        f"{second.trainee.full_name} <{second.trainee.email}>"]


def test_the_catalogue_page_words_each_rows_reply_address(world, client):
    client.force_login(world.pd)

    html = client.get("/sop/").content.decode()

    assert "A reply reaches" in html
    assert "The person who raised the concern" in html
    assert "Nobody: there is no reply address" in html
    assert reply_to_descriptions(next(r for r in CATALOGUE if r.code == "S5")) == [
        "The trainee the email is about", "The CCG's admin mailbox"]


def test_the_outbox_page_says_whom_a_reply_reaches(world, client):
    [email] = sop_notify(code="S14", event_key="s14:page", about=world.placement,
                         placement=world.placement, context={"raised_by": world.supervisor})
    client.force_login(world.pd)

    html = client.get(f"/outbox/{email.pk}/").content.decode()

    assert "A reply reaches" in html and "Dr Supervisor &lt;supervisor@nhs.test&gt;" in html
    assert "Last error" not in html


def test_a_row_cannot_reply_to_the_ccg_mailbox_unless_it_is_about_a_ccg_day():
    from clic.mail.catalogue import CatalogueRow, Recipient

    with pytest.raises(ValueError, match="only for an email about a CCG day"):
        CatalogueRow("X", "Sickness on a Monday", (Recipient.PD,), None,
                     reply_to=(Recipient.TRAINEE, Recipient.CCG_ADMIN))
    assert CatalogueRow("Y", "Sickness on a project day", (Recipient.PD,), None,
                        reply_to=(Recipient.CCG_ADMIN,), about_ccg_day=True).about_ccg_day
