"""Reads of absences, always scoped to the person asking.

Two levels of sight (docs/security.md, "Health data"):
- the trainee, their PAs and PDs see everything: the kind, every day, the note;
- CCG people (the trainee's CCG Supervisor and Project Lead, the CCG's admin and Deputy
  Clinical Chair) see only the CCG days, the kind in one word, never a note or a reason.
  The trainee's CCG Supervisor and Project Lead also see the annual leave (S7 told them) and
  running-late notes for CCG sessions (S9 told them).
Anyone else: 404.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from clic.accounts.access import DIRECTS, access_for
from clic.accounts.models import Organisation, Role
from rotations.models import ROTATION_WEEKS, Cohort, Session
from rotations.selectors import reached_cohort_ids
from rotations.timetable import bank_holidays
from trainees.models import Placement
from trainees.selectors import current_placements, reach

from . import rules
from .models import DAY_KINDS, LEAVE_KINDS, LIVE_STATES, Absence
from .routing import RoutedDay, Routing, Timetable, TimetableSession, route

FULL, CCG = "full", "ccg"

# One word per kind for CCG views (the "sickness", "leave", "study leave").
CCG_WORDS = {
    Absence.Kind.SICKNESS: "sickness",
    Absence.Kind.ANNUAL_LEAVE: "leave",
    Absence.Kind.STUDY_LEAVE: "study leave",
    Absence.Kind.CANNOT_ATTEND: "absent",
    Absence.Kind.RUNNING_LATE: "late",
}
# Diary and calendar-feed titles. Feeds are shared into other people's calendars: only the
# trainee, PAs and PDs ever see the word "sickness" there.
FULL_TITLES = {
    Absence.Kind.SICKNESS: "Sickness absence",
    Absence.Kind.ANNUAL_LEAVE: "Annual leave",
    Absence.Kind.STUDY_LEAVE: "Study leave",
    Absence.Kind.CANNOT_ATTEND: "Not attending",
    Absence.Kind.RUNNING_LATE: "Running late",
}
CCG_TITLES = {
    Absence.Kind.SICKNESS: "Absent",
    Absence.Kind.ANNUAL_LEAVE: "Annual leave",
    Absence.Kind.STUDY_LEAVE: "Study leave",
    Absence.Kind.CANNOT_ATTEND: "Absent",
    Absence.Kind.RUNNING_LATE: "Running late",
}
# Reports that count as days away in totals and on the CCG dashboard: a pending or declined
# request does not (yet).
COUNTED = Q(kind__in=[Absence.Kind.SICKNESS, Absence.Kind.CANNOT_ATTEND],
            state=Absence.State.REPORTED) | Q(kind__in=LEAVE_KINDS, state=Absence.State.APPROVED)


def _today(today=None) -> datetime.date:
    return today or timezone.localdate()


# Timetables ------------------------------------------------------------------------------


def _timetable_sessions(sessions: QuerySet[Session]) -> list[TimetableSession]:
    return [TimetableSession._make(row) for row in sessions.values_list(*TimetableSession._fields)]


def timetable_for(placement: Placement, first: datetime.date, last: datetime.date) -> Timetable:
    """The trainee's timetable between two dates: their own sessions and their cohort's, in
    one query, with England's bank holidays."""
    cohort = placement.cohort
    sessions = _timetable_sessions(
        Session.objects.filter(cohort_id=placement.cohort_id, date__range=(first, last))
        .filter(Q(placement_id=placement.pk) | Q(placement__isnull=True)))
    return Timetable(placement_id=placement.pk, rotation_start=cohort.start_date,
                     rotation_end=cohort.end_date, sessions=sessions,
                     bank_holidays=bank_holidays(first, last))


def timetables_for(placements: Sequence[Placement], first: datetime.date,
                   last: datetime.date) -> dict[int, Timetable]:
    """Timetables for many placements in one query (dashboards and lists)."""
    if not placements:
        return {}
    cohort_ids = {p.cohort_id for p in placements}
    placement_ids = {p.pk for p in placements}
    by_cohort: dict[int, list[TimetableSession]] = defaultdict(list)
    by_placement: dict[int, list[TimetableSession]] = defaultdict(list)
    for session in _timetable_sessions(
            Session.objects.filter(cohort_id__in=cohort_ids, date__range=(first, last))
            .filter(Q(placement_id__in=placement_ids) | Q(placement__isnull=True))):
        if session.placement_id is None:
            by_cohort[session.cohort_id].append(session)
        else:
            by_placement[session.placement_id].append(session)
    closed = bank_holidays(first, last)
    return {p.pk: Timetable(placement_id=p.pk, rotation_start=p.cohort.start_date,
                            rotation_end=p.cohort.end_date,
                            sessions=by_cohort[p.cohort_id] + by_placement[p.pk],
                            bank_holidays=closed)
            for p in placements}


def known_last_day(absence: Absence, today=None) -> datetime.date:
    """The last day an absence covers as far as anyone knows: an open-ended sickness runs
    until today (or its first day, if that is still ahead)."""
    if absence.last_day is not None:
        return absence.last_day
    return max(absence.first_day, _today(today))


def absence_routing(absence: Absence, timetable: Timetable, today=None,
                    start: datetime.date | None = None,
                    end: datetime.date | None = None) -> Routing:
    if absence.kind == Absence.Kind.RUNNING_LATE:
        return Routing()
    first = max(absence.first_day, start) if start else absence.first_day
    last = known_last_day(absence, today)
    last = min(last, end) if end else last
    if first > last:
        return Routing()
    return route(timetable, first, last, absence.part)


