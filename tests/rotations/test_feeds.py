import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from clic.accounts.services import calendar_token_reset
from rotations.models import Session
from rotations.services import session_cancel, session_update

pytestmark = pytest.mark.django_db


def _feed(client, user, **headers):
    return client.get(reverse("calendar_feed", args=[user.calendar_token]), **headers)


def _events(response) -> dict:
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.events}


def test_feed_needs_no_login_and_parses_as_icalendar_with_london_time(client, published):
    response = _feed(client, published.trainee)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]
    assert calendar.get_missing_tzids() == set()
    own = set(Session.objects.filter(placement=published.placement).values_list("uid", flat=True))
    wednesdays = set(Session.objects.filter(cohort=published.cohort, placement__isnull=True)
                     .values_list("uid", flat=True))
    assert set(_events(response)) == own | wednesdays
    timed = next(e for e in calendar.events if isinstance(e.start, datetime.datetime))
    assert str(timed.start.tzinfo) == "Europe/London"
    assert b"TZID=Europe/London" in response.content


def test_feed_of_a_ccg_supervisor_holds_their_trainees_ccg_days_only(client, published):
    events = _events(_feed(client, published.supervisor))
    assert set(events) == set(published.placement.sessions.values_list("uid", flat=True))
    assert all(published.trainee.full_name in str(e["SUMMARY"]) for e in events.values())


def test_feed_of_ccg_admin_holds_ccg_days_of_their_ccg_only(client, published):
    assert set(_events(_feed(client, published.ccg_admin))) == set(
        published.placement.sessions.values_list("uid", flat=True))
    assert _events(_feed(client, published.other_ccg_admin)) == {}


def test_feed_of_the_pd_holds_the_whole_cohort(client, published):
    assert set(_events(_feed(client, published.pd))) == set(
        Session.objects.filter(cohort=published.cohort).values_list("uid", flat=True))


def test_feed_round_trips_an_edit_with_the_same_uid_and_a_higher_sequence(client, published):
    session = published.placement.sessions.get(week=10, part=Session.Part.AM)
    before = _events(_feed(client, published.trainee))[session.uid]
    session_update(session=session, by=published.pd, kind=session.kind,
                   title="Governing body meeting", date=session.date,
                   start_time=datetime.time(10, 0), end_time=session.end_time,
                   venue="Council chamber", facilitator=None)
    after = _events(_feed(client, published.trainee))[session.uid]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["SUMMARY"]) == "Governing body meeting"
    assert str(after["LOCATION"]) == "Council chamber"
    assert after.start.hour == 10


