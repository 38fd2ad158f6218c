import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from clic.accounts.access import access_for
from clic.accounts.models import Role
from clic.registry import Registry
from rotations.models import LONGEST_ROTATION_WEEKS, day_after_rotation
from rotations.selectors import ORGANISATION_ROLES, cohorts_managed_by, reached_cohorts

from .models import Placement

# The roles held towards one placement, and the column that names the person.
PERSON_ROLES = {Role.TRAINEE: "trainee_id", Role.CCG_SUPERVISOR: "ccg_supervisor_id",
                Role.PROJECT_LEAD: "project_lead_id", Role.ES: "educational_supervisor_id"}


@dataclass(frozen=True)
class Reach:
    """The placements and cohorts a person's roles reach, as ids: at most two indexed
    queries, kept on the request's access (clic.accounts.access).

    Selectors filter the large tables (sessions, absences, meetings, emails) by these lists
    rather than by subqueries. PostgreSQL then looks each list up in an index and knows how
    many rows to expect; a subquery inside an OR leaves it reading every row of a date range
    or a table, and pages slow down as the service's history grows."""

    # Person roles (trainee, CCG Supervisor, Project Lead, ES): their placements.
    placements: dict = field(default_factory=dict)
    # Person roles: the cohorts of those placements. Organisation roles: the cohorts of the
    # programme (PD, PA) or CCG (CCG admin, Deputy Chair). DIRECTS: the cohorts directed.
    cohorts: dict = field(default_factory=dict)
    # Every placement fetched (the person's, and those of every cohort above): its cohort.
    cohort_of: dict = field(default_factory=dict)

    def placement_ids(self, *roles) -> list[int]:
        return sorted(set().union(*(self.placements.get(role, ()) for role in roles)))

    def cohort_ids(self, *roles) -> list[int]:
        return sorted(set().union(*(self.cohorts.get(role, ()) for role in roles)))

    def placements_in(self, cohort_ids) -> list[int]:
        wanted = set(cohort_ids)
        return sorted(pk for pk, cohort_id in self.cohort_of.items() if cohort_id in wanted)


def reach(user) -> Reach:
    """reached_cohorts, and the placements: the person's own as trainee, supervisor, lead
    or ES, and every placement of those cohorts (one more indexed query), kept on the
    request's access."""
    if not user.is_authenticated:
        return Reach()
    return access_for(user).derived("reach", lambda: _reach(user))


def _reach(user) -> Reach:
    cohorts = {role: set(ids) for role, ids in reached_cohorts(user).items()}
    every_cohort = sorted(set().union(*cohorts.values()))
    placements: dict[str, set[int]] = {}
    cohort_of = {}
    # Read once: request.user is a lazy proxy, and a PD's rows run to hundreds.
    me = user.pk
    person = Q()
    for column in PERSON_ROLES.values():
        person |= Q((column, me))
    rows = (Placement.objects.filter(person | Q(cohort_id__in=every_cohort))
            .order_by().values_list("id", "cohort_id", *PERSON_ROLES.values()))
    for pk, cohort_id, *people in rows:
        cohort_of[pk] = cohort_id
        for role, person in zip(PERSON_ROLES, people, strict=True):
            if person == me:
                placements.setdefault(role, set()).add(pk)
                cohorts.setdefault(role, set()).add(cohort_id)
    return Reach(placements=placements, cohorts=cohorts, cohort_of=cohort_of)


def visible_placement_ids(user) -> list[int]:
    """The placements a person may see, from every role they hold (docs/security.md, "Who
    sees what"): their own as trainee, supervisor, lead or ES, and every one in their
    programmes' and CCGs' cohorts."""
    found = reach(user)
    return sorted(set(found.placement_ids(*PERSON_ROLES))
                  | set(found.placements_in(found.cohort_ids(*ORGANISATION_ROLES))))


