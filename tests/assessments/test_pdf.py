import datetime
import subprocess

import pytest
from django.urls import reverse

from absences.models import Absence
from assessments import services
from assessments.models import Capability, Grade, ReflectiveEntry
from projects.models import CommissioningStage, Meeting, MeetingKind, Project

from .helpers import schedule

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                            capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_end_of_rotation_record_says_what_happened(client, world, clock):
    day = schedule(world.cohort, world.pd)
    slot = day.slots.get()
    services.presentation_slot_title_set(slot=slot, title="Frailty pathway audit")
    clock.set(day.date)
    invitations = {inv.person_id: inv.pk for inv in day.invitations.all()}
    services.presentation_attendance_record(day=day, by=world.pd, marks={
        invitations[world.supervisor.pk]: "present", invitations[world.lead.pk]: "present"})
    services.presentation_feedback_give(
        slot=slot, giver=world.supervisor, went_well="Compelling local data",
        could_be_better="Shorter", relevance=5, leadership=4, communication=4, anonymous=True)
    services.presentation_assessment_record(
        placement=world.placement, by=world.pd, relevance=4, leadership=4, communication=5,
        outcome=Grade.COMPETENT, feedback="Confident delivery")
    services.case_based_discussion_record(
        placement=world.placement, by=world.pd, case="Care home prescribing review",
        outcome=Grade.EXCELLENT, feedback="Insightful",
        capabilities=[services.CapabilitySpec(Capability.LEADERSHIP, Grade.EXCELLENT,
                                              "Led the practice change")])
    services.reflective_entry_log(placement=world.placement, date=world.cohort.start_date,
                                  title="First week", kind=ReflectiveEntry.Kind.LEARNING_LOG,
                                  capability=Capability.COMMUNITY)
    Project.objects.create(placement=world.placement, title="Frailty admissions in east Kent",
                           ccg_priority="Frailty", aims="Fewer admissions",
                           commissioning_stage=CommissioningStage.STRATEGIC_PLANNING,
                           proposed_at=day.starts_at())
    Meeting.objects.create(placement=world.placement, kind=MeetingKind.FIRST_SUPERVISOR,
                           status=Meeting.Status.HELD, date=world.cohort.start_date)
    Meeting.objects.create(placement=world.placement, kind=MeetingKind.REVIEW_8,
                           status=Meeting.Status.SCHEDULED, date=world.cohort.monday_of_week(8))
    tuesday = world.cohort.monday_of_week(2) + datetime.timedelta(days=1)
    Absence.objects.create(placement=world.placement, kind=Absence.Kind.SICKNESS,
                           first_day=tuesday, last_day=tuesday + datetime.timedelta(days=1),
                           note="Migraine", state=Absence.State.REPORTED)
    Absence.objects.create(placement=world.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                           first_day=tuesday, last_day=tuesday, state=Absence.State.PENDING)
    clock.set(day.date + datetime.timedelta(days=1))

    client.force_login(world.trainee)
    response = client.get(reverse("end_of_rotation_pdf", args=[world.placement.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in [
        "CLIC end-of-rotation record", "Dr Trainee", world.cohort.name,
        f"{world.cohort.start_date:%-d %B %Y} to {world.cohort.end_date:%-d %B %Y}",
        "Frailty pathway audit", "2 people recorded as present", "1 attendee gave feedback",
        "Compelling local data", "Anonymous", "Confident delivery", "Competent",
        "Care home prescribing review", "Organisational management and leadership", "Excellent",
        "Led the practice change", "1 entry logged", "Frailty admissions in east Kent",
        "First meeting with the CCG Supervisor",
    ]:
        assert expected in text, expected
    assert world.supervisor.full_name + "." not in text  # the anonymous giver is not named
    assert "Week 8 review" not in text  # scheduled, not held
    assert "Sickness 2" in text
    assert "Migraine" not in text  # never the note
    assert "Annual leave" not in text  # not approved, so not counted


def test_record_before_anything_is_recorded_says_so(client, world):
    client.force_login(world.es)
    response = client.get(reverse("end_of_rotation_pdf", args=[world.placement.pk]))
    text = pdf_text(response.content)
    assert "No presentation recorded" in text
    assert "Not recorded yet" in text
    assert "No project recorded" in text and "No meetings recorded as held" in text
    assert "No absences recorded" in text


def test_record_answers_304_while_nothing_changed(client, world):
    client.force_login(world.trainee)
    url = reverse("end_of_rotation_pdf", args=[world.placement.pk])
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