def test_feed_marks_a_cancelled_session_cancelled(client, published):
    session = published.placement.sessions.get(week=10, part=Session.Part.PM)
    session_cancel(session=session, by=published.pd)
    event = _events(_feed(client, published.trainee))[session.uid]
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_feed_answers_304_when_nothing_changed(client, published):
    first = _feed(client, published.trainee)
    assert first["ETag"] and first["Last-Modified"]
    again = _feed(client, published.trainee, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = _feed(client, published.trainee, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_feed_etag_changes_after_an_edit(client, published):
    first = _feed(client, published.trainee)
    session = published.placement.sessions.get(week=10, part=Session.Part.PM)
    session_cancel(session=session, by=published.pd)
    changed = _feed(client, published.trainee, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_unknown_or_reset_token_is_404(client, published):
    assert client.get(reverse("calendar_feed", args=["not-a-real-token"])).status_code == 404
    old = published.trainee.calendar_token
    calendar_token_reset(user=published.trainee)
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    published.trainee.refresh_from_db()
    assert _feed(client, published.trainee).status_code == 200


def test_an_empty_feed_is_still_a_valid_calendar(client, world):
    response = _feed(client, world.other_pd)
    calendar = Calendar.from_ical(response.content)
    assert calendar.events == []
    assert calendar.timezones


def test_add_to_outlook_page_shows_the_personal_feed_url(client, published):
    client.force_login(published.trainee)
    response = client.get(reverse("calendar_subscribe"))
    assert response.status_code == 200
    assert published.trainee.calendar_token in response.content.decode()
    assert "Subscribe from web" in response.content.decode()


def test_a_source_that_counts_its_changes_writes_its_events_from_the_rows_counted(
        client, published):
    """The ETag and the body read one query per source: built once, for the person."""
    from rotations import feeds
    from rotations.ical import CalendarEntry

    counted, written = [], []

    def changes(user, start, end):
        counted.append(Session.objects.filter(placement__trainee=user, week=1))
        return counted[-1]

    def events(user, start, end, *, rows):
        written.append(rows)
        return [CalendarEntry(uid=f"{session.uid}-echo", summary="Echo", start=session.date,
                              end=session.date + datetime.timedelta(days=1),
                              stamp=session.updated_at) for session in rows]

    feeds.register("test-echo", events, changes=changes)
    try:
        response = _feed(client, published.trainee)
    finally:
        feeds._providers.pop("test-echo")
    assert response.status_code == 200
    assert len(counted) == 1 and written[0] is counted[0]
    week_one = published.placement.sessions.filter(week=1).values_list("uid", flat=True)
    assert {f"{uid}-echo" for uid in week_one} <= set(_events(response))


def test_other_features_add_events_to_the_feed_and_its_etag(client, published):
    from rotations import feeds
    from rotations.ical import CalendarEntry

    titles = ["Annual leave"]

    def leave(user, start, end):
        if user != published.trainee:
            return []
        day = published.cohort.start_date + datetime.timedelta(days=4)
        return [CalendarEntry(uid="leave-1@clic", summary=titles[0], start=day,
                              end=day + datetime.timedelta(days=1),
                              stamp=datetime.datetime.now(tz=datetime.UTC))]

    feeds.register("test-leave", leave)
    try:
        first = _feed(client, published.trainee)
        assert str(_events(first)["leave-1@clic"]["SUMMARY"]) == "Annual leave"
        assert "Last-Modified" not in first  # the provider cannot say when it last changed
        assert _feed(client, published.trainee, HTTP_IF_NONE_MATCH=first["ETag"]
                     ).status_code == 304
        titles[0] = "Study leave"
        changed = _feed(client, published.trainee, HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200
        assert str(_events(changed)["leave-1@clic"]["SUMMARY"]) == "Study leave"
        assert "leave-1@clic" not in _events(_feed(client, published.supervisor))
    finally:
        feeds._providers.pop("test-leave")


def test_feed_etag_changes_when_a_meeting_or_an_absence_in_it_changes(client, published):
    from absences.models import Absence
    from absences.services import absence_report, leave_decide
    from projects.models import MeetingKind
    from projects.services import meeting_schedule

    day = published.placement.sessions.get(week=8, part=Session.Part.AM).date
    first = _feed(client, published.trainee)
    meeting = meeting_schedule(placement=published.placement, kind=MeetingKind.REVIEW_8,
                               by=published.supervisor, date=day,
                               start_time=datetime.time(14), venue="Room 4")
    second = _feed(client, published.trainee, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and meeting.uid in _events(second)

    leave = absence_report(placement=published.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                           first_day=day, last_day=day, reported_by=published.trainee)
    leave_decide(absence=leave, approve=True, comment="", decided_by=published.pd)
    third = _feed(client, published.trainee, HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200
    assert any(uid.startswith("absence-") for uid in _events(third))
    assert _feed(client, published.trainee, HTTP_IF_NONE_MATCH=third["ETag"]).status_code == 304


def test_feed_is_written_byte_for_byte_as_icalendar_writes_it(client, published, monkeypatch):
    """rotations.exporters._feed_bytes writes each line itself and folds plain ones with
    slices: long, accented and escaped lines come out as the library writes them."""
    from rotations import exporters

    session = published.placement.sessions.order_by("date").first()
    title = "Réunion du comité: " + "a long title, with commas; semicolons and \\ " * 3
    session_update(session=session, by=published.pd, kind=session.kind, title=title,
                   date=session.date, start_time=session.start_time,
                   end_time=session.end_time, venue="Café Zürich")
    written = []
    real = exporters._feed_bytes

    def keep_calendar(calendar, entries, **zones):
        written.append((calendar, entries))
        return real(calendar, entries, **zones)

    monkeypatch.setattr(exporters, "_feed_bytes", keep_calendar)
    body = _feed(client, published.trainee).content

    [(calendar, entries)] = written
    for entry in entries:
        calendar.add_component(entry.event())
    assert body == calendar.to_ical()
    assert b"\r\n " in body  # the long title was folded
    assert "Réunion du comité".encode() in body.replace(b"\r\n ", b"")


def test_the_demo_trainees_feed_is_written_byte_for_byte_as_the_library_writes_it(client,
                                                                                   monkeypatch):
    """The feed the bench times (`make bench` line "trainee: calendar feed, built"): its
    sessions, meetings and absence as the library writes them with none of the feed's
    shortcuts (Event.new for each event, the zones found by the library, Calendar.to_ical;
    tests/rotations/test_ical.py tries awkward text)."""
    from dataclasses import fields

    from django.core.management import call_command
    from icalendar import Event

    from clic.accounts.demo import demo_email
    from clic.accounts.models import User
    from rotations import exporters, feeds

    call_command("load_demo")
    trainee = User.objects.get(email=demo_email("trainee1"))  # as bench/pages.py
    written = []
    real = feeds.feed_calendar

    def keep_entries(user, entries):
        written.append((user, entries))
        return real(user, entries)

    monkeypatch.setattr(feeds, "feed_calendar", keep_entries)
    body = _feed(client, trainee).content

    [(user, entries)] = written
    assert len(entries) > 50 and b"\r\n " in body
    assert body == exporters.events_calendar(
        [Event.new(**{field.name: getattr(entry, field.name) for field in fields(entry)})
         for entry in entries], dates=[entry.date for entry in entries], method="PUBLISH",
        name=f"CLIC timetable: {user}", uid=f"clic-feed-{user.pk}").to_ical()
