import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from assessments import services
from assessments.selectors import upcoming_presentations_for

from .helpers import schedule

pytestmark = pytest.mark.django_db


def test_supervisors_see_their_upcoming_presentations(world, peer):
    day = schedule(world.cohort, world.pd)
    (item,) = upcoming_presentations_for(world.supervisor)
    assert (item.cohort_name, item.date, item.reply) == (world.cohort.name, day.date, "No reply yet")
    assert [slot.trainee_name for slot in item.slots] == [world.placement.trainee.full_name]
    html = render_to_string("assessments/_home_upcoming.html", {"upcoming": [item]})
    assert "Upcoming presentations" in html and "Dr Trainee" in html and "Dr Peer" not in html


def test_past_cancelled_and_other_peoples_days_are_not_upcoming(world, clock):
    day = schedule(world.cohort, world.pd)
    assert upcoming_presentations_for(world.other_ccg_supervisor) == []
    assert upcoming_presentations_for(world.pa) == []
    clock.set(day.date + datetime.timedelta(days=1))
    assert upcoming_presentations_for(world.supervisor) == []
    clock.set(day.date)
    services.presentation_day_cancel(day=day, by=world.pd)
    assert upcoming_presentations_for(world.supervisor) == []
    assert render_to_string("assessments/_home_upcoming.html", {"upcoming": []}).strip() == ""


@pytest.mark.parametrize("who", ["pd", "trainee", "es", "supervisor", "pa", "ccg_admin"])
def test_end_of_rotation_page_opens_for_everyone(client, world, who):
    schedule(world.cohort, world.pd)
    client.force_login(getattr(world, who))
    response = client.get(reverse("assessments_index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    if who == "pd":
        assert reverse("presentation_day", args=[world.cohort.presentation_days.get().pk]) in html
    if who == "pa":
        assert reverse("evaluation_results", args=[world.cohort.pk]) not in html


def test_anonymous_people_are_sent_to_log_in(client, world):
    day = schedule(world.cohort, world.pd)
    for url in [reverse("assessments_index"), reverse("presentation_day", args=[day.pk]),
                reverse("presentation_invitations"),
                reverse("assessment_detail", args=[world.placement.pk]),
                reverse("evaluation_answer", args=[world.cohort.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_the_home_page_tag_shows_a_supervisors_upcoming_presentation(rf, world):
    from django.template import Context, Template

    schedule(world.cohort, world.pd)
    request = rf.get("/")
    request.user = world.supervisor
    html = Template("{% load assessments_tags %}{% upcoming_presentations %}").render(
        Context({"request": request}))
    assert "Upcoming presentations" in html and "Dr Trainee" in html
    request.user = world.other_ccg_supervisor
    assert "Upcoming presentations" not in Template(
        "{% load assessments_tags %}{% upcoming_presentations %}").render(
        Context({"request": request}))