# Placements ------------------------------------------------------------------------------


def _placement_related(queryset):
    return queryset.select_related("cohort", "cohort__ccg", "cohort__programme", "trainee",
                                   "ccg_supervisor", "project_lead")


def placements_reportable_by(user) -> QuerySet[Placement]:
    """Placements a person may report for: their own, or (PD/PA) their programmes'."""
    if not user.is_authenticated:
        return Placement.objects.none()
    return _placement_related(Placement.objects.filter(pk__in=_full_placement_ids(user)))


def placement_to_report_for(user, placement_id, *, kind: str | None = None) -> Placement:
    """404 for a placement the person may not report for (someone else's, edited URL). A
    sickness may also be recorded by the CCG admin of the trainee's CCG, from the mailbox."""
    placements = placements_reportable_by(user)
    if kind == Absence.Kind.SICKNESS and user.is_authenticated:
        found = reach(user)
        placements = _placement_related(Placement.objects.filter(
            pk__in=sorted(set(_full_placement_ids(user))
                          | set(found.placements_in(found.cohort_ids(Role.CCG_ADMIN))))))
    return get_object_or_404(placements, pk=placement_id)


def current_placement_of(trainee, today=None) -> Placement | None:
    """The trainee's placement running today, else the next one, else the latest."""
    return current_among(_placement_related(Placement.objects.filter(trainee=trainee)), today)


def current_among(placements: Iterable[Placement], today=None) -> Placement | None:
    """current_placement_of, chosen from the trainee's placements already at hand (with
    their cohorts), such as the home page's."""
    today = _today(today)
    placements = list(placements)
    if not placements:
        return None
    running = [p for p in placements if p.cohort.start_date <= today <= p.cohort.end_date]
    upcoming = sorted((p for p in placements if p.cohort.start_date > today),
                      key=lambda p: p.cohort.start_date)
    latest = sorted(placements, key=lambda p: p.cohort.start_date, reverse=True)
    return (running or upcoming or latest)[0]


def sessions_to_miss(placement: Placement, *, include_past: bool, today=None) -> QuerySet[Session]:
    """Educational sessions the trainee could say they cannot attend."""
    from .routing import EDUCATIONAL_KINDS

    sessions = Session.objects.filter(cohort_id=placement.cohort_id, placement__isnull=True,
                                      kind__in=EDUCATIONAL_KINDS,
                                      status=Session.Status.SCHEDULED)
    if not include_past:
        sessions = sessions.filter(date__gte=_today(today))
    return sessions.order_by("date", "start_time", "part")


def meetings_today(placement: Placement, today=None):
    """The trainee's SOP meetings (projects app) scheduled for today."""
    from projects.models import Meeting

    return (Meeting.objects.filter(placement=placement, date=_today(today),
                                   status=Meeting.Status.SCHEDULED)
            .order_by("start_time"))


def sessions_today(placement: Placement, today=None) -> QuerySet[Session]:
    """The trainee's sessions and meetings today (for "running late")."""
    return (Session.objects.filter(cohort_id=placement.cohort_id, date=_today(today),
                                   status=Session.Status.SCHEDULED)
            .filter(Q(placement_id=placement.pk) | Q(placement__isnull=True))
            .exclude(kind=Session.Kind.BANK_HOLIDAY).order_by("start_time", "part"))


def educational_sessions_missed(absence: Absence, routing: Routing) -> list[Session]:
    """The cohort's teaching, action learning sets and presentations (mandatory for every
    trainee) that fall on the days an absence covers, on whatever weekday the cohort's
    timetable holds them."""
    from .routing import EDUCATIONAL_KINDS, SESSION_PART_HALVES

    halves = {(day.date, half) for day in routing.days
              for half in (("am", "pm") if day.part == "day" else (day.part,))}
    if not halves:
        return []
    sessions = (Session.objects.filter(cohort_id=absence.placement.cohort_id,
                                       placement__isnull=True, kind__in=EDUCATIONAL_KINDS,
                                       status=Session.Status.SCHEDULED,
                                       date__in={day for day, _ in halves})
                .order_by("date", "start_time", "part"))
    return [session for session in sessions
            if any((session.date, half) in halves for half in SESSION_PART_HALVES[session.part])]


def live_absences_of(placement: Placement, *, exclude_pk=None) -> list[Absence]:
    absences = Absence.objects.filter(placement=placement, state__in=LIVE_STATES)
    if exclude_pk:
        absences = absences.exclude(pk=exclude_pk)
    return list(absences)


# One absence -----------------------------------------------------------------------------


def _full_placement_ids(user) -> list[int]:
    """The trainee's own placements, and every placement of the cohorts they run as PD or
    PA (or direct): by id, memoised for the request (trainees.selectors.reach)."""
    found = reach(user)
    return sorted(set(found.placement_ids(Role.TRAINEE)) | set(
        found.placements_in(found.cohort_ids(Role.PD, Role.PA, DIRECTS))))


def _ccg_scope(user) -> Q:
    """Absences CCG people may see something of (the CCG days, in one word)."""
    found = reach(user)
    return Q(placement_id__in=sorted(
        set(found.placement_ids(Role.CCG_SUPERVISOR, Role.PROJECT_LEAD))
        | set(found.placements_in(found.cohort_ids(*rules.CCG_DASHBOARD_ROLES)))))


