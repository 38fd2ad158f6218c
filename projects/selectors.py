"""Reads, always scoped to the person asking: a placement they may not see is a 404."""

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from clic.accounts.access import DIRECTS, access_for
from clic.accounts.models import Role, User
from clic.mail.notices import Notice
from clic.queries import AnyOf
from rotations.diary import DiaryEntry
from trainees.models import Placement
from trainees.selectors import (
    current_placements,
    is_current,
    placement_for,
    placements_in_role,
    placements_visible_to,
    reach,
    visible_placement_ids,
)

from . import rules
from .models import (
    HR_ITEM_KEYS,
    CommitteeSubmission,
    Concern,
    HRChecklist,
    HRItem,
    Meeting,
    MeetingSpec,
    ProgressEntry,
    Project,
    SummaryUpload,
    meeting_specs,
)

# After week 2 an outstanding HR item or an unagreed project counts as overdue.
SETTLING_IN_WEEKS = 2


def project_placement_for(user, placement_id, rule=rules.can_view_project) -> Placement:
    """A placement whose project pages the person may open: anyone else gets 404, including
    people who see the placement for another reason (CCG admin, the PA)."""
    placement = placement_for(user, placement_id)
    if not rule(user, placement):
        raise Http404("No placement found.")
    return placement


def project_leads_at(ccg) -> QuerySet[User]:
    """The people the CCG Supervisor may name as Project Lead: the CCG's own Project Leads."""
    return (User.objects.filter(memberships__role=Role.PROJECT_LEAD, memberships__organisation=ccg,
                                is_active=True).distinct().order_by("full_name"))


def project_of(placement) -> Project | None:
    try:
        return placement.project
    except Project.DoesNotExist:
        return None


def hr_checklist_of(placement) -> HRChecklist:
    """The placement's checklist, or an unsaved empty one (nothing ticked yet)."""
    try:
        return placement.hr_checklist
    except HRChecklist.DoesNotExist:
        return HRChecklist(placement=placement)


# Meetings -----------------------------------------------------------------------------------


@dataclass
class PlannedMeeting:
    """One meeting the SOP expects, with what has happened to it so far."""

    spec: MeetingSpec
    meeting: Meeting | None
    opens_on: datetime.date
    due_by: datetime.date
    state: str  # held, scheduled, to_record, due, overdue, upcoming

    STATE_LABELS = {
        "held": "Held", "scheduled": "Scheduled", "to_record": "Not yet recorded",
        "due": "Due now", "overdue": "Overdue", "upcoming": "Later",
    }

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def state_label(self) -> str:
        if self.state == "overdue" and self.spec.optional:
            return "Not held"
        return self.STATE_LABELS[self.state]

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue" and not self.spec.optional

    @property
    def is_held(self) -> bool:
        return self.state == "held"


def meeting_plan(placement, today: datetime.date, meetings=None) -> list[PlannedMeeting]:
    """The SOP meetings of a placement in rotation order. Uses `placement.meetings.all()`
    unless given its `meetings`, so prefetch them when planning many placements."""
    cohort = placement.cohort
    by_kind = {meeting.kind: meeting
               for meeting in (placement.meetings.all() if meetings is None else meetings)}
    plan = []
    for spec in meeting_specs(cohort):
        meeting = by_kind.get(spec.kind)
        opens_on, due_by = spec.opens_on(cohort), spec.due_by(cohort)
        if meeting is not None and meeting.is_held:
            state = "held"
        elif meeting is not None and meeting.date >= today:
            state = "scheduled"
        elif today > due_by:
            state = "overdue"
        elif meeting is not None:
            state = "to_record"
        elif today >= opens_on:
            state = "due"
        else:
            state = "upcoming"
        plan.append(PlannedMeeting(spec=spec, meeting=meeting, opens_on=opens_on, due_by=due_by,
                                   state=state))
    return plan


def next_meeting(plan: list[PlannedMeeting]) -> PlannedMeeting | None:
    """The next required meeting not yet held and not overdue (those are listed as overdue):
    scheduled, due now or coming up. A late meeting that is scheduled counts."""
    return next((item for item in plan if not item.spec.optional and (
        item.state in ("scheduled", "due", "to_record", "upcoming"))), None)


