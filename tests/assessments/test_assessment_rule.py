"""Neither end-of-placement assessment before the trainee has presented (issue 19, section
4): both judge the project and learning the trainee presents. The service refuses with a
message saying why and when; the form pages say so before anything is typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import CaseBasedDiscussion, Grade, PresentationAssessment

from .helpers import emails, schedule
from .test_assessments import CBD_POST, record_cbd

pytestmark = pytest.mark.django_db

PRESENTATION_POST = {"relevance": "4", "leadership": "5", "communication": "3",
                     "outcome": Grade.COMPETENT, "feedback": "Engaging."}


def _record_presentation(world):
    return services.presentation_assessment_record(
        placement=world.placement, by=world.pd, relevance=4, leadership=4, communication=4,
        outcome=Grade.COMPETENT, feedback="Good")


def test_nothing_is_recorded_before_a_presentation_is_scheduled(client, world):
    for record in (record_cbd, _record_presentation):
        with pytest.raises(ValidationError, match="has no presentation scheduled"):
            record(world)
    client.force_login(world.pd)
    for name, post in (("cbd_record", CBD_POST),
                       ("presentation_assessment_record", PRESENTATION_POST)):
        url = reverse(name, args=[world.placement.pk])
        assert "schedule their presentation first" in client.get(url).content.decode()
        response = client.post(url, post)
        assert response.status_code == 200
        html = response.content.decode()
        assert "nhsuk-error-summary" in html and "has no presentation scheduled" in html
    assert not CaseBasedDiscussion.objects.exists()
    assert not PresentationAssessment.objects.exists()
    assert not emails("S16")


def test_nothing_is_recorded_before_the_day(client, world, clock):
    day = schedule(world.cohort, world.pd)
    clock.set(day.date - datetime.timedelta(days=1))
    when = f"{day.date:%A} {day.date.day} {day.date:%B %Y}"
    for record in (record_cbd, _record_presentation):
        with pytest.raises(ValidationError, match=f"presents on {when}"):
            record(world)
    assert not emails("S16")
    clock.set(day.date)
    record_cbd(world)
    _record_presentation(world)
    assert CaseBasedDiscussion.objects.count() == PresentationAssessment.objects.count() == 1


def test_a_trainee_recorded_absent_from_the_day_has_not_presented(world, clock):
    day = schedule(world.cohort, world.pd)
    clock.set(day.date)
    trainee_invitation = day.invitations.get(person=world.trainee)
    services.presentation_attendance_record(day=day, by=world.pd,
                                            marks={trainee_invitation.pk: "absent"})
    with pytest.raises(ValidationError, match="recorded as not attending"):
        record_cbd(world)
    assert not CaseBasedDiscussion.objects.exists()


def test_a_cancelled_day_is_no_presentation(world, clock):
    day = schedule(world.cohort, world.pd)
    services.presentation_day_cancel(day=day, by=world.pd, reason="Snow")
    clock.set(day.date)
    with pytest.raises(ValidationError, match="has no presentation scheduled"):
        _record_presentation(world)