def _full_scope(user) -> Q:
    return Q(placement_id__in=_full_placement_ids(user))


def _absence_related(queryset):
    return queryset.select_related(
        "placement", "placement__trainee", "placement__cohort", "placement__cohort__ccg",
        "placement__cohort__programme", "placement__ccg_supervisor", "placement__project_lead",
        "session", "meeting", "reported_by", "decided_by")


@dataclass
class AbsenceView:
    """An absence as one person may see it."""

    absence: Absence
    level: str  # FULL or CCG
    routing: Routing
    word: str
    title: str

    @property
    def full(self) -> bool:
        return self.level == FULL

    @property
    def days(self) -> list[RoutedDay]:
        return self.routing.days


def _ccg_level_days(user, absence: Absence, routing: Routing) -> list[RoutedDay] | None:
    """What a CCG person sees of an absence: None when nothing."""
    placement = absence.placement
    named = user.pk in (placement.ccg_supervisor_id, placement.project_lead_id)
    if absence.kind == Absence.Kind.ANNUAL_LEAVE and named:
        return routing.days
    if absence.kind == Absence.Kind.RUNNING_LATE:
        session, meeting = absence.session, absence.meeting
        if named and session is not None and session.placement_id:
            return []
        if meeting is not None and (named or meeting.attendees.filter(pk=user.pk).exists()):
            return []
        return None
    return routing.ccg_days or None


def absence_for(user, pk, today=None) -> AbsenceView:
    """One absence as this person may see it; 404 for anyone outside its scope."""
    if not user.is_authenticated:
        raise Http404
    absence = get_object_or_404(
        _absence_related(Absence.objects.filter(_full_scope(user) | _ccg_scope(user))), pk=pk)
    timetable = timetable_for(absence.placement, absence.first_day,
                              known_last_day(absence, today))
    routing = absence_routing(absence, timetable, today)
    if rules.sees_everything_of(user, absence.placement):
        return AbsenceView(absence, FULL, routing, CCG_WORDS[absence.kind],
                           FULL_TITLES[absence.kind])
    days = _ccg_level_days(user, absence, routing)
    if days is None or absence.state == Absence.State.WITHDRAWN:
        raise Http404
    return AbsenceView(absence, CCG, Routing(ccg_days=[d for d in days if d.ccg],
                                             other_days=[d for d in days if not d.ccg]),
                       CCG_WORDS[absence.kind], CCG_TITLES[absence.kind])


def absence_to_change(user, pk) -> Absence:
    """An absence the person may change (their own, or as PD/PA); 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(_absence_related(Absence.objects.filter(_full_scope(user))), pk=pk)


def absence_emails(user, absence: Absence):
    """The emails a report generated (who, why, when, whether sent), for those who see the
    whole report. Bodies are not loaded."""
    from clic.mail.models import OutboundEmail

    if not rules.sees_everything_of(user, absence.placement):
        return OutboundEmail.objects.none()
    return (OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Absence), object_id=absence.pk)
        .only("id", "code", "to_email", "to_name", "recipient_roles", "subject", "status",
              "created_at", "sent_at").order_by("created_at", "id"))


# Diary and calendar-feed overlay ----------------------------------------------------------


@dataclass
class VisibleAbsence:
    """An absence on a diary or feed, as one viewer may see it."""

    absence_id: int
    placement_id: int
    trainee_id: int
    trainee_name: str
    kind: str
    state: str
    title: str  # for diaries and calendar feeds ("Absent" for CCG viewers' sickness)
    word: str  # one word for CCG dashboards ("sickness", "leave", "study leave")
    days: list[RoutedDay]
    full: bool
    pending: bool
    open_ended: bool
    url: str
    note: str = ""
    trainee: object = None
    version: int = 1

    def days_on(self, day: datetime.date) -> list[RoutedDay]:
        return [d for d in self.days if d.date == day]


def _window_absences(scope: Q, start, end) -> QuerySet[Absence]:
    return (Absence.objects.filter(scope, kind__in=DAY_KINDS, state__in=LIVE_STATES,
                                   first_day__lte=end)
            .filter(Q(last_day__gte=start) | Q(last_day__isnull=True))
            .select_related("placement", "placement__trainee", "placement__cohort", "session"))


def absences_visible_to(user, start: datetime.date, end: datetime.date,
                        today=None, rows: QuerySet[Absence] | None = None) -> list[VisibleAbsence]:
    """Every absence between two dates this person may see, each with the days and title
    they may see: for a diary or calendar feed overlay. Constant queries (three).

    The trainee, their PAs and PDs get every day, the kind's own title ("Sickness absence",
    "Annual leave", "Study leave"), pending requests marked `pending` (a feed should skip
    them) and the note. CCG people get CCG days only (their Supervisor and Project Lead also
    every annual leave day), titled "Absent" for sickness, never a note. Running-late notes
    and withdrawn or declined reports are not included. `rows`: feed_absences(user, start,
    end), when the caller has built it already."""
    if not user.is_authenticated:
        return []
    if rows is None:
        rows = feed_absences(user, start, end)
    # Only the columns routing, the rules and an entry read: every column of the absence,
    # placement, trainee, cohort and session took longer to compile and build than to fetch.
    absences = list(rows.only(
        "id", "placement", "kind", "state", "first_day", "last_day", "part", "note",
        "version", "session__title", "placement__trainee", "placement__cohort",
        "placement__ccg_supervisor", "placement__project_lead",
        "placement__trainee__full_name", "placement__trainee__email",
        "placement__cohort__ccg", "placement__cohort__programme",
        "placement__cohort__start_date"))
    if not absences:
        return []
    placements = list({a.placement_id: a.placement for a in absences}.values())
    # Routing reads only the absences' days: the timetables need no wider window than theirs.
    timetables = timetables_for(
        placements, max(start, min(a.first_day for a in absences)),
        min(end, max(known_last_day(a, today) for a in absences)))
    ccg_ids = access_for(user).organisation_ids(*rules.CCG_DASHBOARD_ROLES)
    visible = []
    for absence in absences:
        placement = absence.placement
        routing = absence_routing(absence, timetables[placement.pk], today, start, end)
        full = rules.sees_everything_of(user, placement)
        if full:
            days = routing.days
        else:
            named = user.pk in (placement.ccg_supervisor_id, placement.project_lead_id)
            if not (named or placement.cohort.ccg_id in ccg_ids):
                continue
            days = (routing.days if named and absence.kind == Absence.Kind.ANNUAL_LEAVE
                    else routing.ccg_days)
            if absence.state == Absence.State.PENDING and not named:
                continue
        if not days:
            continue
        titles = FULL_TITLES if full else CCG_TITLES
        title = titles[absence.kind]
        if full and absence.kind == Absence.Kind.CANNOT_ATTEND and absence.session_id:
            title = f"Not attending: {absence.session.title}"
        pending = absence.state == Absence.State.PENDING
        if pending:
            title += " (requested)"
        visible.append(VisibleAbsence(
            absence_id=absence.pk, placement_id=placement.pk, trainee_id=placement.trainee_id,
            trainee_name=placement.trainee.full_name, kind=absence.kind, state=absence.state,
            title=title, word=CCG_WORDS[absence.kind], days=days, full=full, pending=pending,
            open_ended=absence.is_open,
            url=reverse("absences:detail", args=[absence.pk]),
            note=absence.note if full else "", trainee=placement.trainee,
            version=absence.version))
    return visible


def feed_absences(user, start: datetime.date, end: datetime.date) -> QuerySet[Absence]:
    """The absences between two dates that the person sees anything of: what
    absences_visible_to reads, and what a calendar feed's ETag counts (an open-ended
    sickness grows by a day each day: the feed's ETag covers the day)."""
    if not user.is_authenticated:
        return Absence.objects.none()
    return _window_absences(_full_scope(user) | _ccg_scope(user), start, end)


