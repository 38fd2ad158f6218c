"""Reads of absences, always scoped to the person asking.

Two levels of sight (docs/security.md, "Health data"):
- the trainee, their PAs and PDs see everything: the kind, every day, the note;
- CCG people (the trainee's CCG Supervisor and Project Lead, the CCG's admin and Deputy
  Clinical Chair) see only the CCG days, the kind in one word, never a note or a reason.
  The trainee's CCG Supervisor and Project Lead also see the annual leave (S7 told them) and
  running-late notes for CCG sessions (S9 told them).
Anyone else: 404.

What CCG people see of a cohort (the dashboard, the register) lives in absences.dashboard;
who a report's emails reach, in words, in absences.wording.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from clic.accounts.access import DIRECTS, access_for
from clic.accounts.models import Role
from clic.mail.models import OutboundEmail
from projects import rules as project_rules
from projects.models import Meeting
from rotations.diary import DiaryEntry
from rotations.models import Cohort, Session
from rotations.selectors import reached_cohort_ids
from rotations.timetable import bank_holidays
from trainees.models import Placement
from trainees.selectors import current_placements, reach

from . import rules
from .models import DAY_KINDS, LEAVE_KINDS, LIVE_STATES, Absence
from .routing import (
    EDUCATIONAL_KINDS,
    SESSION_PART_HALVES,
    RoutedDay,
    Routing,
    Timetable,
    TimetableSession,
    route,
)

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


def known_last_day(absence: Absence, today: datetime.date) -> datetime.date:
    """The last day an absence covers as far as anyone knows: an open-ended sickness runs
    until today (or its first day, if that is still ahead)."""
    if absence.last_day is not None:
        return absence.last_day
    return max(absence.first_day, today)


def absence_routing(absence: Absence, timetable: Timetable, today: datetime.date,
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


def current_placement_of(trainee, today: datetime.date) -> Placement | None:
    """The trainee's placement running today, else the next one, else the latest."""
    return current_among(_placement_related(Placement.objects.filter(trainee=trainee)), today)


def current_among(placements: Iterable[Placement], today: datetime.date) -> Placement | None:
    """current_placement_of, chosen from the trainee's placements already at hand (with
    their cohorts), such as the home page's."""
    placements = list(placements)
    if not placements:
        return None
    running = [p for p in placements if p.cohort.start_date <= today <= p.cohort.end_date]
    upcoming = sorted((p for p in placements if p.cohort.start_date > today),
                      key=lambda p: p.cohort.start_date)
    latest = sorted(placements, key=lambda p: p.cohort.start_date, reverse=True)
    return (running or upcoming or latest)[0]


def sessions_to_miss(placement: Placement, *, include_past: bool,
                     today: datetime.date) -> QuerySet[Session]:
    """Educational sessions the trainee could say they cannot attend."""
    sessions = Session.objects.filter(cohort_id=placement.cohort_id, placement__isnull=True,
                                      kind__in=EDUCATIONAL_KINDS,
                                      status=Session.Status.SCHEDULED)
    if not include_past:
        sessions = sessions.filter(date__gte=today)
    return sessions.order_by("date", "start_time", "part")


def meetings_today(placement: Placement, today: datetime.date):
    """The trainee's SOP meetings (projects app) scheduled for today."""
    return (Meeting.objects.filter(placement=placement, date=today,
                                   status=Meeting.Status.SCHEDULED)
            .order_by("start_time"))


def sessions_today(placement: Placement, today: datetime.date) -> QuerySet[Session]:
    """The trainee's sessions and meetings today (for "running late")."""
    return (Session.objects.filter(cohort_id=placement.cohort_id, date=today,
                                   status=Session.Status.SCHEDULED)
            .filter(Q(placement_id=placement.pk) | Q(placement__isnull=True))
            .exclude(kind=Session.Kind.BANK_HOLIDAY).order_by("start_time", "part"))


def educational_sessions_missed(absence: Absence, routing: Routing) -> list[Session]:
    """The cohort's teaching, action learning sets and presentations (mandatory for every
    trainee) that fall on the days an absence covers, on whatever weekday the cohort's
    timetable holds them."""
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


def absence_for(user, pk) -> AbsenceView:
    """One absence as this person may see it; 404 for anyone outside its scope."""
    if not user.is_authenticated:
        raise Http404
    absence = get_object_or_404(
        _absence_related(Absence.objects.filter(_full_scope(user) | _ccg_scope(user))), pk=pk)
    today = timezone.localdate()
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


def _window_absences(scope: Q, start, end) -> QuerySet[Absence]:
    return (Absence.objects.filter(scope, kind__in=DAY_KINDS, state__in=LIVE_STATES,
                                   first_day__lte=end)
            .filter(Q(last_day__gte=start) | Q(last_day__isnull=True))
            .select_related("placement", "placement__trainee", "placement__cohort", "session"))