def meeting_attendee_choices(placement) -> list[tuple[User, str]]:
    """The people who may be invited to a placement's SOP meeting, with why."""
    cohort = placement.cohort
    people: dict[int, tuple[User, list[str]]] = {}

    def add(user, label):
        if user is not None and user.is_active:
            people.setdefault(user.pk, (user, []))[1].append(label)

    add(placement.trainee, "Trainee")
    add(placement.ccg_supervisor, "CCG Supervisor")
    add(placement.project_lead, "Project Lead")
    for user in User.objects.filter(memberships__role=Role.DEPUTY_CHAIR,
                                    memberships__organisation_id=cohort.ccg_id).distinct():
        add(user, "Deputy Clinical Chair")
    add(placement.educational_supervisor, "Educational Supervisor")
    for user in cohort.directors.all():
        add(user, "Programme Director")
    return [(user, ", ".join(labels)) for user, labels in people.values()]


def default_attendees(placement, spec: MeetingSpec) -> list[User]:
    """The trainee and the people the SOP names for this meeting."""
    chosen = [placement.trainee]
    for role in spec.attendees:
        if role == "ccg_supervisor":
            chosen.append(placement.ccg_supervisor)
        elif role == "project_lead" and placement.project_lead_id:
            chosen.append(placement.project_lead)
        elif role == "deputy_chair":
            chosen.extend(User.objects.filter(
                memberships__role=Role.DEPUTY_CHAIR,
                memberships__organisation_id=placement.cohort.ccg_id).distinct())
    return list(dict.fromkeys(chosen))


def meetings_visible_to(user, start: datetime.date, end: datetime.date) -> QuerySet[Meeting]:
    """Scheduled and held SOP meetings dated start..end (inclusive) that the person may see:
    those of the placements they see and those they attend. Each has date, start_time,
    end_time, title, venue, uid and sequence, for the diary and calendar feeds to merge with
    the timetable's sessions."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    # By id, each branch an index lookup (see trainees.selectors.Reach and clic.queries).
    attended = Meeting.attendees.through.objects.filter(user_id=user.pk).values("meeting_id")
    return (Meeting.objects.filter(date__range=(start, end))
            .filter(Q(placement_id__in=visible_placement_ids(user)) | AnyOf("pk", attended))
            .select_related("placement__trainee", "placement__cohort")
            .order_by("date", "start_time", "pk"))


def meetings_attended_by(user, start: datetime.date, end: datetime.date) -> QuerySet[Meeting]:
    """Only the meetings the person attends: for a personal calendar feed."""
    return meetings_visible_to(user, start, end).filter(attendees=user)


def meeting_diary_entries(user, start: datetime.date, end: datetime.date) -> list:
    """The diary provider (rotations.diary): each visible meeting as a DiaryEntry, linked to the
    meetings page for the people who may open it. A fixed number of queries.

    Only the columns an entry and the project rule read, unordered (the diary sorts), and
    each placement's link made once: `make bench` line "CCG admin: month diary", with the
    timetable's rows and one tag per cell 6.54x the floor -> about 6.0x
    (docs/performance.md, "Diaries")."""
    meetings = meetings_visible_to(user, start, end).order_by().only(
        "placement", "kind", "status", "date", "start_time", "end_time", "venue",
        "placement__trainee__full_name", "placement__trainee__email",
        "placement__ccg_supervisor", "placement__project_lead",
        "placement__educational_supervisor", "placement__cohort__programme",
        "placement__cohort__ccg")
    links: dict[int, str] = {}
    entries = []
    for meeting in meetings:
        if meeting.start_time is None:
            part = "day"
        else:
            part = "am" if meeting.start_time < datetime.time(12) else "pm"
        placement = meeting.placement
        if placement.pk not in links:
            links[placement.pk] = (reverse("meeting_list", args=[placement.pk])
                                   if rules.can_view_project(user, placement) else "")
        entries.append(DiaryEntry(
            date=meeting.date, part=part, title=meeting.title, kind="meeting",
            kind_label="Supervision meeting", source="meetings", start=meeting.start_time,
            end=meeting.end_time, venue=meeting.venue, person=placement.trainee,
            cohort_id=placement.cohort_id, url=links[placement.pk],
            note="Held" if meeting.is_held else ""))
    return entries


# Progress log -------------------------------------------------------------------------------


def progress_entries_of(placement) -> QuerySet[ProgressEntry]:
    return (placement.progress_entries.select_related("author")
            .prefetch_related(Prefetch("comments__author")))


# Concerns -----------------------------------------------------------------------------------


def concerns_visible_to(user, placement) -> QuerySet[Concern]:
    """The raiser, the SOP row's recipients (S14: the PDs; S15: the CCG Supervisor and the
    Deputy Clinical Chair) and the PDs; the trainee only once shared. Never CCG admin."""
    found = rules.relations(user, placement)
    concerns = placement.concerns.select_related("raised_by")
    if Role.PD in found:
        return concerns
    scope = Q(raised_by=user)
    if found & {Role.CCG_SUPERVISOR, Role.DEPUTY_CHAIR}:
        scope |= Q(raised_as=Concern.RaisedAs.PROJECT_LEAD)
    if Role.TRAINEE in found:
        scope |= Q(shared_with_trainee=True)
    return concerns.filter(scope)


def concerns_addressed_to(user) -> QuerySet[Concern]:
    """The concerns whose SOP email went to the person, newest first: S14 (a CCG Supervisor's)
    to the cohort's Programme Directors, S15 (a Project Lead's) to the trainee's CCG
    Supervisor and the CCG's Deputy Clinical Chair. concern_for opens each for them."""
    if not getattr(user, "is_authenticated", False):
        return Concern.objects.none()
    found = reach(user)
    # Only the routes that reach someone: each empty list cost a filter and a join to plan
    # on every staff home page's to-do panel, and with none there is no query at all
    # (`make bench` line "supervisor: home").
    routes = []
    # As relations(): a cohort's director receives S14 while they hold a PD role.
    if access_for(user).has_role(Role.PD) and (directed := found.cohort_ids(DIRECTS)):
        routes.append(Q(raised_as=Concern.RaisedAs.CCG_SUPERVISOR,
                        placement__cohort_id__in=directed))
    if supervised := found.placement_ids(Role.CCG_SUPERVISOR):
        routes.append(Q(raised_as=Concern.RaisedAs.PROJECT_LEAD, placement_id__in=supervised))
    if chaired := found.cohort_ids(Role.DEPUTY_CHAIR):
        routes.append(Q(raised_as=Concern.RaisedAs.PROJECT_LEAD,
                        placement__cohort_id__in=chaired))
    if not routes:
        return Concern.objects.none()
    return (Concern.objects.filter(reduce(operator.or_, routes))
            .select_related("placement__trainee", "placement__cohort", "raised_by")
            .order_by("-created_at", "-pk"))


