import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from rotations.models import Cohort, CohortChange, Session
from tests import factories

from .helpers import recipients

pytestmark = pytest.mark.django_db


def _monday(weeks=0) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


def _form(world, **overrides):
    data = {"name": "East Kent CLIC spring", "programme": world.programme.pk,
            "ccg": world.ccg.pk, "start_date": _monday(4).isoformat(),
            "directors": [world.pd.pk], "als_facilitator": world.pd.pk,
            "teaching_venue": "Education Centre", "ccg_venue": "CCG offices"}
    data.update(overrides)
    return data


def test_pd_creates_a_cohort(client, world):
    client.force_login(world.pd)
    assert client.get(reverse("cohort_create")).status_code == 200
    response = client.post(reverse("cohort_create"), _form(world))
    cohort = Cohort.objects.get(name="East Kent CLIC spring")
    assert response["Location"] == reverse("cohort_detail", args=[cohort.pk])
    assert list(cohort.directors.all()) == [world.pd]
    assert cohort.status == Cohort.Status.DRAFT
    assert cohort.changes.get().action == CohortChange.Action.CREATED


@pytest.mark.parametrize(("overrides", "message"), [
    ({"start_date": (_monday(0) + datetime.timedelta(days=1)).isoformat()}, "starts on a Monday"),
    ({"start_date": _monday(-17).isoformat()}, "more than a term in the past"),
    ({"start_date": _monday(52 * 4).isoformat()}, "more than three years away"),
    ({"directors": []}, "at least one Programme Director"),
    ({"start_date": ""}, "Enter start date"),
])
def test_bad_cohort_details_are_refused_with_a_message(client, world, overrides, message):
    client.force_login(world.pd)
    before = Cohort.objects.count()
    response = client.post(reverse("cohort_create"), _form(world, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Cohort.objects.count() == before


def test_a_director_must_be_a_pd_of_the_programme(client, world):
    client.force_login(world.pd)
    response = client.post(reverse("cohort_create"), _form(world, directors=[world.other_pd.pk]))
    assert response.status_code == 200
    assert not Cohort.objects.filter(name="East Kent CLIC spring").exists()


def test_a_start_within_the_last_term_is_accepted(client, world):
    client.force_login(world.pd)
    client.post(reverse("cohort_create"), _form(world, start_date=_monday(-10).isoformat()))
    assert Cohort.objects.filter(name="East Kent CLIC spring").exists()


def test_non_pds_cannot_create_cohorts(client, world):
    for person in (world.pa, world.trainee, world.supervisor, world.ccg_admin):
        client.force_login(person)
        assert client.get(reverse("cohort_create")).status_code == 404
        assert client.post(reverse("cohort_create"), _form(world)).status_code == 404


def test_cohort_list_shows_the_programmes_cohorts(client, world):
    client.force_login(world.pa)
    html = client.get(reverse("cohort_list")).content.decode()
    assert world.cohort.name in html
    client.force_login(world.other_pd)
    assert world.cohort.name not in client.get(reverse("cohort_list")).content.decode()
    client.force_login(world.trainee)
    assert client.get(reverse("cohort_list")).status_code == 404


def test_pd_edits_a_cohort_and_the_change_is_logged(client, world):
    client.force_login(world.pd)
    response = client.post(reverse("cohort_edit", args=[world.cohort.pk]), _form(
        world, name="Renamed", start_date=world.cohort.start_date.isoformat()))
    assert response.status_code == 302
    world.cohort.refresh_from_db()
    assert world.cohort.name == "Renamed"
    change = world.cohort.changes.get(action=CohortChange.Action.EDITED)
    assert change.actor == world.pd and "Name" in change.details


def test_a_published_cohorts_start_date_cannot_change(client, published):
    client.force_login(published.pd)
    old = published.cohort.start_date
    client.post(reverse("cohort_edit", args=[published.cohort.pk]), _form(
        published, start_date=(old + datetime.timedelta(weeks=1)).isoformat()))
    published.cohort.refresh_from_db()
    assert published.cohort.start_date == old  # the field is disabled once published


def test_publish_button_publishes_once(client, world):
    client.force_login(world.pd)
    client.post(reverse("cohort_publish", args=[world.cohort.pk]))
    world.cohort.refresh_from_db()
    assert world.cohort.is_published
    count = Session.objects.count()
    emails = recipients("S2")
    response = client.post(reverse("cohort_publish", args=[world.cohort.pk]), follow=True)
    assert "already published" in response.content.decode()
    assert Session.objects.count() == count and recipients("S2") == emails


def test_publishing_without_trainees_shows_why(client, world):
    empty = factories.CohortFactory(programme=world.programme, ccg=world.ccg, directors=[world.pd])
    client.force_login(world.pd)
    response = client.post(reverse("cohort_publish", args=[empty.pk]), follow=True)
    assert "Add at least one trainee" in response.content.decode()
    empty.refresh_from_db()
    assert not empty.is_published


def test_cohort_detail_timetable_and_change_log_pages_render(client, published):
    client.force_login(published.pd)
    for name in ("cohort_detail", "cohort_timetable", "cohort_changes"):
        response = client.get(reverse(name, args=[published.cohort.pk]))
        html = response.content.decode()
        assert response.status_code == 200, name
        assert html.count("<h1") == 1, name
        assert " style=" not in html, name
    url = reverse("cohort_timetable", args=[published.cohort.pk])
    week16 = client.get(url, {"week": 16}).content.decode()
    assert "Meet CCG Supervisor and Project Lead" in week16
    assert "Project presentations" in week16 and published.trainee.full_name in week16
    this_week = client.get(url).content.decode()  # the cohort is in week 6 today
    assert '<h1 class="nhsuk-heading-l">Week 6</h1>' in this_week
    assert client.get(url, {"week": "99"}).status_code == 200


def test_pd_changes_a_session_through_the_form(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    client.force_login(published.pd)
    url = reverse("session_edit", args=[published.cohort.pk, session.pk])
    assert client.get(url).status_code == 200
    data = {"kind": session.kind, "title": session.title, "date": session.date.isoformat(),
            "start_time": "10:00", "end_time": "12:00", "venue": "Room 2", "facilitator": "",
            "notes": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.start_time, session.venue, session.sequence) == (datetime.time(10), "Room 2", 1)
    assert recipients("S10") == {"trainee@nhs.test", "supervisor@nhs.test", "lead@nhs.test"}
    client.post(url, data)  # the same again: nothing changes, nobody is emailed
    session.refresh_from_db()
    assert session.sequence == 1
    assert len(recipients("S10")) == 3


def test_a_session_ending_before_it_starts_is_refused(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    client.force_login(published.pd)
    response = client.post(reverse("session_edit", args=[published.cohort.pk, session.pk]), {
        "kind": session.kind, "title": session.title, "date": session.date.isoformat(),
        "start_time": "12:00", "end_time": "10:00", "venue": "", "facilitator": "", "notes": ""})
    assert "must end after it starts" in response.content.decode()
    session.refresh_from_db()
    assert session.sequence == 0 and session.start_time == datetime.time(9)


def test_a_session_moved_outside_the_rotation_or_onto_a_weekend_is_refused(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    client.force_login(published.pd)
    url = reverse("session_edit", args=[published.cohort.pk, session.pk])
    base = {"kind": session.kind, "title": session.title, "start_time": "09:00",
            "end_time": "12:30", "venue": "", "facilitator": "", "notes": ""}
    after = published.cohort.end_date + datetime.timedelta(days=3)
    assert "The rotation runs" in client.post(url, {**base, "date": after.isoformat()}
                                              ).content.decode()
    saturday = session.date + datetime.timedelta(days=2)
    assert "weekdays" in client.post(url, {**base, "date": saturday.isoformat()}).content.decode()
    assert not recipients("S10")


def test_pd_cancels_a_session_through_the_page(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.PM)
    client.force_login(published.pd)
    client.post(reverse("session_cancel", args=[published.cohort.pk, session.pk]),
                {"reason": "Offices closed"})
    session.refresh_from_db()
    assert session.is_cancelled
    assert "trainee@nhs.test" in recipients("S10")


def test_a_pa_can_see_the_timetable_but_not_change_it(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.PM)
    client.force_login(published.pa)
    timetable = client.get(reverse("cohort_timetable", args=[published.cohort.pk]), {"week": 8})
    assert timetable.status_code == 200
    page = timetable.content.decode()
    assert escape(session.title) in page and escape(session.venue) in page
    assert reverse("session_edit", args=[published.cohort.pk, session.pk]) not in page
    assert client.get(reverse("session_edit", args=[published.cohort.pk, session.pk])
                      ).status_code == 404
    assert client.post(reverse("session_cancel", args=[published.cohort.pk, session.pk])
                       ).status_code == 404
    assert client.get(reverse("cohort_edit", args=[published.cohort.pk])).status_code == 404


def test_the_session_form_shows_the_error_summary_with_the_nhs_date_input(client, published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    client.force_login(published.pd)
    response = client.post(reverse("session_edit", args=[published.cohort.pk, session.pk]), {
        "kind": session.kind, "title": session.title, "date-day": "31", "date-month": "2",
        "date-year": str(session.date.year), "start_time": "09:00", "end_time": "12:00",
        "venue": "", "facilitator": "", "notes": ""})
    html = response.content.decode()

    assert html.count('<div class="nhsuk-error-summary"') == 1
    assert '<a href="#id_date-day">Date must be a real date</a>' in html
    assert html.index("nhsuk-error-summary") < html.index("<h1")
    assert "<title>Error: " in html
    session.refresh_from_db()
    assert session.sequence == 0