def absences_by_date(visible: Iterable[VisibleAbsence]) -> dict[datetime.date, list[tuple]]:
    """{date: [(VisibleAbsence, RoutedDay), ...]} for laying absences on a diary grid."""
    found: dict[datetime.date, list[tuple]] = defaultdict(list)
    for item in visible:
        for day in item.days:
            found[day.date].append((item, day))
    return dict(found)


# Trainee's own list ----------------------------------------------------------------------


def own_absences(user) -> QuerySet[Absence]:
    return (_absence_related(Absence.objects.filter(placement__trainee=user))
            .order_by("-first_day", "-created_at"))


# PD / PA view ----------------------------------------------------------------------------


@dataclass
class TraineeTotals:
    placement: Placement
    days: float = 0.0
    episodes: int = 0
    ccg_days: float = 0.0
    pending: int = 0


@dataclass
class ProgrammeAbsences:
    absences: list  # each with its `routing`
    totals: list[TraineeTotals]


def programme_scope(user) -> tuple[QuerySet[Cohort], QuerySet[Placement]]:
    """The cohorts a PD or PA runs, newest first, and all their trainees, unread: the filters
    read the cohorts, and the trainees of what is shown only (one cohort, or the current
    cohorts), with the columns the page uses."""
    if not rules.can_view_programme_absences(user):
        raise Http404
    # The cohorts only (reach() would also read every placement of them, years of them).
    cohort_ids = reached_cohort_ids(user, Role.PD, Role.PA, DIRECTS)
    cohorts = (Cohort.objects.filter(pk__in=cohort_ids).only("name", "start_date")
               .order_by("-start_date", "name"))
    placements = (Placement.objects.filter(cohort_id__in=cohort_ids)
                  .select_related("trainee", "cohort")
                  .only("cohort_id", "trainee_id", "trainee__full_name", "cohort__name",
                        "cohort__start_date")
                  .order_by("trainee__full_name", "-cohort__start_date", "pk"))
    return cohorts, placements


