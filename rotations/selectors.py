import copy
import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from clic.accounts.access import DIRECTS, access_for
from clic.accounts.models import Organisation, Role, User
from clic.mail.notices import EmailPlan, email_plan

from .models import Cohort, CohortChange, ProgrammeTemplate, Session, TemplateVersion, TimetablePack

# How much of the past and future a calendar feed carries.
FEED_PAST = datetime.timedelta(days=400)
FEED_FUTURE = datetime.timedelta(days=800)


# The roles held in an organisation, and the cohort column that names it.
ORGANISATION_ROLES = {Role.PD: "programme_id", Role.PA: "programme_id",
                      Role.CCG_ADMIN: "ccg_id", Role.DEPUTY_CHAIR: "ccg_id"}


def reached_cohorts(user) -> dict[str, frozenset[int]]:
    """The cohorts of the person's programmes (PD, PA) and CCGs (CCG admin, Deputy Chair),
    and those they direct (DIRECTS): one indexed query at most, kept on the request's
    access."""
    if not user.is_authenticated:
        return {}
    access = access_for(user)
    return access.derived("reached cohorts", lambda: _reached_cohorts(access))


def _reached_cohorts(access) -> dict[str, frozenset[int]]:
    cohorts: dict[str, set[int]] = {DIRECTS: set(access.directed_cohort_ids)}
    organisations = {role: access.organisation_ids(role) for role in ORGANISATION_ROLES}
    if any(organisations.values()):
        programmes = organisations[Role.PD] | organisations[Role.PA]
        ccgs = organisations[Role.CCG_ADMIN] | organisations[Role.DEPUTY_CHAIR]
        for pk, programme_id, ccg_id in (
                Cohort.objects.filter(Q(programme_id__in=programmes) | Q(ccg_id__in=ccgs))
                .order_by().values_list("id", "programme_id", "ccg_id")):
            for role, column in ORGANISATION_ROLES.items():
                if (programme_id if column == "programme_id" else ccg_id) in organisations[role]:
                    cohorts.setdefault(role, set()).add(pk)
    return {role: frozenset(ids) for role, ids in cohorts.items()}


def reached_cohort_ids(user, *roles) -> list[int]:
    """The cohorts these roles reach (reached_cohorts), as ids."""
    found = reached_cohorts(user)
    return sorted(set().union(*(found.get(role, ()) for role in roles)))


def cohort_ids_visible_to(user) -> list[int]:
    """The cohorts of cohorts_visible_to, as ids: also those whose every email is in the
    person's outbox (clic.mail.selectors)."""
    return reached_cohort_ids(user, Role.PD, Role.PA, DIRECTS)


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """Cohorts a person may open: PDs and PAs of the programme, and the cohort's own directors."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return (Cohort.objects.filter(pk__in=cohort_ids_visible_to(user))
            .select_related("programme", "ccg", "als_facilitator", "template_version__template"))


def cohorts_managed_by(user) -> QuerySet[Cohort]:
    """Cohorts a person may change: PDs of the programme and the cohort's own directors."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return (Cohort.objects.filter(pk__in=reached_cohort_ids(user, Role.PD, DIRECTS))
            .select_related("programme", "ccg", "als_facilitator", "template_version__template"))


def cohort_for(user, cohort_id) -> Cohort:
    return get_object_or_404(cohorts_visible_to(user), pk=cohort_id)


def cohort_page_for(user, cohort_id) -> Cohort:
    """cohort_for, with the person who published it, whom the cohort page names: a query the
    less. `make bench` line "PD: cohort page": 11 -> 10 queries."""
    return get_object_or_404(cohorts_visible_to(user).select_related("published_by"),
                             pk=cohort_id)


def cohort_to_manage(user, cohort_id) -> Cohort:
    return get_object_or_404(cohorts_managed_by(user), pk=cohort_id)


def programmes_directed_by(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME,
                                       memberships__user=user, memberships__role=Role.PD)


def default_template_version(programme: Organisation) -> TemplateVersion | None:
    """A new cohort's version: the latest of the programme's own templates, or, until it
    has one, the latest of the templates every programme shares (east Kent's handbook)."""
    versions = TemplateVersion.objects.select_related("template").order_by(
        "-created_at", "-pk")
    return (versions.filter(template__programme=programme).first()
            or versions.filter(template__programme__isnull=True).first())


def template_versions_for(programmes) -> QuerySet[TemplateVersion]:
    """The versions a cohort of these programmes may be planned from."""
    return (TemplateVersion.objects.filter(Q(template__programme__in=programmes)
                                           | Q(template__programme__isnull=True))
            .select_related("template__programme").order_by("template__name", "-number"))


