"""Cancelling or reinstating a session has its own confirmation page that lists everyone
told, and sends only on confirm (issue 19, section 3)."""

import pytest
from django.urls import reverse

from rotations.models import Session
from rotations.selectors import session_status_plan
from tests import factories

from .helpers import outbox, recipients

pytestmark = pytest.mark.django_db


def _wednesday(published) -> Session:
    return Session.objects.get(cohort=published.cohort, week=9, kind=Session.Kind.ALS)


def _address(session) -> str:
    return reverse("session_cancel", args=[session.cohort_id, session.pk])


def test_the_cancel_page_lists_exactly_whom_cancelling_tells(client, published):
    factories.PlacementFactory(cohort=published.cohort, trainee__full_name="Dr Second",
                               trainee__email="second@nhs.test")
    session = _wednesday(published)
    client.force_login(published.pd)

    page = client.get(_address(session)).content.decode()
    listed = session_status_plan(session, Session.Status.CANCELLED)
    assert not outbox("S10").exists()
    client.post(_address(session), {"reason": "Venue flooded"})

    sent = set(outbox("S10").values_list("code", "to_email", "subject"))
    assert listed.as_outbox_rows() == sent
    assert {address for _, address, _ in sent} == {"trainee@nhs.test", "second@nhs.test",
                                                   "pd@nhs.test"}
    for _, address, subject in sent:
        assert address in page and subject in page
    assert "Cancel the session and email 3 people" in page
    assert "Reason: Venue flooded" in outbox("S10", to_email="second@nhs.test").get().body_text


def test_opening_the_cancel_page_changes_nothing(client, published):
    session = _wednesday(published)
    client.force_login(published.pd)

    assert client.get(_address(session)).status_code == 200

    session.refresh_from_db()
    assert not session.is_cancelled and session.sequence == 0
    assert not outbox("S10").exists()


def test_a_repeated_cancel_sends_nothing_and_says_when_and_by_whom(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.PM)
    client.force_login(published.pd)
    client.post(_address(session), {"reason": "Offices closed"})
    sent = outbox("S10").count()

    again = client.post(_address(session), {"reason": "Offices closed"}, follow=True)
    back = client.get(_address(session)).content.decode()

    assert outbox("S10").count() == sent == 3
    for page in (again.content.decode(), back):
        assert "The session was already cancelled on " in page
        assert "by Dr Pd: nothing was sent again." in page
    assert "Cancel the session and email" not in back


def test_a_reason_too_long_is_shown_on_the_form_and_nothing_is_sent(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.PM)
    client.force_login(published.pd)

    page = client.post(_address(session), {"reason": "x" * 301}).content.decode()

    assert "There is a problem" in page
    session.refresh_from_db()
    assert not session.is_cancelled
    assert not recipients("S10")


def test_the_session_edit_form_carries_no_cancel_button(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.PM)
    client.force_login(published.pd)

    page = client.get(reverse("session_edit", args=[published.cohort.pk, session.pk])
                      ).content.decode()

    assert f'action="{_address(session)}"' not in page
    assert f'href="{_address(session)}"' in page


def test_reinstating_lists_exactly_whom_it_tells_and_sends_only_on_confirm(client, published):
    session = _wednesday(published)
    client.force_login(published.pd)
    client.post(_address(session), {"reason": "Venue flooded"})
    address = reverse("session_reinstate", args=[session.cohort_id, session.pk])
    cancelled_emails = set(outbox("S10").values_list("pk", flat=True))
    session.refresh_from_db()

    page = client.get(address).content.decode()
    listed = session_status_plan(session, Session.Status.SCHEDULED)
    assert set(outbox("S10").values_list("pk", flat=True)) == cancelled_emails
    client.post(address)
    again = client.post(address, follow=True).content.decode()

    session.refresh_from_db()
    assert not session.is_cancelled
    sent = set(outbox("S10").exclude(pk__in=cancelled_emails)
               .values_list("code", "to_email", "subject"))
    assert listed.as_outbox_rows() == sent and len(sent) == 2
    assert "Reinstate the session and email 2 people" in page
    assert "The session was already reinstated on " in again
    edit_page = client.get(reverse("session_edit", args=[session.cohort_id, session.pk]))
    assert f'action="{address}"' not in edit_page.content.decode()
