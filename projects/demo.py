"""The projects part of the demo: the running cohort is in week 6, so first meetings are held,
projects are proposed or agreed (the trainee and PDs emailed), the week-8 reviews are coming
up (their calendar invitations sent, one moved) and one concern is open."""

import datetime

from clic.accounts.demo import DemoData

from . import services
from .models import CommissioningStage, MeetingKind

PROJECTS = [
    ("Frailty: avoidable admissions from care homes",
     "Care closer to home for frail older people",
     "Map admissions from east Kent care homes over a year, find those a community response "
     "could have prevented, and propose a pathway with the community frailty team.",
     CommissioningStage.STRATEGIC_PLANNING, "Dr Priya Nair, frailty clinical lead"),
    ("Diabetes: structured education uptake",
     "Reducing variation in diabetes care between practices",
     "Compare uptake of structured education across practices and test a simpler referral.",
     CommissioningStage.MONITORING, ""),
    ("Urgent care: NHS 111 dispositions to primary care",
     "An integrated urgent care service",
     "Audit 111 dispositions to GP out-of-hours and review them against the service "
     "specification before the contract is renewed.",
     CommissioningStage.PROCUREMENT, "Dr Mark Ellis, urgent care clinical lead"),
    ("Antimicrobial prescribing in general practice",
     "Medicines optimisation: antimicrobial stewardship",
     "Benchmark antibiotic prescribing and co-design feedback for high-prescribing practices.",
     CommissioningStage.MONITORING, ""),
]


def _day(cohort, week: int, weekday: int) -> datetime.date:
    return cohort.monday_of_week(week) + datetime.timedelta(days=weekday)


def load(data: DemoData) -> None:
    people = data.people
    cohort = data.extras["running_cohort"]
    placements = list(cohort.placements.select_related("trainee", "cohort__ccg")
                      .order_by("trainee__email"))
    supervisor, lead = people["supervisor"], people["lead"]

    # Trainee 2 has no Project Lead yet: the CCG Supervisor names one (S4).
    services.project_lead_assign(placement=placements[1], lead=lead, by=supervisor)
    for placement in placements:
        placement.refresh_from_db()

    for number, (placement, spec) in enumerate(zip(placements, PROJECTS, strict=True)):
        trainee = placement.trainee
        title, priority, aims, stage, clinical_lead = spec
        project = services.project_save(
            placement=placement, by=trainee, title=title, ccg_priority=priority, aims=aims,
            commissioning_stage=stage, clinical_lead_name=clinical_lead,
            priority_source_url="https://www.eastkentccg.nhs.uk/about-us/annual-report")
        if number in (0, 2):
            services.project_agree(project=project, by=supervisor)
            services.project_confirm(project=project, by=people["pd"])

        # Week 1: the first meeting with the CCG Supervisor, held by everyone.
        services.meeting_record(
            placement=placement, kind=MeetingKind.FIRST_SUPERVISOR, by=supervisor,
            held_on=_day(cohort, 1, 0 if number % 2 == 0 else 1),
            notes="Talked through the CCG's priorities in the annual report; induction, HR "
                  "and the confidentiality agreement; how supervision will work.",
            agreed_actions="Trainee to read the governing body papers and bring two project "
                           "ideas to the Project Lead.")
        if number != 1:  # trainee 2's Project Lead was named late: their meeting is overdue
            services.meeting_record(
                placement=placement, kind=MeetingKind.PROJECT_LEAD, by=lead,
                held_on=_day(cohort, 2, 3),
                notes="Defined the project's scope, data sources and who to meet.",
                agreed_actions="Trainee to draft aims; Project Lead to arrange data access.")
        if number == 0:
            services.meeting_record(
                placement=placement, kind=MeetingKind.DEPUTY_CHAIR_START, by=placement.trainee,
                held_on=_day(cohort, 2, 1),
                notes="Introductions; the Deputy Clinical Chair suggested the care homes group.")
        # The week-8 review is coming up: two are arranged, so they are in the diaries and
        # each trainee has the calendar invitation (one of them moved, so it has the update).
        if number in (0, 2):
            services.meeting_schedule(
                placement=placement, kind=MeetingKind.REVIEW_8, by=supervisor,
                date=_day(cohort, 8, placement.project_day), start_time=datetime.time(9, 30),
                end_time=datetime.time(10, 30), venue=cohort.ccg_venue or "CCG offices")
        if number == 2:
            services.meeting_schedule(
                placement=placement, kind=MeetingKind.REVIEW_8, by=supervisor,
                date=_day(cohort, 8, placement.project_day), start_time=datetime.time(11),
                end_time=datetime.time(12), venue=cohort.ccg_venue or "CCG offices")
        # Trainee 2 arranged to meet the Deputy Clinical Chair, who then could not come: the
        # cancellation took it out of the trainee's calendar.
        if number == 1:
            services.meeting_schedule(
                placement=placement, kind=MeetingKind.DEPUTY_CHAIR_START, by=placement.trainee,
                date=_day(cohort, 7, 1), start_time=datetime.time(14),
                end_time=datetime.time(14, 30), venue=cohort.ccg_venue or "CCG offices")
            services.meeting_cancel(placement=placement, kind=MeetingKind.DEPUTY_CHAIR_START,
                                    by=placement.trainee)

    # Progress entries, with a comment from the supervisor.
    first = services.progress_add(
        placement=placements[0], by=placements[0].trainee, date=_day(cohort, 3, 3),
        text="Pulled 12 months of care home admissions; 340 admissions from 41 homes.")
    services.progress_comment_add(entry=first, by=supervisor,
                                  text="Good start. The community frailty team will want to "
                                       "see the top ten homes.")
    services.progress_add(
        placement=placements[0], by=placements[0].trainee, date=_day(cohort, 5, 3),
        text="Met the community frailty team; agreed a sample of 60 admissions to review.")
    services.progress_add(
        placement=placements[2], by=placements[2].trainee, date=_day(cohort, 4, 1),
        text="Read the integrated urgent care specification and the last two quarterly reports.")

    # The HR checklist: trainee 1 nearly done, trainee 3 done, the others part way.
    all_items = ["project_day_agreed", "diary_shared", "knows_sickness_reporting",
                 "knows_running_late", "it_arranged", "confidentiality_signed"]
    ticked = [all_items[:5], all_items[:2], all_items, all_items[:3]]
    for placement, keys in zip(placements, ticked, strict=True):
        services.hr_checklist_update(
            placement=placement, by=placement.trainee,
            done={key: _day(cohort, 1, 2 + index % 3) for index, key in enumerate(keys)})

    # One concern, raised by the Project Lead (S15 to the CCG Supervisor and Deputy Chair).
    services.concern_raise(
        placement=placements[3], by=lead, summary="Two project days missed without notice",
        details="Daniel was not at the CCG on the last two Thursdays and did not let the team "
                "or the CCG admin mailbox know. Nothing is recorded as sickness.")