def templates_visible_to(user) -> QuerySet[ProgrammeTemplate]:
    """The templates of the programmes a person directs, and the shared ones."""
    if not user.is_authenticated:
        return ProgrammeTemplate.objects.none()
    return (ProgrammeTemplate.objects
            .filter(Q(programme__in=programmes_directed_by(user)) | Q(programme__isnull=True))
            .select_related("programme").prefetch_related("versions__cohorts")
            .order_by("programme__name", "name"))


def template_for(user, template_id) -> ProgrammeTemplate:
    return get_object_or_404(templates_visible_to(user), pk=template_id)


def template_versions(template: ProgrammeTemplate) -> list[TemplateVersion]:
    """Newest first, each with the cohorts planned from it."""
    return list(template.versions.prefetch_related("cohorts").select_related("created_by")
                .order_by("-number"))


def template_to_edit(user, template_id) -> ProgrammeTemplate:
    """A template the person may change: one of a programme they direct (the shared
    handbook is copied, not edited)."""
    return get_object_or_404(templates_visible_to(user).filter(programme__isnull=False),
                             pk=template_id)


def directors_of(programmes) -> QuerySet[User]:
    return User.objects.filter(memberships__role=Role.PD,
                               memberships__organisation__in=programmes,
                               is_active=True).distinct().order_by("full_name")


def ccgs() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.CCG).order_by("name")


def cohort_placements(cohort: Cohort):
    """The people the cohort page names for each trainee (each placement's cohort is the
    one asked about: the related manager fills it in without a join), and only what it
    shows of them: four people and a practice in full were sixty columns a trainee."""
    return (cohort.placements.select_related("trainee", "practice", "ccg_supervisor",
                                              "project_lead")
            .only("cohort", "project_day", "trainee__full_name", "trainee__email",
                  "practice__name", "ccg_supervisor__full_name", "ccg_supervisor__email",
                  "project_lead__full_name", "project_lead__email")
            .order_by("trainee__full_name"))


def placements_to_publish(cohort: Cohort) -> list:
    return list(cohort.placements.select_related(
        "trainee", "ccg_supervisor", "project_lead", "educational_supervisor", "practice",
        "cohort__ccg", "cohort__programme"))


def cohort_publish_plan(cohort: Cohort) -> EmailPlan:
    """Exactly the emails publishing the cohort now would send; none once it is published."""
    from . import notifications

    if cohort.is_published:
        return email_plan([])
    return email_plan(notifications.cohort_published_notices(cohort,
                                                             placements_to_publish(cohort)))


def session_status_plan(session: Session, status: str) -> EmailPlan:
    """Exactly the emails cancelling or reinstating the session (`status`) now would send,
    none if it already has that status: worked out by the sending code on the session as the
    change leaves it."""
    from . import notifications

    if session.status == status:
        return email_plan([])
    changed = copy.copy(session)
    changed.status, changed.sequence = status, session.sequence + 1
    return email_plan([notifications.session_change_notice(changed, changes={})])


def session_last_change(session: Session, action: str) -> CohortChange | None:
    """When the session was last cancelled or reinstated (`action`), and by whom."""
    return (session.changes.filter(action=action)
            .select_related("actor").order_by("-created_at", "-id").first())


def cohort_changes(cohort: Cohort) -> QuerySet[CohortChange]:
    return cohort.changes.select_related("actor")


def cohort_sessions(cohort: Cohort) -> QuerySet[Session]:
    return (cohort.sessions.select_related("placement__trainee", "facilitator", "cohort")
            .order_by("week", "date", "placement__trainee__full_name", "start_time", "part"))


def mandatory_wednesday(cohort: Cohort, *, from_date: datetime.date) -> list[Session]:
    """The sessions of the cohort's next Wednesday (from `from_date` on) that holds teaching
    or the action learning set, as the timetable has them now: what the S2 welcome tells a
    trainee to keep free, with its times and venue."""
    first = (cohort.sessions.filter(placement=None, date__gte=from_date,
                                    kind__in=[Session.Kind.TEACHING, Session.Kind.ALS],
                                    status=Session.Status.SCHEDULED)
             .order_by("date").values_list("date", flat=True).first())
    if first is None:
        return []
    return list(cohort.sessions.filter(placement=None, date=first,
                                       status=Session.Status.SCHEDULED)
                .exclude(kind=Session.Kind.BANK_HOLIDAY).order_by("start_time", "part"))


def session_to_manage(user, cohort_id, session_id) -> Session:
    cohort = cohort_to_manage(user, cohort_id)
    return get_object_or_404(
        cohort.sessions.select_related("cohort", "placement__trainee", "facilitator"),
        pk=session_id)


def pack_for(user, cohort_id, pack_id) -> TimetablePack:
    cohort = cohort_for(user, cohort_id)
    return get_object_or_404(cohort.packs.select_related("cohort"), pk=pack_id)