def programme_absences(user, *, placements=None, placement_id=None, kind="", start=None,
                       end=None, today=None) -> ProgrammeAbsences:
    """The absences of the trainees a PD or PA is shown, filtered, latest first, with totals
    per trainee (days away and episodes, counting reported sickness and cannot-attend and
    approved leave) and the number of emails each report caused. Constant queries.

    placements: the trainees shown, as the filter form read them from programme_scope;
    without them, those of the person's current cohorts
    (trainees.selectors.current_placements). Either way only the person's cohorts' trainees
    (their cohorts are read once a request: no query more)."""
    from clic.mail.models import OutboundEmail

    today = _today(today)
    if placements is None:
        placements = list(current_placements(programme_scope(user)[1], today))
    theirs = set(reached_cohort_ids(user, Role.PD, Role.PA, DIRECTS))
    known = {p.pk: p for p in placements
             if p.cohort_id in theirs and (not placement_id or p.pk == placement_id)}
    emails = (OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Absence), object_id=OuterRef("pk"))
        .order_by().values("object_id").annotate(n=Count("id")).values("n"))
    absences = (Absence.objects.filter(placement_id__in=list(known))
                .select_related("session", "meeting")
                .annotate(email_count=Coalesce(Subquery(emails), 0))
                .order_by("-first_day", "-created_at", "-pk"))
    if kind:
        absences = absences.filter(kind=kind)
    if start:
        absences = absences.filter(Q(last_day__gte=start) | Q(last_day__isnull=True))
    if end:
        absences = absences.filter(first_day__lte=end)
    absences = list(absences)
    for absence in absences:
        absence.placement = known[absence.placement_id]  # read once, with the filters
    by_placement = {pk: TraineeTotals(placement=p) for pk, p in known.items()}
    if absences:
        first = min(a.first_day for a in absences)
        last = max(known_last_day(a, today) for a in absences)
        away = {a.placement_id for a in absences}
        timetables = timetables_for([known[pk] for pk in away], first, last)
        for absence in absences:
            routing = absence.routing = absence_routing(
                absence, timetables[absence.placement_id], today, start, end)
            totals = by_placement[absence.placement_id]
            if absence.state == Absence.State.PENDING:
                totals.pending += 1
            if _counts(absence) and not routing.is_empty:
                totals.days += routing.day_count
                totals.ccg_days += routing.ccg_day_count
                totals.episodes += 1
    return ProgrammeAbsences(absences=absences, totals=list(by_placement.values()))


def _counts(absence: Absence) -> bool:
    if absence.kind in (Absence.Kind.SICKNESS, Absence.Kind.CANNOT_ATTEND):
        return absence.state == Absence.State.REPORTED
    if absence.kind in LEAVE_KINDS:
        return absence.state == Absence.State.APPROVED
    return False


# CCG dashboard ---------------------------------------------------------------------------


@dataclass
class CcgEntry:
    """One trainee away on one of their CCG days."""

    trainee_name: str
    placement_id: int
    date: datetime.date
    part: str
    word: str
    pending: bool
    open_ended: bool


@dataclass
class CcgTraineeRow:
    placement: Placement
    ccg_days_scheduled: float = 0.0
    ccg_days_absent: float = 0.0
    episodes: int = 0
    by_word: dict = field(default_factory=dict)


@dataclass
class CcgWeek:
    week: int
    monday: datetime.date
    absent: float = 0.0
    scheduled: float = 0.0
    bar: int = 0  # 0-100 in steps of 5: the CSS class of the chart's bar
    current: bool = False


@dataclass
class DiaryCell:
    date: datetime.date
    in_month: bool
    bank_holiday: str = ""
    # [(trainee name, part, word or "")]: each trainee's CCG day, with the absence if any.
    people: list = field(default_factory=list)


@dataclass
class CcgDashboard:
    ccgs: list[Organisation]
    cohorts: list[Cohort]
    cohort: Cohort | None
    today: datetime.date
    today_entries: list[CcgEntry]
    week_entries: list[CcgEntry]
    trainees: list[CcgTraineeRow]
    weeks: list[CcgWeek]
    month: datetime.date
    diary: list[list[DiaryCell]]
    previous_month: datetime.date
    next_month: datetime.date
    weekday_names: tuple = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def ccg_cohorts_of(user) -> tuple[list[Organisation], list[Cohort]]:
    """The CCGs a person runs the dashboard for (as CCG admin or Deputy Clinical Chair), and
    their cohorts: what the pages show of them, by the ids in the person's memberships
    (already read), so neither query joins."""
    ccg_ids = access_for(user).organisation_ids(*rules.CCG_DASHBOARD_ROLES)
    ccgs = list(Organisation.objects.filter(pk__in=ccg_ids, kind=Organisation.Kind.CCG)
                .only("name").order_by("name")) if ccg_ids else []
    cohorts = list(Cohort.objects.filter(ccg__in=ccgs).only("name", "start_date", "ccg_id")
                   .order_by("-start_date", "name")) if ccgs else []
    return ccgs, cohorts


def _choose_cohort(cohorts: list[Cohort], cohort_id, today) -> Cohort | None:
    if cohort_id:
        for cohort in cohorts:
            if cohort.pk == cohort_id:
                return cohort
        raise Http404
    running = [c for c in cohorts if c.start_date <= today <= c.end_date]
    started = [c for c in cohorts if c.start_date <= today]
    upcoming = sorted((c for c in cohorts if c.start_date > today), key=lambda c: c.start_date)
    return (running or upcoming or started or [None])[0]


def _ccg_absence_days(absences, timetables, today) -> list[tuple[Absence, RoutedDay]]:
    """The CCG-day parts of each absence (live ones: counted or pending)."""
    found = []
    for absence in absences:
        timetable = timetables.get(absence.placement_id)
        if timetable is None:
            continue
        for day in absence_routing(absence, timetable, today).ccg_days:
            found.append((absence, day))
    return found