def _placements(ids) -> QuerySet[Placement]:
    return (Placement.objects.filter(pk__in=ids)
            .select_related("cohort__ccg", "cohort__template_version", "trainee", "practice",
                            "ccg_supervisor", "project_lead", "educational_supervisor"))


def placements_visible_to(user) -> QuerySet[Placement]:
    return _placements(visible_placement_ids(user))


def placement_for(user, placement_id) -> Placement:
    """One placement the person may see; anyone else gets 404."""
    return get_object_or_404(placements_visible_to(user), pk=placement_id)


def placements_in_role(user, role: str) -> QuerySet[Placement]:
    """The placements a person sees because of one particular role (for their home page)."""
    found = reach(user)
    # Only ids the person sees (reach is where visible_placement_ids comes from): one list,
    # so that it is looked up in the index rather than two lists filtered row by row.
    placements = _placements(found.placement_ids(role) if role in PERSON_ROLES
                             else found.placements_in(found.cohort_ids(role)))
    if role == Role.TRAINEE:
        # Their own: neither joined to themselves nor ordered by their own name (each join
        # left out spares the planner).
        return placements.select_related(None).select_related(
            "cohort__ccg", "cohort__template_version", "practice", "ccg_supervisor",
            "project_lead", "educational_supervisor").order_by("cohort")
    return _for_tables(placements)


def _for_tables(placements) -> QuerySet[Placement]:
    """For the tables of trainees (home pages, earlier cohorts), which name only the trainee,
    cohort and CCG Supervisor: every join left out is one the planner need not weigh."""
    return placements.select_related(None).select_related("cohort", "trainee", "ccg_supervisor")


# What ended this recently is still current: a home page lists the trainees of a cohort
# that ended within it, and the invitations page the presentation days held within it.
RECENT = datetime.timedelta(weeks=4)


def current_placements(placements, today: datetime.date):
    """Placements of cohorts that have not yet ended, or ended within the last four weeks,
    each cohort by its own length: the trainees a home page lists, however many years of
    cohorts a person has seen. The start date bound (any template's longest) keeps the
    search to the index."""
    earliest_start = today - datetime.timedelta(weeks=LONGEST_ROTATION_WEEKS) - RECENT
    return (placements.alias(day_after_rotation=day_after_rotation("cohort__"))
            .filter(cohort__start_date__gt=earliest_start,
                    day_after_rotation__gt=today - RECENT))


def is_current(placement: Placement, today: datetime.date) -> bool:
    """current_placements' test, for a placement already read with its cohort."""
    return placement.cohort.end_date >= today - RECENT


def earlier_placements(user, today: datetime.date) -> QuerySet[Placement]:
    """The trainees of the cohorts before those, that the person saw in any role but as a
    trainee, newest cohort first."""
    return (_for_tables(_placements(visible_placement_ids(user)).exclude(trainee=user))
            .alias(day_after_rotation=day_after_rotation("cohort__"))
            .filter(day_after_rotation__lte=today - RECENT)
            .order_by("-cohort__start_date", "trainee__full_name", "pk"))


def placement_to_manage(user, placement_id) -> Placement:
    """A placement in a cohort the person manages (PD); anyone else gets 404."""
    return get_object_or_404(placements_visible_to(user).filter(
        cohort__in=cohorts_managed_by(user).values("pk")), pk=placement_id)


# The trainee's page -------------------------------------------------------------------------

# Its sections, each added by the app that owns it in AppConfig.ready() (projects, absences,
# assessments): part(user, placement, today) -> {section: what the person may see of it, or
# None}. Each part reads through its own app's selectors and rules.
overview_sections: Registry = Registry("the sections of a trainee's page")


def trainee_overview(user, placement: Placement, today: datetime.date) -> dict:
    """One trainee as the person asking may see them, section by section (overview_sections).
    A fixed number of queries, however much the trainee has done."""
    overview: dict = {}
    for part in overview_sections:
        overview.update(part(user, placement, today))
    return overview