def concern_for(user, placement, concern_id) -> Concern:
    return get_object_or_404(concerns_visible_to(user, placement).prefetch_related(
        "notes__author"), pk=concern_id)


# Summaries ----------------------------------------------------------------------------------


def summary_uploads_of(placement) -> QuerySet[SummaryUpload]:
    return placement.summary_uploads.select_related("uploaded_by")


def committee_notice(*, placement, upload, submission=None) -> Notice:
    """S12 of one version of the slide, keyed by it: a version reaches the committee once."""
    project = Project.objects.filter(placement=placement).first()
    return Notice(code="S12", event_key=f"s12:upload:{upload.pk}", about=submission or upload,
                  placement=placement, context={
                      "project_title": project.title if project else "",
                      "submitted_by": submission.submitted_by if submission else None,
                      "when": submission.submitted_at if submission else None,
                      "slide_name": upload.slide_name})


def committee_submission_of(upload) -> CommitteeSubmission | None:
    """When this version of the slide went to the committee, and who sent it."""
    return upload.submissions.select_related("submitted_by").order_by("submitted_at", "id").first()


def committee_submissions_of(placement) -> QuerySet[CommitteeSubmission]:
    return placement.committee_submissions.select_related("submitted_by", "upload")


# The supervisor's trainee list and the home pages --------------------------------------------


@dataclass
class SupervisionRow:
    placement: Placement
    project: Project | None
    plan: list[PlannedMeeting]
    hr_outstanding: list[HRItem]
    last_progress_date: datetime.date | None
    last_progress_text: str
    week: int | None
    overdue: list[str] = field(default_factory=list)

    @property
    def next_meeting(self) -> PlannedMeeting | None:
        return next_meeting(self.plan)


def _with_row_relations(placements):
    """What _rows reads of each placement besides the placement itself (the cohort's
    template version: its meeting weeks)."""
    return _with_summary_flag(placements.select_related("cohort__template_version", "project",
                                                        "hr_checklist")
                              .prefetch_related(Prefetch("meetings",
                                                         queryset=Meeting.objects.order_by())))


