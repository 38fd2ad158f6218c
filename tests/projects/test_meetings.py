import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clic.mail.models import OutboundEmail
from projects import selectors, services, tasks
from projects.models import Meeting, MeetingKind, MeetingNotice
from tests.factories import lengthen, this_monday
from tests.fixtures.clock import on

from .helpers import publish, recipients, week_day

pytestmark = pytest.mark.django_db


def schedule(world, kind=MeetingKind.REVIEW_8, week=8, **overrides):
    values = {"date": week_day(world.cohort, week, 2), "start_time": datetime.time(10),
              "end_time": datetime.time(11), "venue": "CCG offices, room 4", **overrides}
    return services.meeting_schedule(placement=world.placement, kind=kind, by=world.supervisor,
                                     **values)


def remind(today):
    with on(today):
        return services.meeting_reminders_send()


# Scheduling and recording -------------------------------------------------------------------


def test_scheduled_meeting_is_in_the_diary_selector_of_its_attendees(world):
    meeting = schedule(world)
    day = meeting.date
    assert set(meeting.attendees.all()) == {world.trainee, world.supervisor, world.lead}
    for person in (world.trainee, world.supervisor, world.lead):
        found = list(selectors.meetings_attended_by(person, day, day))
        assert found == [meeting]
    seen = selectors.meetings_visible_to(world.pd, day, day).get()
    assert (seen.date, seen.start_time, seen.end_time, seen.venue) == (
        day, datetime.time(10), datetime.time(11), "CCG offices, room 4")
    assert seen.title == "CLIC: Week 8 review – Dr Trainee"


def test_meetings_are_not_visible_to_outsiders(world):
    meeting = schedule(world)
    for person in (world.other_trainee, world.other_ccg_supervisor, world.other_pd):
        assert not selectors.meetings_visible_to(person, meeting.date, meeting.date).exists()
    assert not selectors.meetings_attended_by(world.es, meeting.date, meeting.date).exists()


def test_meeting_outside_the_date_range_is_not_returned(world):
    meeting = schedule(world)
    next_day = meeting.date + datetime.timedelta(days=1)
    assert not selectors.meetings_visible_to(world.trainee, next_day, next_day).exists()


def test_arranging_a_meeting_through_the_form(client, world):
    client.force_login(world.trainee)
    url = reverse("meeting_schedule", args=[world.placement.pk, MeetingKind.FIRST_SUPERVISOR])
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(url, {"date": world.cohort.start_date.isoformat(),
                                 "start_time": "09:30", "end_time": "10:30",
                                 "venue": "CCG offices", "attendees": [world.supervisor.pk]})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.kind == MeetingKind.FIRST_SUPERVISOR
    assert set(meeting.attendees.all()) == {world.trainee, world.supervisor}
    page = client.get(reverse("meeting_list", args=[world.placement.pk])).content.decode()
    assert "CCG offices" in page


@pytest.mark.parametrize("offset", [-1, 16 * 7])
def test_meeting_dated_outside_the_rotation_is_refused(client, world, offset):
    client.force_login(world.supervisor)
    day = world.cohort.start_date + datetime.timedelta(days=offset)
    response = client.post(
        reverse("meeting_schedule", args=[world.placement.pk, MeetingKind.REVIEW_8]),
        {"date": day.isoformat(), "venue": "CCG offices"})
    assert response.status_code == 200
    assert "The meeting must be during the rotation" in response.content.decode()
    assert not Meeting.objects.exists()


def test_meeting_that_ends_before_it_starts_is_refused(client, world):
    client.force_login(world.supervisor)
    response = client.post(
        reverse("meeting_schedule", args=[world.placement.pk, MeetingKind.REVIEW_8]),
        {"date": week_day(world.cohort, 8).isoformat(), "start_time": "11:00",
         "end_time": "10:00"})
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_rescheduling_moves_the_meeting_and_counts_the_change(world):
    first = schedule(world)
    moved = schedule(world, date=week_day(world.cohort, 8, 3))
    assert moved.pk == first.pk
    assert moved.sequence == 1
    assert moved.date == week_day(world.cohort, 8, 3)


def test_meeting_recorded_as_held_with_notes_and_actions(client, world):
    client.force_login(world.lead)
    held_on = world.cohort.start_date + datetime.timedelta(days=8)
    response = client.post(
        reverse("meeting_record", args=[world.placement.pk, MeetingKind.PROJECT_LEAD]),
        {"held_on": held_on.isoformat(), "notes": "Defined the scope: frailty admissions.",
         "agreed_actions": "Trainee to pull admissions data by week 4."})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.is_held and meeting.recorded_by == world.lead
    assert meeting.date == held_on
    page = client.get(reverse("meeting_list", args=[world.placement.pk])).content.decode()
    assert "Defined the scope: frailty admissions." in page
    assert "Trainee to pull admissions data by week 4." in page


