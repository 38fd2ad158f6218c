import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import PresentationFeedback

from .helpers import schedule

pytestmark = pytest.mark.django_db

FEEDBACK = {"went_well": "Clear aims", "could_be_better": "Fewer slides", "relevance": "4",
            "leadership": "5", "communication": "3"}


@pytest.fixture
def held_day(world, clock):
    """The day has come; the supervisor was present, the ES absent."""
    day = schedule(world.cohort, world.pd)
    clock.set(day.date)
    invitations = {inv.person_id: inv.pk for inv in day.invitations.all()}
    services.presentation_attendance_record(day=day, by=world.pd, marks={
        invitations[world.supervisor.pk]: "present", invitations[world.es.pk]: "absent",
        invitations[world.trainee.pk]: "present"})
    return day


def test_an_attendee_gives_feedback(client, world, held_day):
    slot = held_day.slots.get()
    client.force_login(world.supervisor)
    response = client.post(reverse("presentation_feedback_give", args=[slot.pk]), FEEDBACK)
    assert response.status_code == 302
    feedback = PresentationFeedback.objects.get()
    assert (feedback.giver, feedback.relevance, feedback.leadership, feedback.communication) == (
        world.supervisor, 4, 5, 3)
    assert not feedback.anonymous


def test_feedback_from_someone_who_did_not_attend_is_refused(client, world, held_day):
    slot = held_day.slots.get()
    client.force_login(world.es)
    response = client.post(reverse("presentation_feedback_give", args=[slot.pk]), FEEDBACK)
    assert response.status_code == 200
    assert "Only people recorded as present" in response.content.decode()
    assert not PresentationFeedback.objects.exists()


def test_feedback_from_someone_not_invited_is_404(client, world, held_day):
    slot = held_day.slots.get()
    client.force_login(world.other_ccg_supervisor)
    assert client.post(reverse("presentation_feedback_give", args=[slot.pk]),
                       FEEDBACK).status_code == 404
    assert not PresentationFeedback.objects.exists()


def test_feedback_on_your_own_presentation_is_refused(world, held_day):
    with pytest.raises(ValidationError, match="your own"):
        services.presentation_feedback_give(
            slot=held_day.slots.get(), giver=world.trainee, went_well="x", could_be_better="y",
            relevance=5, leadership=5, communication=5, anonymous=False)


def test_feedback_twice_is_refused(world, held_day):
    kwargs = {"slot": held_day.slots.get(), "giver": world.supervisor, "went_well": "x",
              "could_be_better": "y", "relevance": 3, "leadership": 3, "communication": 3,
              "anonymous": False}
    services.presentation_feedback_give(**kwargs)
    with pytest.raises(ValidationError, match="already"):
        services.presentation_feedback_give(**kwargs)
    assert PresentationFeedback.objects.count() == 1


@pytest.mark.parametrize("change", [{"relevance": 0}, {"communication": 6}, {"went_well": " "}])
def test_incomplete_feedback_is_refused(world, held_day, change):
    kwargs = {"went_well": "x", "could_be_better": "y", "relevance": 3, "leadership": 3,
              "communication": 3} | change
    with pytest.raises(ValidationError):
        services.presentation_feedback_give(slot=held_day.slots.get(), giver=world.supervisor,
                                            anonymous=False, **kwargs)
    assert not PresentationFeedback.objects.exists()


def test_trainee_sees_feedback_only_after_the_day_and_anonymised_if_chosen(
        client, world, held_day, clock):
    services.presentation_feedback_give(
        slot=held_day.slots.get(), giver=world.supervisor, went_well="Superb framing",
        could_be_better="Time keeping", relevance=5, leadership=4, communication=4,
        anonymous=True)
    client.force_login(world.trainee)
    url = reverse("presentation_feedback", args=[world.placement.pk])
    on_the_day = client.get(url).content.decode()
    assert "Superb framing" not in on_the_day
    clock.set(held_day.date + datetime.timedelta(days=1))
    client.force_login(world.trainee)  # the session of the day before has ended
    after = client.get(url).content.decode()
    assert "Superb framing" in after
    assert "Anonymous" in after
    assert world.supervisor.full_name not in after


def test_named_feedback_shows_the_giver(client, world, held_day, clock):
    services.presentation_feedback_give(
        slot=held_day.slots.get(), giver=world.supervisor, went_well="Good", could_be_better="-",
        relevance=3, leadership=3, communication=3, anonymous=False)
    clock.set(held_day.date + datetime.timedelta(days=1))
    client.force_login(world.trainee)
    page = client.get(reverse("presentation_feedback", args=[world.placement.pk]))
    assert world.supervisor.full_name in page.content.decode()


@pytest.mark.parametrize("who", ["pa", "supervisor", "ccg_admin", "other_trainee"])
def test_feedback_page_is_for_the_trainee_and_pds(client, world, held_day, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("presentation_feedback",
                              args=[world.placement.pk])).status_code == 404


def test_invitations_page_offers_feedback_to_attendees_after_the_day_starts(
        client, world, held_day):
    client.force_login(world.supervisor)
    page = client.get(reverse("presentation_invitations")).content.decode()
    assert reverse("presentation_feedback_give", args=[held_day.slots.get().pk]) in page
    client.force_login(world.es)
    page = client.get(reverse("presentation_invitations")).content.decode()
    assert reverse("presentation_feedback_give", args=[held_day.slots.get().pk]) not in page


def test_the_feedback_page_reads_the_same_queries_for_one_giver_as_for_two(
        client, world, held_day, clock):
    slot = held_day.slots.get()
    feedback = {"slot": slot, "went_well": "Clear", "could_be_better": "Shorter",
                "relevance": 4, "leadership": 4, "communication": 4}
    services.presentation_feedback_give(giver=world.supervisor, anonymous=False, **feedback)
    clock.set(held_day.date + datetime.timedelta(days=1))
    client.force_login(world.trainee)
    url = reverse("presentation_feedback", args=[world.placement.pk])

    def queries() -> tuple[int, str]:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        return len(captured), page

    one, _ = queries()
    es_invitation = held_day.invitations.get(person=world.es)
    services.presentation_attendance_record(day=held_day, by=world.pd,
                                            marks={es_invitation.pk: "present"})
    services.presentation_feedback_give(giver=world.es, anonymous=False, **feedback)
    two, page = queries()
    assert page.count("Clear") == 2 and world.es.full_name in page
    assert two == one
