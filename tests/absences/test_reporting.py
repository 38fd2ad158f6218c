"""Reporting through the pages, without JavaScript: the form, a preview naming exactly who
will be emailed, then "Confirm and send"."""

import datetime
import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from absences.models import Absence
from clic.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _absence_emails(absence=None):
    emails = OutboundEmail.objects.filter(content_type=ContentType.objects.get_for_model(Absence))
    return emails.filter(object_id=absence.pk) if absence else emails


def _url(live, slug="sickness"):
    return reverse("absences:report", args=[live.placement.pk, slug])


def test_the_form_is_prefilled_from_a_diary_day_and_says_who_may_be_told(client, live):
    day = live.project_day()
    client.force_login(live.world.trainee)
    content = client.get(_url(live) + f"?date={day.isoformat()}").content.decode()
    # The date is in the NHS.UK date input's three boxes.
    for part, value in [("day", day.day), ("month", day.month), ("year", day.year)]:
        assert f'name="first_day-{part}" type="text" inputmode="numeric" value="{value}"' in content
    assert ("Your CCG Supervisor Dr Supervisor (supervisor@nhs.test), your Project Lead Dr Lead "
            "(lead@nhs.test) and the CCG admin mailbox (ekccgs.quality@nhs.net) will be emailed") in content
    assert "your Programme Director Dr Pd (pd@nhs.test)" in content
    assert content.count("<h1") == 1
    assert "style=" not in content and "<script>" not in content


def test_start_page_passes_the_diary_date_on(client, live):
    client.force_login(live.world.trainee)
    response = client.get(reverse("absences:start") + "?date=2026-03-05&kind=sickness")
    assert response["Location"] == _url(live) + "?date=2026-03-05"
    content = client.get(reverse("absences:start") + "?date=2026-03-05").content.decode()
    assert "?date=2026-03-05" in content and "Request annual leave" in content


def test_preview_names_exactly_who_and_saves_nothing_then_confirm_sends(client, live):
    day = live.project_day()
    client.force_login(live.world.trainee)
    data = {"first_day": day.isoformat(), "last_day": day.isoformat(), "part": "day",
            "note": "Feverish"}
    preview = client.post(_url(live), {**data, "preview": "1"})
    content = preview.content.decode()
    assert "Check before you send" in content
    assert ("Your CCG Supervisor Dr Supervisor (supervisor@nhs.test), your Project Lead Dr Lead "
            "(lead@nhs.test) and the CCG admin mailbox (ekccgs.quality@nhs.net) will be emailed about "
            f"{day:%A} {day.day} {day:%B %Y}") in content
    assert "Programme Administrator" not in content.split("Who will be emailed")[1].split(
        "</ul>")[0]
    assert not Absence.objects.exists() and not _absence_emails().exists()

    response = client.post(_url(live), {**data, "confirm": "1"})
    absence = Absence.objects.get()
    assert response["Location"] == reverse("absences:detail", args=[absence.pk])
    assert (absence.kind, absence.first_day, absence.last_day, absence.note) == (
        "sickness", day, day, "Feverish")
    assert sorted(_absence_emails(absence).values_list("to_email", flat=True)) == sorted(
        ["supervisor@nhs.test", "lead@nhs.test", "ekccgs.quality@nhs.net"])
    assert "Sent" in client.get(response["Location"]).content.decode()


def test_change_button_goes_back_to_the_form_with_the_data(client, live):
    day = live.other_day()
    client.force_login(live.world.trainee)
    response = client.post(_url(live), {"first_day": day.isoformat(), "last_day": day.isoformat(),
                                        "part": "pm", "change": "1"})
    content = response.content.decode()
    assert "Continue" in content
    for part, value in [("day", day.day), ("month", day.month), ("year", day.year)]:
        assert f'name="first_day-{part}" type="text" inputmode="numeric" value="{value}"' in content
    assert not Absence.objects.exists()