def _with_home_row_relations(placements, *columns):
    """What the home panels and the to-do panel read of each row: of the placement, cohort
    and people only `columns`; of the project, HR checklist and meetings only what they
    show (the project's status, title and confirmation; the checklist's dates; each
    meeting's kind, state and date), the meetings in the same query as an array
    (`home_meetings`, see _home_meetings) rather than a prefetch.

    Every column of the project, checklist and meetings, hashed by the compiler and built
    into models: with the narrower to-do reads, `make bench` line "supervisor: home" 8.9x ->
    7.5x the floor (CPU, demo database). The meetings' array spares their query (that line
    12 -> 11 queries, "trainee: home" 13 -> 12) at about the CPU time of the prefetch:
    measured again against the prefetch, back to back (two pairs, means), "supervisor:
    home" 5.9x against 6.1x the floor, "trainee: home" 6.5x against 6.6x."""
    meetings = (Meeting.objects.filter(placement=OuterRef("pk")).order_by()
                .values(json=JSONObject(kind="kind", status="status", date="date")))
    return (_with_summary_flag(placements.select_related("cohort__template_version", "project",
                                                         "hr_checklist"))
            .annotate(home_meetings=ArraySubquery(meetings))
            .only(*columns, "cohort__template_version",
                  "cohort__template_version__meeting_weeks",
                  "project__status", "project__title", "project__confirmed_at",
                  *(f"hr_checklist__{key}_on" for key in HR_ITEM_KEYS)))


def _home_meetings(placement) -> list[Meeting] | None:
    """The meetings _with_home_row_relations read with the placement, as unsaved meetings
    holding the columns read; None for a placement read otherwise (its prefetch holds them)."""
    found = getattr(placement, "home_meetings", None)
    if found is None:
        return None
    return [Meeting(placement_id=placement.pk, kind=meeting["kind"], status=meeting["status"],
                    date=datetime.date.fromisoformat(meeting["date"]))
            for meeting in found]


def _rows(placements, today: datetime.date, *, progress: bool = True) -> list[SupervisionRow]:
    """The rows of placements; without `progress` (the home panels, which do not show it)
    the latest progress entry is left unread."""
    # Only what the rows show: each join left out spares the planner (a ten-way join took
    # longer to plan than to run).
    placements = _with_row_relations(placements.select_related(None)
                                     .select_related("cohort", "trainee"))
    if progress:
        latest = ProgressEntry.objects.filter(placement=OuterRef("pk")).order_by("-date", "-id")
        placements = placements.annotate(last_progress_date=Subquery(latest.values("date")[:1]),
                                         last_progress_text=Subquery(latest.values("text")[:1]))
    return _rows_of(placements, today, progress=progress)


def _rows_of(placements, today: datetime.date, *, progress: bool) -> list[SupervisionRow]:
    """_rows, for placements read with _with_row_relations."""
    rows = []
    for placement in placements:
        cohort = placement.cohort
        week = cohort.week_of(today)
        started = today >= cohort.start_date
        settled = today >= cohort.monday_of_week(SETTLING_IN_WEEKS + 1)
        ended = today > cohort.end_date
        project = project_of(placement)
        checklist = hr_checklist_of(placement)
        plan = meeting_plan(placement, today, _home_meetings(placement))
        overdue = [f"{item.label} (due by {item.due_by:%-d %b})" for item in plan
                   if item.is_overdue]
        if settled and (project is None or project.status == Project.Status.PROPOSED):
            overdue.insert(0, "Project not yet agreed")
        if settled and checklist.outstanding:
            count = len(checklist.outstanding)
            overdue.append(f"HR checklist: {count} item{'s' if count != 1 else ''} outstanding")
        if ended and not placement.summary_uploaded:
            overdue.append("Project summaries not uploaded")
        rows.append(SupervisionRow(
            placement=placement, project=project, plan=plan,
            hr_outstanding=checklist.outstanding if started or checklist.pk else [],
            last_progress_date=placement.last_progress_date if progress else None,
            last_progress_text=(placement.last_progress_text or "") if progress else "",
            week=week, overdue=overdue))
    return rows


def _with_summary_flag(placements):
    return placements.annotate(summary_uploaded=Exists(
        SummaryUpload.objects.filter(placement=OuterRef("pk"))))


def supervision_rows(user, today: datetime.date) -> list[SupervisionRow]:
    """The supervisor's trainee list: every current placement the person supervises or leads
    the project of, and for a PD every current placement of their programmes. A fixed number
    of queries, however many trainees."""
    found = reach(user)
    placements = placements_visible_to(user).filter(
        Q(pk__in=found.placement_ids(Role.CCG_SUPERVISOR, Role.PROJECT_LEAD))
        | Q(cohort_id__in=found.cohort_ids(Role.PD, DIRECTS)))
    placements = current_placements(placements, today).order_by(
        "-cohort__start_date", "trainee__full_name", "pk")
    return _rows(placements, today)


