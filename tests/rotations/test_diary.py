import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import Role
from rotations import diary
from rotations.models import Session
from rotations.selectors import sessions_in_role, sessions_visible_to, upcoming_sessions
from rotations.services import cohort_publish, session_cancel

from .helpers import cohort_with_trainees

pytestmark = pytest.mark.django_db

WHOLE_ROTATION = {"start": datetime.date(2000, 1, 1), "end": datetime.date(2100, 1, 1)}


def _uids(sessions) -> set[str]:
    return {s.uid for s in sessions}


def test_trainee_sees_own_project_days_and_their_cohorts_wednesdays(published):
    seen = _uids(sessions_visible_to(published.trainee, **WHOLE_ROTATION))
    expected = _uids(Session.objects.filter(cohort=published.cohort))
    assert seen == expected
    assert not _uids(sessions_visible_to(published.other_trainee, **WHOLE_ROTATION)) & seen


def test_supervisor_and_lead_see_their_trainees_ccg_days_only(published):
    ccg_days = _uids(published.placement.sessions.all())
    assert _uids(sessions_visible_to(published.supervisor, **WHOLE_ROTATION)) == ccg_days
    assert _uids(sessions_visible_to(published.lead, **WHOLE_ROTATION)) == ccg_days
    assert not sessions_visible_to(published.other_ccg_supervisor, **WHOLE_ROTATION)


def test_ccg_admin_and_deputy_chair_see_ccg_days_at_their_ccg_only(published):
    ccg_days = _uids(published.placement.sessions.all())
    assert _uids(sessions_visible_to(published.ccg_admin, **WHOLE_ROTATION)) == ccg_days
    assert _uids(sessions_visible_to(published.chair, **WHOLE_ROTATION)) == ccg_days
    assert not sessions_visible_to(published.other_ccg_admin, **WHOLE_ROTATION)


def test_pd_and_pa_see_the_whole_cohort_and_another_pd_nothing(published):
    everything = _uids(Session.objects.filter(cohort=published.cohort))
    assert _uids(sessions_visible_to(published.pd, **WHOLE_ROTATION)) == everything
    assert _uids(sessions_visible_to(published.pa, **WHOLE_ROTATION)) == everything
    assert not sessions_visible_to(published.other_pd, **WHOLE_ROTATION)


def test_sessions_in_role_separates_what_each_role_shows(published):
    ccg_days = _uids(published.placement.sessions.all())
    assert _uids(sessions_in_role(published.ccg_admin, Role.CCG_ADMIN, **WHOLE_ROTATION)) == \
        ccg_days
    assert not sessions_in_role(published.ccg_admin, Role.PD, **WHOLE_ROTATION)


def test_sessions_visible_to_keeps_to_the_dates_asked(published):
    start = published.cohort.start_date
    week1 = sessions_visible_to(published.trainee, start, start + datetime.timedelta(days=4))
    assert {s.week for s in week1} == {1}
    assert len(week1) == 4  # Wednesday AM and PM, project day AM and PM


def test_upcoming_sessions_holds_today_and_the_next_seven_days(published):
    wednesday = published.cohort.start_date + datetime.timedelta(weeks=6, days=2)
    upcoming = upcoming_sessions(published.trainee, wednesday)
    teaching_and_als = sessions_visible_to(published.trainee, wednesday, wednesday)
    assert [s.kind for s in teaching_and_als] == [Session.Kind.TEACHING, Session.Kind.ALS]
    assert [s.title for s in upcoming.today_sessions] == [s.title for s in teaching_and_als]
    assert {s.date for s in upcoming.coming_sessions} == {
        wednesday + datetime.timedelta(days=1), wednesday + datetime.timedelta(days=7)}