def test_open_ended_sickness_then_im_back(client, live):
    first = live.other_day(near=live.today - datetime.timedelta(days=3))
    client.force_login(live.world.trainee)
    client.post(_url(live), {"first_day": first.isoformat(), "last_day": "", "part": "day",
                             "confirm": "1"})
    absence = Absence.objects.get()
    assert absence.is_open
    home = client.get(reverse("absences:mine")).content.decode()
    assert reverse("absences:back", args=[absence.pk]) in home
    before = _absence_emails(absence).count()
    preview = client.post(reverse("absences:back", args=[absence.pk]),
                          {"last_day": first.isoformat(), "preview": "1"})
    assert "Check before you send" in preview.content.decode()
    assert _absence_emails(absence).count() == before
    response = client.post(reverse("absences:back", args=[absence.pk]),
                           {"last_day": first.isoformat(), "confirm": "1"})
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.last_day == first and absence.version == 2
    follow_ups = _absence_emails(absence).filter(code="ABS-SICK-CHANGED")
    assert follow_ups.exists() and _absence_emails(absence).count() > before
    assert set(follow_ups.values_list("to_email", flat=True)) == {
        e.to_email for e in _absence_emails(absence).filter(code__in=["S5", "S6"])}


@pytest.mark.parametrize("data,message", [
    ({"first_day": "D+1", "last_day": "D", "part": "day"},
     "The last day must be the same as the first day or after it"),
    ({"first_day": "D", "last_day": "D+1", "part": "am"},
     "A morning or an afternoon can only be one day"),
    ({"first_day": "D", "last_day": "D+200", "part": "day"},
     "longer than the whole 16-week rotation"),
    ({"first_day": "T+30", "last_day": "T+30", "part": "day"},
     "Sickness can be reported up to 7 days ahead"),
    ({"first_day": "T-20", "last_day": "T-20", "part": "day"},
     "You can report sickness up to 14 days back"),
])
def test_bad_sickness_input_is_refused_with_a_message(client, live, data, message):
    day = live.other_day()

    def resolve(value):
        base, _, offset = value.partition("+") if "+" in value else value.partition("-")
        start = day if base == "D" else live.today
        delta = int(offset or 0) * (1 if "+" in value else -1)
        return (start + datetime.timedelta(days=delta)).isoformat()

    client.force_login(live.world.trainee)
    posted = {key: resolve(value) if key.endswith("_day") else value for key, value in data.items()}
    for button in ("preview", "confirm"):
        response = client.post(_url(live), {**posted, button: "1"})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Absence.objects.exists()
    assert not _absence_emails().exists()


def test_an_overlapping_report_is_refused_pointing_at_the_existing_one(client, live):
    day = live.project_day()
    client.force_login(live.world.trainee)
    client.post(_url(live), {"first_day": day.isoformat(), "last_day": day.isoformat(),
                             "part": "day", "confirm": "1"})
    existing = Absence.objects.get()
    emails = _absence_emails().count()
    response = client.post(_url(live), {"first_day": day.isoformat(), "last_day": day.isoformat(),
                                        "part": "am", "confirm": "1"})
    content = response.content.decode()
    assert "This overlaps the sickness already reported" in content
    assert reverse("absences:detail", args=[existing.pk]) in content
    assert Absence.objects.count() == 1 and _absence_emails().count() == emails


def test_leave_cannot_be_backdated_by_the_trainee_but_can_by_the_pa(client, live):
    day = live.other_day(near=live.today - datetime.timedelta(days=7))
    data = {"first_day": day.isoformat(), "last_day": day.isoformat(), "part": "day",
            "confirm": "1"}
    client.force_login(live.world.trainee)
    content = client.post(_url(live, "annual-leave"), data).content.decode()
    assert "Leave cannot start in the past" in content
    assert not Absence.objects.exists()
    client.force_login(live.world.pa)
    response = client.post(_url(live, "annual-leave"), data)
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.reported_by == live.world.pa and absence.state == Absence.State.PENDING


def test_pa_records_old_sickness_on_the_trainees_behalf(client, live):
    day = live.other_day(near=live.today - datetime.timedelta(days=25))
    client.force_login(live.world.pa)
    page = html.unescape(client.get(_url(live)).content.decode())
    assert "Dr Trainee's CCG Supervisor Dr Supervisor" in page
    client.post(_url(live), {"first_day": day.isoformat(), "last_day": day.isoformat(),
                             "part": "day", "confirm": "1"})
    assert Absence.objects.get().first_day == day