# Whose sessions a person sees -------------------------------------------------------------

def session_scopes(user) -> dict[str, Q]:
    """For each role, the sessions a person sees because of it (docs/security.md, "Who sees
    what"):
    trainee: their own (project days and their cohort's Wednesdays); CCG Supervisor and
    Project Lead: their trainees' CCG days; ES: their trainees' whole timetable; CCG admin
    and Deputy Clinical Chair: every trainee placed at their CCG, CCG days only; PD/PA:
    every session of their programme's cohorts (and cohorts they direct). By ids (see
    trainees.selectors.Reach), so each is an index lookup."""
    from trainees.selectors import reach

    found = reach(user)
    shared = Q(placement__isnull=True)
    return {
        Role.TRAINEE: (Q(placement_id__in=found.placement_ids(Role.TRAINEE))
                       | shared & Q(cohort_id__in=found.cohort_ids(Role.TRAINEE))),
        Role.CCG_SUPERVISOR: Q(placement_id__in=found.placement_ids(Role.CCG_SUPERVISOR)),
        Role.PROJECT_LEAD: Q(placement_id__in=found.placement_ids(Role.PROJECT_LEAD)),
        Role.ES: (Q(placement_id__in=found.placement_ids(Role.ES))
                  | shared & Q(cohort_id__in=found.cohort_ids(Role.ES))),
        Role.CCG_ADMIN: ~shared & Q(cohort_id__in=found.cohort_ids(Role.CCG_ADMIN)),
        Role.DEPUTY_CHAIR: ~shared & Q(cohort_id__in=found.cohort_ids(Role.DEPUTY_CHAIR)),
        Role.PD: Q(cohort_id__in=found.cohort_ids(Role.PD, DIRECTS)),
        Role.PA: Q(cohort_id__in=found.cohort_ids(Role.PA)),
    }


def session_scope(user) -> Q:
    """Every session a person sees, whatever the role: the union of their role scopes,
    plus sessions they facilitate."""
    from trainees.selectors import reach

    if not user.is_authenticated:
        return Q(pk__in=[])
    found = reach(user)
    scope = Q(facilitator_id=user.pk)
    for role, part in session_scopes(user).items():
        # Only the roles that reach something: each other role's empty lists took the ORM
        # about a millisecond to filter and compile on every diary, home page and feed.
        if (found.placements.get(role) or found.cohorts.get(role)
                or role == Role.PD and found.cohorts.get(DIRECTS)):
            scope |= part
    return scope


def _sessions(scope: Q, start: datetime.date | None, end: datetime.date | None
              ) -> QuerySet[Session]:
    sessions = Session.objects.filter(scope)
    if start:
        sessions = sessions.filter(date__gte=start)
    if end:
        sessions = sessions.filter(date__lte=end)
    return (sessions.select_related("cohort", "placement__trainee", "facilitator")
            .order_by("date", "start_time", "part", "placement__trainee__full_name"))


def sessions_visible_to(user, start: datetime.date | None = None,
                        end: datetime.date | None = None) -> QuerySet[Session]:
    """The timetable sessions a person's diary and calendar feed show, between two dates
    (inclusive). One query, whatever the size of the cohort."""
    return _sessions(session_scope(user), start, end)


def sessions_in_role(user, role: str, start: datetime.date | None = None,
                     end: datetime.date | None = None) -> QuerySet[Session]:
    """The sessions a person sees because of one role (for a role's panel or filter)."""
    if not user.is_authenticated:
        return Session.objects.none()
    return _sessions(session_scopes(user)[role], start, end)


def placement_sessions(placement) -> QuerySet[Session]:
    return _sessions(Q(placement=placement) | Q(placement__isnull=True,
                                                cohort_id=placement.cohort_id), None, None)


@dataclass(frozen=True)
class UpcomingSession:
    """What the home page's timetable card shows of one session."""

    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    title: str
    venue: str
    is_cancelled: bool
    # A placement's own session: its trainee (id and name). None for the cohort's sessions.
    trainee_id: int | None = None
    trainee_name: str = ""


@dataclass
class Upcoming:
    today: datetime.date
    until: datetime.date
    today_sessions: list[UpcomingSession]
    coming_sessions: list[UpcomingSession]

    def __bool__(self):
        return bool(self.today_sessions or self.coming_sessions)