def absences_visible_to(user, start: datetime.date, end: datetime.date, today: datetime.date,
                        rows: QuerySet[Absence] | None = None) -> list[VisibleAbsence]:
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
        "placement__cohort__start_date", "placement__cohort__weeks"))
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


# Trainee's own list ----------------------------------------------------------------------


def own_absences(user) -> QuerySet[Absence]:
    return (_absence_related(Absence.objects.filter(placement__trainee=user))
            .order_by("-first_day", "-created_at"))


def own_open_absences(user) -> list[Absence]:
    """The trainee's absences still reported or waiting for a decision, newest first, with
    only the dates, part and state the home panel shows: by the ids of their placements
    (reach has them for the request) rather than own_absences' join to the placement, and
    built in one queryset rather than narrowed from own_absences' eleven relations
    (`make bench` lines,
    with the round's other values reads (docs/performance.md, "The home pages"), back to
    back: "trainee: home" 7.5x and 7.7x -> 6.6x and 6.4x the floor, "supervisor: home"
    6.6x and 6.8x -> 6.1x and 5.7x (CPU, demo database))."""
    return list(Absence.objects.filter(placement_id__in=reach(user).placement_ids(Role.TRAINEE),
                                       state__in=[Absence.State.REPORTED, Absence.State.PENDING])
                .order_by("-first_day", "-created_at")
                .only("first_day", "last_day", "part", "state"))


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
    cohorts = (Cohort.objects.filter(pk__in=cohort_ids).only("name", "start_date", "weeks")
               .order_by("-start_date", "name"))
    placements = (Placement.objects.filter(cohort_id__in=cohort_ids)
                  .select_related("trainee", "cohort")
                  .only("cohort_id", "trainee_id", "trainee__full_name", "cohort__name",
                        "cohort__start_date", "cohort__weeks")
                  .order_by("trainee__full_name", "-cohort__start_date", "pk"))
    return cohorts, placements


def programme_absences(user, *, placements=None, placement_id=None, kind="", start=None,
                       end=None, today: datetime.date) -> ProgrammeAbsences:
    """The absences of the trainees a PD or PA is shown, filtered, latest first, with totals
    per trainee (days away and episodes, counting reported sickness and cannot-attend and
    approved leave) and the number of emails each report caused. Constant queries.

    placements: the trainees shown, as the filter form read them from programme_scope;
    without them, those of the person's current cohorts
    (trainees.selectors.current_placements). Either way only the person's cohorts' trainees
    (their cohorts are read once a request: no query more)."""
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


# The diary provider (registered with rotations.diary in AbsencesConfig.ready) -------------


# Absences whose days the trainee's sessions are struck through in the diary: not running
# late, nor missing one educational session (the session itself says so).
MISSES_SESSIONS = (Absence.Kind.SICKNESS, *LEAVE_KINDS)


def diary_entries(user, start: datetime.date, end: datetime.date) -> list:
    """Absences as diary entries, over the days (or half days) they affect, titled for the
    viewer: the trainee, PA and PD see "Sickness absence"; CCG people see "Absent"."""
    entries = []
    # Unordered: the diary sorts every provider's entries together, and an ordered query of
    # four joined tables took longer to compile than to run (`make bench` line "CCG admin:
    # month diary", with the month's weekday names, about 6.0x -> 4.9x to 5.2x the floor;
    # docs/performance.md, "Diaries").
    rows = feed_absences(user, start, end).order_by()
    for item in absences_visible_to(user, start, end, timezone.localdate(), rows=rows):
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


# Those who see something of a placement's absences on the trainee's page: the trainee and
# their programme's people in full, CCG people their CCG days; not the ES.
TRAINEE_PAGE_READERS = {Role.TRAINEE, Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD, Role.PA,
                        Role.DEPUTY_CHAIR, Role.CCG_ADMIN}


def trainee_page_sections(user, placement, today: datetime.date) -> dict:
    """The placement's absences on a trainee's page (trainees.selectors.overview_sections), as
    far as the person may see them."""
    if not project_rules.relations(user, placement) & TRAINEE_PAGE_READERS:
        return {"absences": None}
    cohort = placement.cohort
    rows = feed_absences(user, cohort.start_date, cohort.end_date).filter(
        placement_id=placement.pk)
    return {"absences": absences_visible_to(user, cohort.start_date, cohort.end_date, today,
                                            rows=rows)}


def report_of_submission(placement: Placement, submission: uuid.UUID | None) -> Absence | None:
    """The report already made from one preview (`Absence.submission`) of a placement the
    person reaches (read through placement_for): a second click or a second tab confirming
    that preview again is shown this report."""
    if submission is None:
        return None
    return Absence.objects.filter(placement=placement, submission=submission).first()