def _ccg_halves_scheduled(timetable: Timetable) -> dict[datetime.date, str]:
    """{date: part} of every CCG project day the trainee has, per the timetable."""
    days: dict[datetime.date, set] = defaultdict(set)
    for session in timetable.sessions:
        if session.placement_id == timetable.placement_id:
            halves = timetable.ccg_halves(session.date)
            if halves:
                days[session.date] = halves
    return {day: ("day" if len(h) == 2 else next(iter(h))) for day, h in days.items()
            if not timetable.closed_reason(day)}


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def ccg_dashboard(user, *, cohort_id=None, month: datetime.date | None = None,
                  today=None) -> CcgDashboard:
    """The CCG admin's view of one cohort at their CCG: who is away on a CCG day today and
    this week (one word, no reason), a month diary of CCG days with absences on it, CCG days
    absent per trainee this rotation and per week. The same seven queries however many
    trainees there are."""
    if not rules.can_view_ccg_dashboard(user):
        raise Http404
    today = _today(today)
    ccgs, cohorts = ccg_cohorts_of(user)
    if not ccgs:
        raise Http404
    cohort = _choose_cohort(cohorts, cohort_id, today)
    month = _month_start(month or (today if cohort is None or cohort.start_date <= today
                                   else cohort.start_date))
    grid_start = month - datetime.timedelta(days=month.weekday())
    month_end = _add_months(month, 1) - datetime.timedelta(days=1)
    grid_end = month_end + datetime.timedelta(days=4 - month_end.weekday())
    monday = today - datetime.timedelta(days=today.weekday())
    friday = monday + datetime.timedelta(days=4)
    empty = CcgDashboard(ccgs=ccgs, cohorts=cohorts, cohort=cohort, today=today,
                         today_entries=[], week_entries=[], trainees=[], weeks=[], month=month,
                         diary=[], previous_month=_add_months(month, -1),
                         next_month=_add_months(month, 1))
    if cohort is None:
        return empty
    placements = list(Placement.objects.filter(cohort=cohort).select_related("trainee")
                      .only("cohort_id", "trainee__full_name").order_by("trainee__full_name"))
    for placement in placements:
        placement.cohort = cohort  # the timetables need its dates
    window_start = min(cohort.start_date, grid_start, monday)
    window_end = max(cohort.end_date, grid_end, friday)
    timetables = timetables_for(placements, window_start, window_end)
    absences = list(Absence.objects.filter(
        placement__cohort=cohort, kind__in=DAY_KINDS, first_day__lte=window_end)
        .filter(COUNTED | Q(state=Absence.State.PENDING))
        .filter(Q(last_day__gte=window_start) | Q(last_day__isnull=True))
        .only("id", "placement_id", "kind", "state", "first_day", "last_day", "part"))
    names = {p.pk: p.trainee.full_name for p in placements}
    ccg_days = _ccg_absence_days(absences, timetables, today)

    def entry(absence, day):
        return CcgEntry(trainee_name=names[absence.placement_id], placement_id=absence.placement_id,
                        date=day.date, part=day.part, word=CCG_WORDS[absence.kind],
                        pending=absence.state == Absence.State.PENDING,
                        open_ended=absence.is_open)

    ordered = sorted(ccg_days, key=lambda item: (item[1].date, names[item[0].placement_id]))
    dashboard = empty
    dashboard.today_entries = [entry(a, d) for a, d in ordered if d.date == today]
    dashboard.week_entries = [entry(a, d) for a, d in ordered if monday <= d.date <= friday]

    rows = {p.pk: CcgTraineeRow(placement=p) for p in placements}
    weeks = [CcgWeek(week=w, monday=cohort.monday_of_week(w), current=cohort.week_of(today) == w)
             for w in range(1, ROTATION_WEEKS + 1)]
    scheduled = {p.pk: _ccg_halves_scheduled(timetables[p.pk]) for p in placements}
    for placement_id, days in scheduled.items():
        for day, part in days.items():
            week = cohort.week_of(day)
            amount = 1.0 if part == "day" else 0.5
            if week:
                rows[placement_id].ccg_days_scheduled += amount
                weeks[week - 1].scheduled += amount
    episodes: dict[int, set] = defaultdict(set)
    for absence, day in ccg_days:
        if absence.state == Absence.State.PENDING:
            continue
        week = cohort.week_of(day.date)
        if not week:
            continue
        row = rows[absence.placement_id]
        row.ccg_days_absent += day.days
        word = CCG_WORDS[absence.kind]
        row.by_word[word] = row.by_word.get(word, 0) + day.days
        episodes[absence.placement_id].add(absence.pk)
        weeks[week - 1].absent += day.days
    for placement_id, ids in episodes.items():
        rows[placement_id].episodes = len(ids)
    # Each bar is the share of that week's CCG days the cohort missed (1 of 4 is a quarter),
    # not a share of the busiest week, which made a single absence look like a full week.
    for w in weeks:
        w.bar = min(int(round(20 * w.absent / w.scheduled)) * 5, 100) if w.scheduled else 0
    dashboard.trainees = list(rows.values())
    dashboard.weeks = weeks

    on_day: dict[tuple[int, datetime.date], str] = {}
    for absence, day in ccg_days:
        word = CCG_WORDS[absence.kind] + (" (requested)" if absence.state == "pending" else "")
        on_day[(absence.placement_id, day.date)] = word
    closed = bank_holidays(grid_start, grid_end)
    diary, row_cells = [], []
    day = grid_start
    while day <= grid_end:
        if day.weekday() < 5:
            cell = DiaryCell(date=day, in_month=day.month == month.month,
                             bank_holiday=closed.get(day, ""))
            for placement in placements:
                part = scheduled[placement.pk].get(day)
                if part:
                    cell.people.append((placement.trainee.full_name, part,
                                        on_day.get((placement.pk, day), "")))
            row_cells.append(cell)
        if day.weekday() == 4:
            diary.append(row_cells)
            row_cells = []
        day += datetime.timedelta(days=1)
    dashboard.diary = diary
    return dashboard