def upcoming_sessions(user, today: datetime.date) -> Upcoming:
    """Today's sessions and those of the next seven days, for the home page.

    The list names only the trainee of each session, so it is read as the values shown (in
    the diary's order) in one queryset built once, rather than as sessions joined to their
    placement and trainee, narrowed with only() from sessions_visible_to's wider read: the
    compiler walks no related models and builds none per row. `make bench` lines "trainee:
    home" 7.2x -> 7.0x and "supervisor: home" 6.4x -> 6.2x the floor (CPU, demo database,
    with the presentations read as values in the same change)."""
    until = today + datetime.timedelta(days=7)
    rows = (Session.objects.filter(session_scope(user), date__gte=today, date__lte=until)
            .order_by("date", "start_time", "part", "placement__trainee__full_name")
            .values_list("date", "start_time", "end_time", "title", "venue", "status",
                         "placement__trainee_id", "placement__trainee__full_name",
                         "placement__trainee__email"))
    sessions = [UpcomingSession(date=date, start_time=start_time, end_time=end_time,
                                title=title, venue=venue,
                                is_cancelled=status == Session.Status.CANCELLED,
                                trainee_id=trainee_id,
                                # As the trainee is named elsewhere (User.__str__).
                                trainee_name=full_name or email or "")
                for date, start_time, end_time, title, venue, status, trainee_id, full_name, email
                in rows]
    return Upcoming(today=today, until=until,
                    today_sessions=[s for s in sessions if s.date == today],
                    coming_sessions=[s for s in sessions if s.date > today])


# Calendar feeds ---------------------------------------------------------------------------

def user_for_calendar_token(token: str) -> User | None:
    """The person a feed token belongs to (an indexed lookup of the whole token)."""
    if not token or len(token) > 64:
        return None
    return User.objects.filter(calendar_token=token, is_active=True).first()


def feed_sessions(user, today: datetime.date) -> QuerySet[Session]:
    return sessions_visible_to(user, today - FEED_PAST, today + FEED_FUTURE)



# The 16-week overview ------------------------------------------------------------------------

PART_WORDS = {Session.Part.AM: "morning", Session.Part.PM: "afternoon", Session.Part.DAY: ""}


@dataclass
class OverviewSession:
    """Sessions of one date, half and activity (a cohort-wide one, or the same project day of
    several trainees), with who they are for and who of them is away."""

    date: datetime.date
    part: str
    title: str
    cancelled: bool
    bank_holiday: bool
    trainees: list[str]  # empty for the whole cohort
    away: list[str]

    @property
    def part_word(self) -> str:
        return PART_WORDS.get(self.part, "")


def _halves_meet(one: str, other: str) -> bool:
    return Session.Part.DAY in (one, other) or one == other


def timetable_overview(user, cohort: Cohort) -> list[dict]:
    """The cohort's 16 weeks, one row each and a cell for each weekday it meets on, with its
    sessions in brief and who is away on each: absences as the person's diary lays them over
    the timetable (their scope; only names are shown here), leave not yet decided left out.
    A fixed number of queries."""
    from .diary import PART_ORDER, only_cohort, overlays

    sessions = list(cohort_sessions(cohort).select_related(None).select_related(
        "placement__trainee"))
    trainee_ids = {s.placement.trainee_id for s in sessions if s.placement_id}
    away: dict[datetime.date, list] = {}
    for entry in overlays(user, cohort.start_date, cohort.end_date,
                          keep=only_cohort(cohort, trainee_ids)):
        # "Requested": leave waiting for a decision, not (yet) an absence.
        if entry.person is not None and entry.kind_label != "Requested":
            away.setdefault(entry.date, []).append(entry)
    grouped: dict[tuple, OverviewSession] = {}
    by_date: dict[datetime.date, list[OverviewSession]] = {}
    for session in sessions:
        key = (session.date, session.part, session.title, session.status,
               session.placement_id is None)
        item = grouped.get(key)
        if item is None:
            item = grouped[key] = OverviewSession(
                date=session.date, part=session.part, title=session.title,
                cancelled=session.is_cancelled,
                bank_holiday=session.kind == Session.Kind.BANK_HOLIDAY, trainees=[], away=[])
            by_date.setdefault(session.date, []).append(item)
        trainee = session.placement.trainee if session.placement_id else None
        if trainee is not None:
            item.trainees.append(trainee.full_name)
        for entry in away.get(session.date, ()):
            if (_halves_meet(entry.part, session.part)
                    and (trainee is None or entry.person.pk == trainee.pk)
                    and entry.person.full_name not in item.away):
                item.away.append(entry.person.full_name)
    # Only the weekdays the cohort meets on (Wednesday and its project days): a column for
    # a day with no session in the whole rotation would only push the others apart.
    weekdays = sorted({day.weekday() for day in by_date})
    weeks = []
    for week in range(1, cohort.weeks + 1):
        monday = cohort.monday_of_week(week)
        days = [monday + datetime.timedelta(days=offset) for offset in weekdays]
        weeks.append({"week": week, "monday": monday, "days": [
            {"date": day, "sessions": sorted(by_date.get(day, ()),
                                             key=lambda item: PART_ORDER[item.part])}
            for day in days]})
    return weeks