def test_running_late_offers_todays_sessions_only(client, live):
    from django.db.models import Q

    from rotations.models import Session

    client.force_login(live.world.trainee)
    content = client.get(_url(live, "running-late")).content.decode()
    todays = Session.objects.filter(
        Q(placement=live.placement) | Q(placement__isnull=True), cohort=live.cohort,
        date=live.today).exclude(kind=Session.Kind.BANK_HOLIDAY)
    if todays.exists():
        session = todays.first()
        assert session.title in content
        client.post(_url(live, "running-late"), {"occasion": f"session:{session.pk}",
                                                 "expected_arrival": "10:15", "confirm": "1"})
        assert Absence.objects.get().session == session
    else:
        assert "There are no sessions or meetings in your timetable today" in content
    other = Session.objects.filter(cohort=live.cohort).exclude(date=live.today).exclude(
        kind=Session.Kind.BANK_HOLIDAY).first()
    response = client.post(_url(live, "running-late"), {"occasion": f"session:{other.pk}",
                                                        "confirm": "1"})
    assert "Select a valid choice" in response.content.decode()


def test_running_late_for_an_sop_meeting_tells_its_attendees(client, live):
    from projects.models import MeetingKind
    from projects.services import meeting_schedule

    meeting = meeting_schedule(placement=live.placement, kind=MeetingKind.REVIEW_8, date=live.today,
                               by=live.world.supervisor, start_time=datetime.time(23, 0),
                               attendees=[live.world.supervisor, live.world.lead])
    client.force_login(live.world.trainee)
    preview = html.unescape(client.post(_url(live, "running-late"), {
        "occasion": f"meeting:{meeting.pk}", "expected_arrival": "23:20", "preview": "1"}
    ).content.decode())
    assert ("Your CCG Supervisor Dr Supervisor (supervisor@nhs.test) and your Project Lead "
            "Dr Lead (lead@nhs.test) will be emailed") in preview
    client.post(_url(live, "running-late"), {"occasion": f"meeting:{meeting.pk}",
                                             "expected_arrival": "23:20", "confirm": "1"})
    absence = Absence.objects.get()
    assert absence.meeting == meeting and absence.session is None
    late = _absence_emails(absence)
    assert sorted(late.values_list("to_email", flat=True)) == ["lead@nhs.test",
                                                                "supervisor@nhs.test"]
    assert {e.code for e in late} == {"S9"}
    assert "expects to arrive at 23:20" in late.first().body_text
    client.force_login(live.world.supervisor)
    assert client.get(reverse("absences:detail", args=[absence.pk])).status_code == 200


def test_study_leave_request_is_decided_by_the_pa_and_the_trainee_is_emailed(client, live):
    day = live.other_day(near=live.today + datetime.timedelta(days=14))
    client.force_login(live.world.trainee)
    client.post(_url(live, "study-leave"), {"first_day": day.isoformat(),
                                            "last_day": day.isoformat(), "part": "day",
                                            "confirm": "1"})
    absence = Absence.objects.get()
    assert client.get(reverse("absences:decide", args=[absence.pk])).status_code == 404
    client.force_login(live.world.pa)
    refused = client.post(reverse("absences:decide", args=[absence.pk]), {"decision": "decline"})
    assert "Tell the trainee why" in refused.content.decode()
    client.post(reverse("absences:decide", args=[absence.pk]),
                {"decision": "approve", "comment": "Enjoy the course"})
    absence.refresh_from_db()
    assert absence.state == Absence.State.APPROVED and absence.decided_by == live.world.pa
    # The trainee, and everyone the S8 request reached (the PA and the PDs).
    decisions = _absence_emails(absence).filter(code="ABS-DECISION")
    assert set(decisions.values_list("to_email", flat=True)) == {
        "trainee@nhs.test", "pa@nhs.test", "pd@nhs.test"}
    decision = decisions.get(to_email="trainee@nhs.test")
    assert "Enjoy the course" in decision.body_text
    assert decision.subject == "Your study leave request is approved"
    assert "on behalf of the Programme Directors" in decision.body_text
    to_pd = decisions.get(to_email="pd@nhs.test")
    assert to_pd.subject == "Dr Trainee's study leave request is approved"
    client.force_login(live.world.trainee)
    assert "Approved" in client.get(reverse("absences:detail", args=[absence.pk])).content.decode()


