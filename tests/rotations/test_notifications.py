import datetime

import pytest
from icalendar import Calendar

from rotations.models import CohortChange, Session
from rotations.services import cohort_publish, session_cancel, session_reinstate, session_update
from tests import factories
from trainees.models import Weekday
from trainees.services import placement_add, placement_update

from .helpers import outbox, recipients

pytestmark = pytest.mark.django_db


def _edit(session, by, **changes):
    fields = {"kind": session.kind, "title": session.title, "date": session.date,
              "start_time": session.start_time, "end_time": session.end_time,
              "venue": session.venue, "facilitator": session.facilitator, "notes": session.notes}
    fields.update(changes)
    return session_update(session=session, by=by, **fields)


def _ics(email) -> Calendar:
    (attachment,) = email.attachments
    assert attachment["filename"].endswith(".ics")
    return Calendar.from_ical(attachment["text"])


def test_publishing_sends_s1_to_supervisor_ccg_admin_and_pds(published):
    assert recipients("S1") == {"supervisor@nhs.test", "ekccgs.quality@nhs.net", "pd@nhs.test"}
    body = outbox("S1", to_email="supervisor@nhs.test").get().body_text
    assert published.trainee.full_name in body
    assert "Thursday" in body


def test_publishing_sends_s2_welcome_to_each_trainee_only(published):
    assert recipients("S2") == {"trainee@nhs.test"}


def test_publishing_sends_s3_to_each_ccg_supervisor_only(published):
    assert recipients("S3") == {"supervisor@nhs.test"}


def test_publishing_a_cohort_of_several_tells_each_trainees_supervisor(world):
    second = factories.UserFactory(email="second@nhs.test")
    other_supervisor = factories.UserFactory(email="supervisor2@nhs.test")
    placement_add(cohort=world.cohort, trainee=second, practice=world.practice,
                  educational_supervisor=world.es, ccg_supervisor=other_supervisor,
                  by=world.pd)
    assert not outbox().filter(code__in=["S1", "S2", "S3"]).exists()  # a draft tells no one
    cohort_publish(cohort=world.cohort, by=world.pd)
    assert recipients("S2") == {"trainee@nhs.test", "second@nhs.test"}
    assert recipients("S3") == {"supervisor@nhs.test", "supervisor2@nhs.test"}
    # Each supervisor's S1 is filed under their own trainee; CCG admin and the PDs get one
    # S1 naming both trainees.
    assert recipients("S1", placement__trainee=second) == {"supervisor2@nhs.test"}
    assert recipients("S1", placement=None) == {"ekccgs.quality@nhs.net", "pd@nhs.test"}
    assert not outbox().exclude(code__in=["S1", "S2", "S3", "S4", "INVITE"]).exists()


def test_a_trainee_added_after_publishing_gets_a_timetable_and_s1_to_s3(published):
    late = factories.UserFactory(email="late@nhs.test")
    placement = placement_add(cohort=published.cohort, trainee=late, practice=published.practice,
                              educational_supervisor=published.es,
                              ccg_supervisor=published.supervisor, by=published.pd)
    assert placement.sessions.count() == 32
    assert recipients("S2") == {"trainee@nhs.test", "late@nhs.test"}
    assert "late@nhs.test" not in recipients("S1")  # S1 is about the trainee, not to them
    assert outbox("S1", placement=placement).count() == 3