def trainee_home(user, today: datetime.date) -> tuple[list[Placement], list[SupervisionRow]]:
    """For the trainee's home page: every placement of theirs (its cards), and their current
    placement(s) with what is outstanding, newest first. One read serves both: the cards'
    query with two more joins costs less than a second query."""
    # Of the placement, its cohort and people only what the cards and rows read.
    people = ("ccg_supervisor", "project_lead", "educational_supervisor")
    # The cards in the cohorts' order (Cohort.Meta: newest first, then by name), sorted here:
    # a trainee has a placement or two, and ordering the query by its cohort had the
    # compiler resolve the cohort's ordering through the join (trainee_home timed alone for
    # the demo's trainee: 2.5 -> 2.2 ms of CPU; `make bench` line "trainee: home").
    placements = sorted(_with_home_row_relations(
        placements_in_role(user, Role.TRAINEE).order_by(),
        "project_day", "cohort__name", "cohort__start_date", "cohort__weeks",
        "cohort__ccg__name", "practice__name",
        *(f"{person}__{column}" for person in people
          for column in ("full_name", "job_title", "email", "phone"))),
        key=lambda p: (-p.cohort.start_date.toordinal(), p.cohort.name))
    for placement in placements:
        placement.trainee = user  # not joined (placements_in_role), but rows may name them
    current = sorted((p for p in placements if is_current(p, today)),
                     key=lambda p: (-p.cohort.start_date.toordinal(), p.pk))
    return placements, _rows_of(current, today, progress=False)


def home_rows(user, today: datetime.date) -> list[SupervisionRow]:
    """The current placements the person supervises, leads the project of or directs, as
    rows without progress, in the tables' order (by cohort, then trainee). Read once per
    request and kept on the request's access: the supervisor's home panels
    (supervisor_home) and the to-do panel (projects.todo.trainees_waiting) both read them.
    Each reading its own cost `make bench` line "supervisor: home" two queries (13, now 11)
    and a quarter of its time: 2.0 times the PD's cohort page, 1.4 to 1.5 now."""
    return access_for(user).derived(("projects home rows", today),
                                    lambda: _home_rows(user, today))


def _home_rows(user, today: datetime.date) -> list[SupervisionRow]:
    # The placements they supervise, lead or direct among those they see, as ids from what
    # their roles reach (read for the request already) rather than an OR of three filters
    # on every placement they see: 2.8 -> 2.5 ms of CPU for the demo's supervisor, timed
    # alone (`make bench` line "supervisor: home").
    found = reach(user)
    ids = (set(found.placement_ids(Role.CCG_SUPERVISOR, Role.PROJECT_LEAD))
           | set(found.placements_in(found.cohort_ids(Role.PD, DIRECTS))))
    placements = Placement.objects.filter(pk__in=sorted(ids & set(visible_placement_ids(user))))
    placements = _with_home_row_relations(
        current_placements(placements, today)
        .select_related("cohort", "trainee", "ccg_supervisor")
        .order_by("-cohort__start_date", "cohort__name", "trainee__full_name", "pk"),
        # Of the placement, its cohort and people only what the tables and rows read.
        "project_day", "ccg_supervisor_id", "project_lead_id", "cohort__name",
        "cohort__start_date", "cohort__weeks", "trainee__full_name", "ccg_supervisor__full_name")
    return _rows_of(placements, today, progress=False)


def supervisor_home(user, today: datetime.date) -> tuple[list[Placement], list[SupervisionRow]]:
    """For the CCG Supervisor's and Project Lead's home page: their current trainees (the
    tables of both roles' panels), and those with anything outstanding (overdue items or HR
    checklist items), from home_rows."""
    mine = [row for row in home_rows(user, today)
            if user.pk in (row.placement.ccg_supervisor_id, row.placement.project_lead_id)]
    return [row.placement for row in mine], [row for row in mine
                                             if row.overdue or row.hr_outstanding]



# What a trainee's page shows of their latest progress entries.
PROGRESS_SHOWN = 3


def trainee_page_sections(user, placement, today: datetime.date) -> dict:
    """The project and its concerns on a trainee's page (trainees.selectors.overview_sections)."""
    sections: dict = {"project": None, "concerns": None}
    if rules.can_view_project(user, placement):
        sections["project"] = {
            "project": project_of(placement),
            "meetings": meeting_plan(placement, today),
            "progress": list(progress_entries_of(placement)
                             .prefetch_related(None)[:PROGRESS_SHOWN])}
    if rules.can_see_concerns_page(user, placement):
        sections["concerns"] = list(concerns_visible_to(user, placement))
    return sections