def test_recording_a_meeting_without_notes_or_in_the_future_is_refused(client, world):
    client.force_login(world.trainee)
    url = reverse("meeting_record", args=[world.placement.pk, MeetingKind.REVIEW_8])
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = client.post(url, {"held_on": tomorrow.isoformat(), "notes": "Went well."})
    assert "A meeting can only be recorded once it has happened" in response.content.decode()
    response = client.post(url, {"held_on": world.cohort.start_date.isoformat(), "notes": " "})
    assert "Enter short notes of what the meeting covered." in response.content.decode()
    assert not Meeting.objects.exists()


def test_unknown_meeting_kind_is_404(client, world):
    client.force_login(world.trainee)
    response = client.get(reverse("meeting_schedule", args=[world.placement.pk, "coffee"]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["es", "pd", "chair"])
def test_readers_cannot_arrange_meetings(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("meeting_schedule", args=[world.placement.pk, MeetingKind.REVIEW_8])
    assert client.get(url).status_code == 403
    assert client.get(reverse("meeting_list", args=[world.placement.pk])).status_code == 200


# Reminders and escalations ------------------------------------------------------------------


def test_first_meeting_reminder_goes_to_the_supervisor_on_monday_of_week_1(world):
    cohort = publish(world.cohort)
    assert remind(cohort.start_date - datetime.timedelta(days=1)) == []
    notices = remind(cohort.start_date)
    assert [(n.kind, n.stage) for n in notices] == [(MeetingKind.FIRST_SUPERVISOR, "reminder")]
    assert recipients("MEETING_DUE") == {"supervisor@nhs.test"}
    email = OutboundEmail.objects.get(code="MEETING_DUE")
    assert "The first meeting with the CCG Supervisor of Dr Trainee" in email.body_text
    assert "is due in week 1 of the rotation, by Friday" in email.body_text
    assert f"/placements/{world.placement.pk}/meetings/" in email.body_text


def test_reminders_are_sent_once_however_often_the_task_runs(world):
    cohort = publish(world.cohort)
    remind(cohort.start_date)
    assert remind(cohort.start_date) == []
    assert remind(cohort.start_date + datetime.timedelta(days=2)) == []
    assert OutboundEmail.objects.filter(code="MEETING_DUE").count() == 1
    assert MeetingNotice.objects.count() == 1


def test_supervisors_own_meeting_escalates_to_the_pd_a_week_later(world):
    cohort = publish(world.cohort)
    remind(cohort.start_date)
    notices = remind(week_day(cohort, 2))
    escalations = [n for n in notices if n.stage == "escalation"]
    assert [n.kind for n in escalations] == [MeetingKind.FIRST_SUPERVISOR]
    assert recipients("MEETING_OVERDUE") == {"pd@nhs.test"}
    body = OutboundEmail.objects.get(code="MEETING_OVERDUE").body_text
    assert "Dr Supervisor (CCG Supervisor, supervisor@nhs.test)" in body


def test_project_lead_meeting_is_reminded_to_the_lead_and_escalates_to_the_supervisor(world):
    cohort = publish(world.cohort)
    remind(week_day(cohort, 2))
    lead_reminder = OutboundEmail.objects.get(code="MEETING_DUE", to_email="lead@nhs.test")
    assert "meeting with the project lead" in lead_reminder.body_text.lower()
    notices = remind(week_day(cohort, 3))
    assert [(n.kind, n.stage, n.recipients) for n in notices] == [
        (MeetingKind.PROJECT_LEAD, "escalation", "supervisor@nhs.test")]
    overdue = OutboundEmail.objects.get(code="MEETING_OVERDUE", to_email="supervisor@nhs.test")
    assert "Dr Lead (CCG Project Lead, lead@nhs.test)" in overdue.body_text


def test_project_lead_meeting_reminder_goes_to_the_supervisor_while_no_lead_is_named(world):
    world.placement.project_lead = None
    world.placement.save()
    cohort = publish(world.cohort)
    remind(week_day(cohort, 2))
    email = OutboundEmail.objects.get(code="MEETING_DUE", to_email="supervisor@nhs.test")
    assert "No Project Lead is named" in email.body_text


def test_optional_deputy_chair_meeting_is_reminded_to_the_trainee_but_never_escalated(world):
    cohort = publish(world.cohort)
    remind(week_day(cohort, 2))
    assert "trainee@nhs.test" in recipients("MEETING_DUE")
    remind(week_day(cohort, 3))
    assert not MeetingNotice.objects.filter(kind=MeetingKind.DEPUTY_CHAIR_START,
                                            stage="escalation").exists()


def test_held_meeting_gets_no_reminder_or_escalation(world):
    cohort = publish(world.cohort)
    with on(cohort.start_date):
        services.meeting_record(placement=world.placement, kind=MeetingKind.FIRST_SUPERVISOR,
                                held_on=cohort.start_date, notes="Agreed the project area.",
                                by=world.supervisor)
    remind(cohort.start_date)
    remind(week_day(cohort, 2))
    assert not MeetingNotice.objects.filter(kind=MeetingKind.FIRST_SUPERVISOR).exists()


def test_meeting_arranged_for_later_in_its_week_is_not_reminded(world):
    cohort = publish(world.cohort)
    schedule(world, kind=MeetingKind.REVIEW_8, week=8)
    remind(week_day(cohort, 8))
    assert not MeetingNotice.objects.filter(kind=MeetingKind.REVIEW_8).exists()


def test_week_8_review_reminder_then_escalation_to_the_pd(world):
    cohort = publish(world.cohort)
    remind(week_day(cohort, 8, 1))
    assert recipients("MEETING_DUE") == {"supervisor@nhs.test"}
    assert not recipients("MEETING_OVERDUE")
    remind(week_day(cohort, 9, 0))
    assert recipients("MEETING_OVERDUE") == {"pd@nhs.test"}


def test_a_stage_whose_week_has_passed_is_not_sent_late(world):
    cohort = publish(world.cohort)
    assert remind(week_day(cohort, 4)) == []
    assert not OutboundEmail.objects.filter(code__startswith="MEETING").exists()


def test_draft_cohort_gets_no_reminders(world):
    assert remind(world.cohort.start_date) == []


def test_the_beat_task_uses_todays_date(world):
    world.cohort.start_date = this_monday(weeks_ago=7)  # today is in week 8
    world.cohort.save()
    publish(world.cohort)
    assert tasks.meeting_reminders_send() >= 1
    assert MeetingNotice.objects.filter(kind=MeetingKind.REVIEW_8, stage="reminder").exists()


# Meetings from the cohort's template --------------------------------------------------------


def _weeks(plan) -> list[tuple[str, int, int]]:
    return [(item.kind, item.spec.first_week, item.spec.last_week) for item in plan]


def test_the_handbooks_meetings_are_east_kents_sop(world):
    plan = selectors.meeting_plan(world.placement, world.cohort.start_date)
    assert _weeks(plan) == [("first_supervisor", 1, 1), ("project_lead", 1, 2),
                            ("deputy_chair_start", 1, 2), ("review_8", 8, 8),
                            ("review_12", 12, 12), ("review_16", 16, 16),
                            ("deputy_chair_end", 15, 16)]
    assert [item.label for item in plan][3:6] == ["Week 8 review", "Week 12 review",
                                                  "Week 16 review"]


def test_a_longer_templates_meetings_fall_in_its_own_weeks(world):
    lengthen(world.cohort, by=world.pd)
    plan = selectors.meeting_plan(world.placement, world.cohort.start_date)
    assert _weeks(plan) == [("first_supervisor", 1, 1), ("project_lead", 1, 1),
                            ("deputy_chair_start", 1, 1), ("review_6", 6, 6),
                            ("review_12", 12, 12), ("review_18", 18, 18),
                            ("review_20", 20, 20), ("deputy_chair_end", 19, 20)]
    assert plan[3].label == "Week 6 review"


def test_a_longer_templates_reviews_are_reminded_in_its_weeks_only(world):
    cohort = publish(lengthen(world.cohort, by=world.pd))
    remind(week_day(cohort, 8, 1))
    assert not recipients("MEETING_DUE")
    remind(week_day(cohort, 6, 1))
    assert recipients("MEETING_DUE") == {"supervisor@nhs.test"}
    assert set(MeetingNotice.objects.values_list("kind", flat=True)) == {"review_6"}
    remind(week_day(cohort, 21, 0))
    assert MeetingNotice.objects.filter(kind="review_20", stage="escalation").exists()


def test_a_meeting_the_cohorts_template_does_not_expect_is_404(client, world):
    lengthen(world.cohort, by=world.pd)
    client.force_login(world.supervisor)
    assert client.get(reverse("meeting_schedule", args=[world.placement.pk, "review_8"])
                      ).status_code == 404
    page = client.get(reverse("meeting_schedule", args=[world.placement.pk, "review_18"]))
    assert page.status_code == 200 and "Week 18 review" in page.content.decode()
    with pytest.raises(ValidationError, match="meetings the SOP expects"):
        schedule(world, kind="review_8", week=8)