@dataclass
class RegisterRow:
    trainee: str
    cohort: str
    date: datetime.date
    part: str
    word: str
    state: str
    reported_on: datetime.date

    # As CcgEntry names them, for the templates that list both.
    @property
    def trainee_name(self) -> str:
        return self.trainee

    @property
    def pending(self) -> bool:
        return self.state == "requested"


def ccg_register(user, today=None) -> list[RegisterRow]:
    """The CCG's absence register: each CCG-day absence of every trainee placed at the
    person's CCGs, one row per day, in one word, without notes or reasons."""
    if not rules.can_view_ccg_dashboard(user):
        raise Http404
    ccgs, cohorts = ccg_cohorts_of(user)
    if not ccgs:
        raise Http404
    return _register_rows(Placement.objects.filter(cohort__in=cohorts), today)


def supervised_absences(user, today=None) -> list[RegisterRow]:
    """A CCG Supervisor's or Project Lead's trainees' absences on their CCG project days,
    one row per day, in one word (as the CCG register): never a note or a reason, nothing
    of their other days."""
    if not rules.can_view_supervised_absences(user):
        raise Http404
    found = reach(user)
    return _register_rows(Placement.objects.filter(
        pk__in=found.placement_ids(Role.CCG_SUPERVISOR, Role.PROJECT_LEAD)), today)


def _register_rows(placements: QuerySet[Placement], today) -> list[RegisterRow]:
    placements = list(placements.select_related("trainee", "cohort"))
    if not placements:
        return []
    first = min(p.cohort.start_date for p in placements)
    last = max(p.cohort.end_date for p in placements)
    timetables = timetables_for(placements, first, last)
    absences = list(Absence.objects.filter(placement__in=placements, kind__in=DAY_KINDS)
                    .filter(COUNTED | Q(state=Absence.State.PENDING))
                    .select_related("placement__trainee", "placement__cohort"))
    rows = []
    for absence, day in _ccg_absence_days(absences, timetables, today):
        placement = absence.placement
        rows.append(RegisterRow(
            trainee=placement.trainee.full_name, cohort=placement.cohort.name, date=day.date,
            part=day.part, word=CCG_WORDS[absence.kind],
            state=("requested" if absence.state == Absence.State.PENDING
                   else "approved" if absence.state == Absence.State.APPROVED else "reported"),
            reported_on=timezone.localtime(absence.created_at).date()))
    return sorted(rows, key=lambda r: (r.date, r.trainee))


# Who will be told ------------------------------------------------------------------------


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


ROLE_PHRASES = {
    "ccg_supervisor": ("{possessive} CCG Supervisor {people}", "{possessive} CCG Supervisors {people}"),
    "project_lead": ("{possessive} Project Lead {people}", "{possessive} Project Leads {people}"),
    "ccg_admin": ("the CCG admin mailbox {people}", "the CCG admin mailboxes {people}"),
    "pd": ("{possessive} Programme Director {people}", "{possessive} Programme Directors {people}"),
    "pa": ("the Programme Administrator {people}", "the Programme Administrators {people}"),
    "trainee": ("{people}", "{people}"),
}


def _named(addressee) -> str:
    """ "Dr Claire Morgan (claire.morgan@nhs.net)"; a mailbox by its address alone."""
    return f"{addressee.name} ({addressee.email})" if addressee.name else f"({addressee.email})"


def describe_addressees(placement: Placement, addressees: Sequence, *, possessive: str) -> str:
    """ "your CCG Supervisor Claire Morgan (claire.morgan@nhs.net), your Project Lead ... and
    the CCG admin mailbox (ekccgs.quality@nhs.net)": clic.mail's addressees of an email, each
    with its address and why they get it."""
    from clic.mail.catalogue import Recipient

    by_role: dict[str, list] = {}
    for addressee in addressees:
        by_role.setdefault(addressee.role_codes[0] if addressee.role_codes else "named",
                           []).append(addressee)
    phrases = []
    for role, group in by_role.items():
        if role == "named":  # a person named by the event: a facilitator, a meeting's attendee
            phrases += [_person_phrase(placement, a, possessive) for a in group]
            continue
        people = _names([_named(a) for a in group])
        if role == "trainee" and possessive == "your":
            people = f"you {_names([f'({a.email})' for a in group])}"
        one, many = ROLE_PHRASES.get(role, ("{role} {people}", "{role} {people}"))
        phrases.append((one if len(group) == 1 else many).format(
            possessive=possessive, people=people, role=Recipient(role).label))
    return _names(phrases)


def _person_phrase(placement: Placement, addressee, possessive: str) -> str:
    if addressee.email == (placement.ccg_supervisor.email.lower()
                           if placement.ccg_supervisor_id else None):
        return f"{possessive} CCG Supervisor {_named(addressee)}"
    if addressee.email == (placement.project_lead.email.lower()
                           if placement.project_lead_id else None):
        return f"{possessive} Project Lead {_named(addressee)}"
    return _named(addressee)


@dataclass
class Telling:
    """One email (or, `later`, a possible one) as a preview names it."""

    code: str
    people: str
    days: list[RoutedDay]
    heading: str = ""
    addressees: list = field(default_factory=list)
    later: bool = False

    @property
    def sentence(self) -> str:
        if not self.people:
            return "Nobody can be emailed: no one holds these roles yet"
        people = f"{self.people[:1].upper()}{self.people[1:]}"
        return f"{people} will be emailed{' on the morning of that day' if self.later else ''}"


