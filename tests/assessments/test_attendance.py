import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import PresentationInvitation
from clic.accounts.models import Role
from tests import factories
from tests.fixtures.people import give_role

from .helpers import addresses, emails, schedule

pytestmark = pytest.mark.django_db


def test_invitee_replies_in_the_service(client, world):
    day = schedule(world.cohort, world.pd)
    invitation = day.invitations.get(person=world.supervisor)
    client.force_login(world.supervisor)
    page = client.get(reverse("presentation_invitations"))
    assert world.cohort.name in page.content.decode()
    response = client.post(reverse("presentation_invitation_respond", args=[invitation.pk]),
                           {"response": "attending"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == PresentationInvitation.Response.ATTENDING
    assert invitation.responded_at is not None
    client.post(reverse("presentation_invitation_respond", args=[invitation.pk]),
                {"response": "apologies"})
    invitation.refresh_from_db()
    assert invitation.response == PresentationInvitation.Response.APOLOGIES


def test_a_nonsense_reply_changes_nothing(client, world):
    day = schedule(world.cohort, world.pd)
    invitation = day.invitations.get(person=world.supervisor)
    client.force_login(world.supervisor)
    client.post(reverse("presentation_invitation_respond", args=[invitation.pk]),
                {"response": "maybe"})
    invitation.refresh_from_db()
    assert invitation.response == PresentationInvitation.Response.PENDING


def test_nobody_replies_for_someone_else(client, world):
    day = schedule(world.cohort, world.pd)
    invitation = day.invitations.get(person=world.supervisor)
    client.force_login(world.lead)
    response = client.post(reverse("presentation_invitation_respond", args=[invitation.pk]),
                           {"response": "apologies"})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.response == PresentationInvitation.Response.PENDING


def test_replies_close_after_the_day(world, clock):
    day = schedule(world.cohort, world.pd)
    clock.set(day.date + datetime.timedelta(days=1))
    invitation = day.invitations.get(person=world.supervisor)
    with pytest.raises(ValidationError, match="passed"):
        services.presentation_invitation_respond(invitation=invitation, response="attending")


def test_pd_sees_who_is_coming_per_slot(client, world):
    day = schedule(world.cohort, world.pd)
    services.presentation_invitation_respond(invitation=day.invitations.get(person=world.es),
                                             response="apologies")
    client.force_login(world.pd)
    page = client.get(reverse("presentation_day", args=[day.pk]))
    slot = page.context["slots"][0]
    people = {role: inv.get_response_display() for role, inv in slot.people}
    assert people["Educational Supervisor"] == "Apologies"
    assert people["CCG Supervisor"] == "No reply yet"
    assert page.context["counts"]["apologies"] == 1


def test_chasing_emails_each_non_replier_once_a_day(client, world, clock):
    day = schedule(world.cohort, world.pd)
    for person in (world.supervisor, world.lead):
        services.presentation_invitation_respond(invitation=day.invitations.get(person=person),
                                                 response="attending")
    client.force_login(world.pd)
    client.post(reverse("presentation_chase", args=[day.pk]))

    pending = {inv.person.email for inv in day.invitations.filter(response="pending")}
    assert addresses("S13R") == pending
    assert "supervisor@nhs.test" not in pending
    assert all(e.attachments for e in emails("S13R"))
    # A second click the same day sends nothing more; the next day chases again.
    client.post(reverse("presentation_chase", args=[day.pk]))
    assert len(emails("S13R")) == len(pending)
    clock.set(day.date - datetime.timedelta(days=3))
    client.force_login(world.pd)  # the session of the day before has ended
    client.post(reverse("presentation_chase", args=[day.pk]))
    assert len(emails("S13R")) == 2 * len(pending)


def test_attendance_is_recorded_on_the_day(client, world, clock):
    day = schedule(world.cohort, world.pd)
    clock.set(day.date)
    client.force_login(world.pd)
    url = reverse("presentation_attendance", args=[day.pk])
    page = client.get(url)
    assert page.status_code == 200
    invitations = {inv.person_id: inv for inv in day.invitations.all()}
    data = {f"attendance_{invitations[world.supervisor.pk].pk}": "present",
            f"attendance_{invitations[world.es.pk].pk}": "apologies",
            f"attendance_{invitations[world.chair.pk].pk}": "absent"}
    response = client.post(url, data)
    assert response.status_code == 302
    recorded = dict(day.invitations.values_list("person__email", "attendance"))
    assert recorded["supervisor@nhs.test"] == "present"
    assert recorded["es@nhs.test"] == "apologies"
    assert recorded["chair@nhs.test"] == "absent"
    assert recorded["lead@nhs.test"] == ""


def test_attendance_before_the_day_is_refused(client, world):
    day = schedule(world.cohort, world.pd)
    invitation = day.invitations.get(person=world.supervisor)
    client.force_login(world.pd)
    response = client.post(reverse("presentation_attendance", args=[day.pk]),
                           {f"attendance_{invitation.pk}": "present"})
    assert response.status_code == 200
    assert "from the day itself" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.attendance == ""


def test_attendance_with_an_unknown_value_is_refused(world, clock):
    day = schedule(world.cohort, world.pd)
    clock.set(day.date)
    invitation = day.invitations.get(person=world.supervisor)
    with pytest.raises(ValidationError):
        services.presentation_attendance_record(day=day, by=world.pd,
                                                marks={invitation.pk: "asleep"})
    with pytest.raises(ValidationError, match="not invited"):
        services.presentation_attendance_record(day=day, by=world.pd, marks={999999: "present"})
    invitation.refresh_from_db()
    assert invitation.attendance == ""


def _cohort_with(size: int):
    programme = factories.ProgrammeFactory()
    pd = give_role(factories.UserFactory(), Role.PD, programme)
    cohort = factories.CohortFactory(programme=programme, directors=[pd])
    give_role(factories.UserFactory(), Role.DEPUTY_CHAIR, cohort.ccg)
    for _ in range(size):
        factories.PlacementFactory(cohort=cohort)
    day = schedule(cohort, pd)
    for invitation in day.invitations.all()[:3]:
        services.presentation_invitation_respond(invitation=invitation, response="attending")
    return pd, day


def _count_queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_attendance_page_queries_do_not_grow_with_the_cohort(client, clock):
    pd_small, small = _cohort_with(2)
    pd_large, large = _cohort_with(6)
    clock.set(large.date)
    assert large.invitations.count() > small.invitations.count()
    count_small = _count_queries(client, pd_small,
                                 reverse("presentation_attendance", args=[small.pk]))
    count_large = _count_queries(client, pd_large,
                                 reverse("presentation_attendance", args=[large.pk]))
    assert count_small == count_large


def test_day_page_queries_do_not_grow_with_the_cohort(client):
    pd_small, small = _cohort_with(2)
    pd_large, large = _cohort_with(6)
    assert (_count_queries(client, pd_small, reverse("presentation_day", args=[small.pk]))
            == _count_queries(client, pd_large, reverse("presentation_day", args=[large.pk])))


def test_invitations_page_queries_do_not_grow_with_the_cohort(client):
    pd_small, _ = _cohort_with(2)
    pd_large, _ = _cohort_with(6)
    assert (_count_queries(client, pd_small, reverse("presentation_invitations"))
            == _count_queries(client, pd_large, reverse("presentation_invitations")))