def test_week_view_shows_the_trainees_week_in_a_table(client, published):
    client.force_login(published.trainee)
    start = published.cohort.start_date
    response = client.get(reverse("diary_week"), {"date": start.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'scope="row"' in html and 'scope="col"' in html
    assert "Meet CCG Supervisor to discuss project ideas" in html
    assert "Action learning set" in html
    assert "<script" not in html.split("</head>")[-1] or "nonce" not in html
    assert " style=" not in html


def test_week_view_marks_cancelled_sessions(client, published):
    session = published.placement.sessions.get(week=1, part=Session.Part.PM)
    session_cancel(session=session, by=published.pd)
    client.force_login(published.supervisor)
    html = client.get(reverse("diary_week"), {"date": session.date.isoformat()}).content.decode()
    assert "Cancelled" in html and "<del>" in html


def test_ccg_admin_week_view_names_the_trainee_on_each_ccg_day(client, published):
    client.force_login(published.ccg_admin)
    html = client.get(reverse("diary_week"),
                      {"date": published.cohort.start_date.isoformat()}).content.decode()
    assert published.trainee.full_name in html
    assert "Action learning set" not in html  # Wednesdays are not CCG days


def test_month_view_lists_the_month(client, published):
    client.force_login(published.pd)
    start = published.cohort.start_date
    response = client.get(reverse("diary_month"), {"date": start.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{start:%B %Y}" in html
    assert "Teaching session / leadership workshop" in html


def assert_shows_today(client, date: str):
    """The week and month diaries asked for `date` show the week and month of today (read
    before and after the requests, should they straddle midnight)."""
    before = timezone.localdate()
    week = client.get(reverse("diary_week"), {"date": date}).content.decode()
    month = client.get(reverse("diary_month"), {"date": date}).content.decode()
    days = {before, timezone.localdate()}
    mondays = {day - datetime.timedelta(days=day.weekday()) for day in days}
    assert any(f"Week of {monday.day} {monday:%B %Y}</h1>" in week for monday in mondays)
    assert any(f">{day:%B %Y}</h1>" in month for day in days)


def test_a_malformed_date_falls_back_to_today(client, published):
    client.force_login(published.trainee)
    assert_shows_today(client, "2027-02-31")
    assert_shows_today(client, "nonsense")


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_at_the_end_of_the_calendar_falls_back_to_today(client, published, day):
    client.force_login(published.trainee)
    assert_shows_today(client, day)


def test_other_features_can_overlay_the_diary(client, published):
    start = published.cohort.start_date

    def absences(user, first, last):
        if user != published.trainee:
            return []
        return [diary.DiaryEntry(date=start + datetime.timedelta(days=3), part="day",
                                 title="Annual leave", kind="absence", kind_label="Leave",
                                 source="absences", overlay=True)]

    diary.register("test-overlay", absences)
    try:
        client.force_login(published.trainee)
        html = client.get(reverse("diary_week"), {"date": start.isoformat()}).content.decode()
        assert "Annual leave" in html
    finally:
        diary._providers.pop("test-overlay")


def _queries(client, user, name, day) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), {"date": day.isoformat()})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["diary_week", "diary_month"])
@pytest.mark.parametrize("who", ["pd", "admin", "supervisor"])
def test_diary_query_count_is_the_same_for_2_and_6_trainees(client, name, who):
    start = datetime.date(2027, 1, 4)
    small = cohort_with_trainees(2, start=start, label="small")
    large = cohort_with_trainees(6, start=start, label="large")
    for world in (small, large):
        cohort_publish(cohort=world["cohort"], by=world["pd"])
    day = start + datetime.timedelta(weeks=1)
    assert _queries(client, small[who], name, day) == _queries(client, large[who], name, day)


def test_the_upcoming_include_renders_for_the_home_page(rf, published):
    from django.template import engines

    request = rf.get("/")
    request.user = published.trainee
    template = engines["django"].from_string("{% load rotations_tags %}{% upcoming_sessions %}")
    html = template.render({"request": request})
    assert "Your timetable" in html and "Today," in html


@pytest.mark.parametrize("number", ["²", "①"])
def test_a_digit_int_cannot_read_is_not_an_id(client, published, number):
    """str.isdigit() accepts '²', which int() refuses: the pages answer as for any bad id."""
    client.force_login(published.pd)
    assert client.get(reverse("diary_week"), {"placement": number}).status_code == 404
    assert client.get(reverse("diary_month"), {"cohort": number}).status_code == 404
    timetable = reverse("cohort_timetable", args=[published.cohort.pk])
    assert client.get(timetable, {"week": number}).status_code == 200


def test_an_upcoming_session_is_written_as_the_home_card_shows_it():
    from django.template import Context, Template

    from clic.accounts.models import User
    from rotations.selectors import UpcomingSession

    def upcoming_session(session, viewer, dated=False):
        return Template("{% load rotations_tags %}"
                        "{% upcoming_session_items sessions viewer dated=dated %}"
                        ).render(Context({"sessions": [session], "viewer": viewer, "dated": dated}))

    viewer = User(pk=1, full_name="Dr Me")
    session = UpcomingSession(date=datetime.date(2026, 12, 1), start_time=datetime.time(9, 0),
                              end_time=datetime.time(12, 30), title="Teaching & ALS",
                              venue="Room <1>", is_cancelled=True, trainee_id=2,
                              trainee_name="Dr O'Hara <Jr>")

    assert upcoming_session(session, viewer, dated=True) == (
        '<li><strong class="nhsuk-tag nhsuk-tag--red">Cancelled</strong> <del>'
        '<span class="nhsuk-u-font-weight-bold">Tue 1 Dec</span> 09:00–12:30 '
        "Dr O&#x27;Hara &lt;Jr&gt;: Teaching &amp; ALS</del>, Room &lt;1&gt;</li>")
    session = dataclasses.replace(session, is_cancelled=False, trainee_id=None, start_time=None)
    assert upcoming_session(session, viewer) == "<li>Teaching &amp; ALS, Room &lt;1&gt;</li>"
    session = dataclasses.replace(session, trainee_id=viewer.pk)  # their own: not named
    assert upcoming_session(session, viewer) == "<li>Teaching &amp; ALS, Room &lt;1&gt;</li>"


def _week_html(client, user, day) -> str:
    client.force_login(user)
    return client.get(reverse("diary_week"), {"date": day.isoformat()}).content.decode()


def test_the_trainees_own_diary_does_not_prefix_their_own_name(client, published):
    session = published.placement.sessions.get(week=1, part=Session.Part.PM)
    name = published.trainee.full_name

    assert session.title in _week_html(client, published.trainee, session.date)
    assert f"{name}:" not in _week_html(client, published.trainee, session.date)
    assert f"{name}:" in _week_html(client, published.pd, session.date)


@pytest.mark.parametrize("kind, state, struck", [
    ("sickness", "reported", True),
    ("annual_leave", "approved", True),
    ("annual_leave", "pending", False),  # asked for, not yet agreed
    ("running_late", "reported", False),
])
def test_a_week_away_strikes_through_the_sessions_missed(client, published, kind, state, struck):
    from absences.models import Absence

    monday = published.cohort.start_date
    friday = monday + datetime.timedelta(days=4)
    Absence.objects.create(placement=published.placement, kind=kind, state=state,
                           first_day=monday, last_day=friday, reported_by=published.trainee)

    html = _week_html(client, published.trainee, monday)
    pd_html = _week_html(client, published.pd, monday)

    missed = '<span class="nhsuk-u-visually-hidden">Missed: </span><del>'
    week = Session.objects.filter(cohort=published.cohort, date__range=(monday, friday))
    own = week.filter(placement=published.placement).count()
    cohort_wide = week.filter(placement=None).count()
    assert own and cohort_wide
    # Her own diary strikes out her sessions and her cohort's; a PD's only hers (one
    # trainee away does not strike out the cohort's teaching).
    assert html.count(missed) == (own + cohort_wide if struck else 0)
    assert pd_html.count(missed) == (own if struck else 0)