def _possessive(placement: Placement, reporter) -> str:
    return "your" if reporter is not None and reporter.pk == placement.trainee_id else (
        f"{placement.trainee.full_name}'s")


LATER_HEADINGS = {"S5": "If still off sick on a CCG project day",
                  "S6": "If still off sick on any other rotation day"}


def who_is_told(placement: Placement, notices: Sequence, *, reporter) -> list[Telling]:
    """Who each email a service is about to send (absences.services.*_notices) reaches, by
    name and address, from clic.mail's own resolution (sop_addressees): what the page says is
    what the outbox gets."""
    from clic.mail.services import sop_addressees

    possessive = _possessive(placement, reporter)
    told = []
    for notice in notices:
        addressees = sop_addressees(code=notice.row, placement=placement,
                                    recipients_override=notice.recipients)
        told.append(Telling(code=notice.code, days=list(notice.days), addressees=addressees,
                            people=describe_addressees(placement, addressees,
                                                       possessive=possessive),
                            heading=LATER_HEADINGS.get(notice.code, "") if notice.later else "",
                            later=notice.later))
    return told


def who_may_be_told(placement: Placement, kind: str, *, reporter) -> list[Telling]:
    """Before any dates are entered: who each kind of report reaches (SOP S5-S9)."""
    from clic.mail.catalogue import Recipient
    from clic.mail.services import sop_addressees

    from .routing import CODE_BY_KIND, SICKNESS_CCG, SICKNESS_OTHER

    possessive = _possessive(placement, reporter)

    def telling(code, heading="", recipients=None, prefix=""):
        addressees = sop_addressees(code=code, placement=placement,
                                    recipients_override=recipients)
        people = describe_addressees(placement, addressees, possessive=possessive)
        return Telling(code, prefix + people, [], heading, addressees)

    if kind == Absence.Kind.SICKNESS:
        ccg_day = telling(SICKNESS_CCG, "For a CCG project day")
        if not rules.can_report_for(reporter, placement):  # CCG admin, from the mailbox
            return [ccg_day]
        return [ccg_day, telling(SICKNESS_OTHER, "For any other day")]
    if kind == Absence.Kind.RUNNING_LATE:
        return [telling("S9", "For a CCG session or meeting",
                        [Recipient.CCG_SUPERVISOR, Recipient.PROJECT_LEAD]),
                telling("S9", "For teaching or the action learning set", [Recipient.PD],
                        prefix="the session's facilitator and ")]
    return [telling(CODE_BY_KIND[kind])]


# The diary provider (registered with rotations.diary in AbsencesConfig.ready) -------------


# Absences whose days the trainee's sessions are struck through in the diary: not running
# late, nor missing one educational session (the session itself says so).
MISSES_SESSIONS = (Absence.Kind.SICKNESS, *LEAVE_KINDS)


def diary_entries(user, start: datetime.date, end: datetime.date) -> list:
    """Absences as diary entries, over the days (or half days) they affect, titled for the
    viewer: the trainee, PA and PD see "Sickness absence"; CCG people see "Absent"."""
    from rotations.diary import DiaryEntry

    entries = []
    for item in absences_visible_to(user, start, end):
        if item.pending:
            tag = "Requested"
        elif item.kind in LEAVE_KINDS:
            tag = "Leave"
        else:
            tag = "Absence"
        for day in item.days:
            entries.append(DiaryEntry(
                date=day.date, part=day.part, title=item.title, kind="absence", kind_label=tag,
                source="absences", person=item.trainee, overlay=True, url=item.url,
                excuses=not item.pending and item.kind in MISSES_SESSIONS))
    return entries


# Home-page panels --------------------------------------------------------------------------


def pending_requests(user) -> QuerySet[Absence]:
    """Leave requests waiting for this PD's or PA's decision, oldest first, with their
    trainees."""
    found = reach(user)
    return Absence.objects.filter(
        placement_id__in=found.placements_in(found.cohort_ids(Role.PD, Role.PA, DIRECTS)),
        kind__in=LEAVE_KINDS, state=Absence.State.PENDING).select_related(
        "placement__trainee").order_by("first_day", "pk")


def pending_requests_count(user) -> int:
    """Leave requests waiting for this PD's or PA's decision."""
    return pending_requests(user).select_related(None).order_by().count()


def ccg_away_today(user, today=None) -> list[CcgEntry]:
    """Trainees at the person's CCGs away on a CCG day today, in one word."""
    today = _today(today)
    _, cohorts = ccg_cohorts_of(user)
    running = [c.pk for c in cohorts if c.start_date <= today <= c.end_date]
    if not running:
        return []
    placements = list(Placement.objects.filter(cohort__in=running).select_related("trainee",
                                                                                  "cohort"))
    timetables = timetables_for(placements, today, today)
    absences = (Absence.objects.filter(placement__in=placements, kind__in=DAY_KINDS,
                                       first_day__lte=today)
                .filter(Q(last_day__gte=today) | Q(last_day__isnull=True)).filter(COUNTED)
                .only("id", "placement_id", "kind", "state", "first_day", "last_day", "part"))
    names = {p.pk: p.trainee.full_name for p in placements}
    return sorted((CcgEntry(trainee_name=names[a.placement_id], placement_id=a.placement_id,
                            date=d.date, part=d.part, word=CCG_WORDS[a.kind], pending=False,
                            open_ended=a.is_open)
                   for a, d in _ccg_absence_days(absences, timetables, today) if d.date == today),
                  key=lambda e: e.trainee_name)