def test_changing_approved_leave_tells_the_same_people_and_needs_a_new_decision(client, live):
    from absences import services

    first = live.other_day(near=live.today + datetime.timedelta(days=21))
    absence = services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                      first_day=first, last_day=first,
                                      reported_by=live.world.trainee)
    services.leave_decide(absence=absence, approve=True, comment="", decided_by=live.world.pd)
    told = set(_absence_emails(absence).filter(code="S7").values_list("to_email", flat=True))
    later = live.other_day(near=first + datetime.timedelta(days=7))
    client.force_login(live.world.trainee)
    client.post(reverse("absences:change", args=[absence.pk]), {
        "first_day": later.isoformat(), "last_day": later.isoformat(), "part": "day",
        "confirm": "1"})
    absence.refresh_from_db()
    assert absence.first_day == later and absence.state == Absence.State.PENDING
    changed = _absence_emails(absence).filter(code="ABS-CHANGED")
    assert set(changed.values_list("to_email", flat=True)) == told == {
        "pa@nhs.test", "pd@nhs.test", "supervisor@nhs.test", "lead@nhs.test"}
    assert changed.count() == 4


def test_withdrawing_sickness_tells_everyone_told_and_frees_the_day(client, live):
    day = live.project_day()
    client.force_login(live.world.trainee)
    client.post(_url(live), {"first_day": day.isoformat(), "last_day": day.isoformat(),
                             "part": "day", "confirm": "1"})
    absence = Absence.objects.get()
    client.post(reverse("absences:withdraw", args=[absence.pk]))
    absence.refresh_from_db()
    assert absence.state == Absence.State.WITHDRAWN
    withdrawn = _absence_emails(absence).filter(code="ABS-SICK-WITHDRAWN")
    assert set(withdrawn.values_list("to_email", flat=True)) == {
        "supervisor@nhs.test", "lead@nhs.test", "ekccgs.quality@nhs.net"}
    response = client.post(_url(live), {"first_day": day.isoformat(), "last_day": day.isoformat(),
                                        "part": "day", "confirm": "1"})
    assert response.status_code == 302 and Absence.objects.count() == 2


def test_a_note_only_change_emails_nobody(client, live):
    from absences import services

    day = live.project_day()
    absence = services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                      first_day=day, last_day=day, reported_by=live.world.trainee)
    before = _absence_emails(absence).count()
    services.absence_update(absence=absence, first_day=day, last_day=day, part="day",
                            note="Now with a note", changed_by=live.world.trainee)
    absence.refresh_from_db()
    assert absence.note == "Now with a note" and absence.version == 1
    assert _absence_emails(absence).count() == before


def test_open_ended_sickness_reaching_a_project_day_tells_the_ccg_once(live, clock):
    from absences import services

    monday = live.other_day(near=live.project_day(back=7) - datetime.timedelta(days=2))
    clock.set(monday)
    absence = services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                      first_day=monday, last_day=None,
                                      reported_by=live.world.trainee)
    assert absence.notified_codes == ["S6"]
    clock.set(live.today)
    assert services.sickness_open_follow_up() == 1
    assert services.sickness_open_follow_up() == 0
    absence.refresh_from_db()
    assert absence.notified_codes == ["S5", "S6"]
    assert _absence_emails(absence).filter(code="S5").count() == 3


def test_each_day_of_the_trainees_own_week_diary_links_to_reporting_that_day(client, rotation):
    from .conftest import MON, week_day

    day = week_day(2, MON)
    client.force_login(rotation.world.trainee)
    page = client.get(reverse("diary_week"), {"date": day.isoformat()}).content.decode()
    assert f'href="/absences/report/?date={day.isoformat()}"' in page
    client.force_login(rotation.world.supervisor)
    page = client.get(reverse("diary_week"), {"date": day.isoformat()}).content.decode()
    assert "/absences/report/?date=" not in page