def test_changing_a_trainees_session_tells_only_that_trainee_and_their_ccg_staff(published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    assert _edit(session, published.pd, venue="Room 4, CCG offices")
    assert recipients("S10") == {"trainee@nhs.test", "supervisor@nhs.test", "lead@nhs.test"}
    email = outbox("S10", to_email="trainee@nhs.test").get()
    assert "Room 4, CCG offices" in email.body_text


def test_changing_a_wednesday_session_tells_every_trainee_and_the_facilitator(published):
    second = factories.UserFactory(email="second@nhs.test")
    placement_add(cohort=published.cohort, trainee=second, practice=published.practice,
                  educational_supervisor=published.es, ccg_supervisor=published.supervisor)
    als = Session.objects.get(cohort=published.cohort, week=9, kind=Session.Kind.ALS)
    assert _edit(als, published.pd, start_time=datetime.time(14, 0))
    assert recipients("S10") == {"trainee@nhs.test", "second@nhs.test", "pd@nhs.test"}
    assert "other_trainee@nhs.test" not in recipients("S10")
    assert "supervisor@nhs.test" not in recipients("S10")


def test_a_new_facilitator_and_the_old_one_both_hear_of_the_change(published):
    pd2 = factories.UserFactory(email="pd2@nhs.test")
    als = Session.objects.get(cohort=published.cohort, week=9, kind=Session.Kind.ALS)
    _edit(als, published.pd, facilitator=pd2)
    assert {"pd@nhs.test", "pd2@nhs.test"} <= recipients("S10")


def test_saving_a_session_unchanged_sends_nothing_and_logs_nothing(published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    before = CohortChange.objects.count()
    assert _edit(session, published.pd) is False
    assert not outbox("S10").exists()
    assert CohortChange.objects.count() == before
    session.refresh_from_db()
    assert session.sequence == 0


def test_an_edit_carries_the_calendar_entry_with_the_same_uid_and_a_higher_sequence(published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    _edit(session, published.pd, title="Review with the CCG Supervisor",
          start_time=datetime.time(9, 30))
    calendar = _ics(outbox("S10", to_email="trainee@nhs.test").get())
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.events
    assert str(event["UID"]) == session.uid
    assert event["SEQUENCE"] == 1
    assert event.start.hour == 9 and event.start.minute == 30
    assert str(event.start.tzinfo) == "Europe/London"
    assert calendar.timezones and calendar.timezones[0].tz_name == "Europe/London"
    assert "Review with the CCG Supervisor" in str(event["SUMMARY"])


def test_cancelling_sends_a_cancel_and_is_logged(published):
    session = published.placement.sessions.get(week=9, part=Session.Part.PM)
    assert session_cancel(session=session, by=published.pd, reason="CCG offices closed")
    email = outbox("S10", to_email="supervisor@nhs.test").get()
    calendar = _ics(email)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.events
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    assert str(event["UID"]) == session.uid
    assert "CCG offices closed" in email.body_text
    change = CohortChange.objects.get(action=CohortChange.Action.SESSION_CANCELLED)
    assert change.actor == published.pd and "CCG offices closed" in change.summary
    # Cancelling again changes nothing and sends nothing more.
    assert session_cancel(session=session, by=published.pd) is False
    assert outbox("S10").count() == 3
    assert session_reinstate(session=session, by=published.pd)
    assert outbox("S10").count() == 6
    session.refresh_from_db()
    assert session.sequence == 2 and session.status == Session.Status.SCHEDULED


def test_edits_are_in_the_change_log_with_who_and_what(published):
    session = published.placement.sessions.get(week=8, part=Session.Part.AM)
    _edit(session, published.pd, venue="Room 4")
    change = CohortChange.objects.get(action=CohortChange.Action.SESSION_EDITED)
    assert change.actor == published.pd
    assert change.session == session
    assert change.details == {"Venue": [published.cohort.ccg_venue, "Room 4"]}


def test_moving_the_project_day_moves_future_days_and_sends_one_s10(published, clock):
    placement = published.placement
    today = published.cohort.start_date + datetime.timedelta(weeks=6)
    clock.set(today)
    placement_update(placement=placement, by=published.pd, practice=placement.practice,
                     educational_supervisor=placement.educational_supervisor,
                     ccg_supervisor=placement.ccg_supervisor,
                     project_lead=placement.project_lead, project_day=Weekday.TUESDAY,
                     agreed_by_pd=True, agreed_by_es=True, agreed_by_supervisor=True)
    sessions = placement.sessions.all()
    past = sessions.filter(date__lt=today)
    assert {s.date.weekday() for s in past} == {Weekday.THURSDAY}
    assert all(s.status == Session.Status.SCHEDULED for s in past)
    future_thursdays = sessions.filter(date__gte=today, date__week_day=5)
    assert future_thursdays and all(s.is_cancelled for s in future_thursdays)
    tuesdays = sessions.filter(date__gte=today, status=Session.Status.SCHEDULED)
    assert {s.date.weekday() for s in tuesdays} == {Weekday.TUESDAY}
    assert recipients("S10") == {"trainee@nhs.test", "supervisor@nhs.test", "lead@nhs.test"}
    assert outbox("S10", to_email="trainee@nhs.test").count() == 1
    calendar = _ics(outbox("S10", to_email="trainee@nhs.test").get())
    assert len(calendar.events) == future_thursdays.count() + tuesdays.count()


def test_naming_a_new_project_lead_on_a_published_timetable_sends_s4(published):
    placement = published.placement
    new_lead = factories.UserFactory(email="newlead@nhs.test")
    placement_update(placement=placement, by=published.pd, practice=placement.practice,
                     educational_supervisor=placement.educational_supervisor,
                     ccg_supervisor=placement.ccg_supervisor, project_lead=new_lead,
                     project_day=placement.project_day)
    assert "newlead@nhs.test" in recipients("S4")
