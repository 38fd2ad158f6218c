"""Reads of the register of interests, scoped to the person asking: their own register, a
PD's programme register, and the conflict-of-interest flags of a presentation day."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from assessments.models import PresentationDay, PresentationInvitation
from assessments.rules import directs_cohort_q
from assessments.selectors import own_slot
from clic.accounts.access import access_for
from clic.accounts.models import Organisation, Role, User
from rotations.models import Cohort
from trainees.models import Placement

from .models import ConflictDecision, Interest, NothingToDeclare

# The roles the BMA GPC guide and the issue ask to declare; the presentation panel too.
DECLARING_ROLES = (Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD, Role.DEPUTY_CHAIR)
PANEL = "Presentation panel member"
YEAR = datetime.timedelta(days=365)


def panel_invitations() -> QuerySet[PresentationInvitation]:
    """Invitations to a scheduled presentation day of everyone but the cohort's own trainees
    (they present and give peer feedback; they do not sit on the panel)."""
    presenting = Placement.objects.filter(cohort=OuterRef("day__cohort"),
                                          trainee=OuterRef("person"))
    return (PresentationInvitation.objects
            .filter(day__status=PresentationDay.Status.SCHEDULED)
            .exclude(Exists(presenting)))


def declarers(today: datetime.date) -> QuerySet[User]:
    """Everyone who must declare: the declaring roles, and the panels of the last year's
    and the coming presentation days."""
    panel = panel_invitations().filter(day__date__gte=today - YEAR).values("person")
    return (User.objects.filter(is_active=True)
            .filter(Q(memberships__role__in=DECLARING_ROLES) | Q(pk__in=panel)).distinct())


def last_declared(person_ids) -> dict[int, datetime.date]:
    """Each person's latest declaration: an interest added or changed, or "nothing to
    declare". Two queries however many people."""
    latest: dict[int, datetime.date] = {}
    for person_id, at in (Interest.objects.filter(person_id__in=person_ids).values("person_id")
                          .annotate(at=Max("updated_at")).values_list("person_id", "at")):
        latest[person_id] = at.date()
    for person_id, on in (NothingToDeclare.objects.filter(person_id__in=person_ids)
                          .values("person_id").annotate(on=Max("declared_on"))
                          .values_list("person_id", "on")):
        latest[person_id] = max(on, latest.get(person_id, on))
    return latest


def why_declaring(person: User) -> str:
    """The roles for which a person declares, in words (the reminder's "as a ...")."""
    roles = sorted({Role(m.role).label for m in person.memberships.all()
                    if m.role in DECLARING_ROLES})
    return " and ".join(roles) if roles else PANEL.lower()


# A person's own register -----------------------------------------------------------------


def own_register(user) -> dict:
    return {
        "interests": list(Interest.objects.filter(person=user).select_related("organisation")),
        "nil_declarations": list(NothingToDeclare.objects.filter(person=user)[:5]),
        "last_declared": last_declared([user.pk]).get(user.pk),
    }


def own_interest(user, interest_id) -> Interest:
    return get_object_or_404(Interest.objects.filter(person=user), pk=interest_id)


def declarable_organisations() -> QuerySet[Organisation]:
    """The organisations an interest may name from a list: the CCGs and GP practices."""
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.CCG, Organisation.Kind.PRACTICE]).order_by("kind", "name")


# A PD's programme register ----------------------------------------------------------------


def programme_register(user) -> list[User]:
    """The people of the PD's cohorts who declare (their programmes' PDs, the cohorts' CCG
    Supervisors, Project Leads, CCGs' Deputy Clinical Chairs and presentation panels), each
    with their interests and their latest "nothing to declare". Four queries however many."""
    access = access_for(user)
    if not access.has_role(Role.PD):
        raise Http404
    cohorts = Cohort.objects.filter(directs_cohort_q(user))
    placements = Placement.objects.filter(cohort__in=cohorts)
    people = (User.objects.filter(
        Q(memberships__role=Role.PD,
          memberships__organisation_id__in=access.organisation_ids(Role.PD))
        | Q(pk__in=placements.values("ccg_supervisor"))
        | Q(pk__in=placements.filter(project_lead__isnull=False).values("project_lead"))
        | Q(memberships__role=Role.DEPUTY_CHAIR, memberships__organisation_id__in=cohorts.values("ccg"))
        | Q(pk__in=panel_invitations().filter(day__cohort__in=cohorts).values("person")))
        .distinct().order_by("full_name", "pk")
        .prefetch_related(
            Prefetch("declared_interests", Interest.objects.select_related("organisation")),
            Prefetch("nil_declarations", NothingToDeclare.objects.order_by("-declared_on"))))
    return list(people)


# Conflicts of interest on the presentation day --------------------------------------------


@dataclass(frozen=True)
class ConflictFlag:
    """A panel member's or assessor's interests, current on the day, in the organisation of
    one trainee's project, and their recorded choice."""

    person: User
    placement: Placement
    day: PresentationDay
    interests: tuple[Interest, ...]
    decision: ConflictDecision | None

    @property
    def summary(self) -> str:
        return "; ".join(f"{interest.get_kind_display().lower()} in "
                         f"{interest.organisation_label}" for interest in self.interests)

    @property
    def organisations(self) -> str:
        return ", ".join(dict.fromkeys(i.organisation_label for i in self.interests))

    @property
    def decide_url(self) -> str:
        return reverse("conflict_decide", args=[self.placement.pk])


def panel_ids(day: PresentationDay) -> set[int]:
    """Who sits on the day's panel or assesses its trainees: everyone invited but the
    cohort's trainees, and the cohort's PDs (its directors and its programme's PDs)."""
    cohort = day.cohort
    invited = panel_invitations().filter(day=day).values_list("person_id", flat=True)
    assessors = User.objects.filter(
        Q(memberships__role=Role.PD, memberships__organisation_id=cohort.programme_id)
        | Q(directed_cohorts=cohort)).values_list("pk", flat=True)
    return {*invited, *assessors}


def day_conflicts(*, day: PresentationDay, placements, person=None) -> list[ConflictFlag]:
    """The flags of the day for these placements: of the whole panel, or of `person` only.
    A fixed number of queries whatever the size of the panel or the cohort."""
    people = panel_ids(day)
    if person is not None:
        people &= {person.pk}
    placements = list(placements)
    if not people or not placements or day.is_cancelled:
        return []
    ccg = Organisation.objects.get(pk=day.cohort.ccg_id)
    interests = list(
        Interest.objects.filter(person_id__in=people, starts_on__lte=day.date)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day.date))
        .filter(Q(organisation=ccg) | Q(organisation__isnull=True,
                                        organisation_name__iexact=ccg.name))
        .select_related("person", "organisation").order_by("person__full_name", "pk"))
    if not interests:
        return []
    decisions = {(d.person_id, d.placement_id): d for d in ConflictDecision.objects.filter(
        person_id__in={i.person_id for i in interests}, placement__in=placements)}
    by_person: dict[int, list[Interest]] = {}
    for interest in interests:
        by_person.setdefault(interest.person_id, []).append(interest)
    return [ConflictFlag(person=held[0].person, placement=placement, day=day,
                         interests=tuple(held),
                         decision=decisions.get((person_id, placement.pk)))
            for placement in placements for person_id, held in by_person.items()
            if placement.trainee_id != person_id]


def conflict_for(user, placement_id) -> ConflictFlag:
    """The signed-in person's flag about one trainee, on the trainee's presentation day:
    anyone without one gets 404."""
    placement = get_object_or_404(Placement.objects.select_related("trainee", "cohort"),
                                  pk=placement_id)
    slot = own_slot(placement)
    flags = day_conflicts(day=slot.day, placements=[placement], person=user) if slot else []
    if not flags:
        raise Http404
    return flags[0]


def own_conflicts(user, today: datetime.date) -> list[ConflictFlag]:
    """The person's flags on the presentation days to come (and of the last four weeks) that
    they sit on or assess."""
    days = (PresentationDay.objects.filter(status=PresentationDay.Status.SCHEDULED,
                                           date__gte=today - datetime.timedelta(weeks=4))
            .filter(Q(invitations__person=user) | Q(cohort__in=Cohort.objects.filter(
                directs_cohort_q(user))))
            .distinct().select_related("cohort").prefetch_related("slots__placement__trainee")
            .order_by("date"))
    return [flag for day in days for flag in day_conflicts(
        day=day, placements=[slot.placement for slot in day.slots.all()], person=user)]


def assessment_refusal(*, person, placement) -> str:
    """Why this person may not assess this trainee: they stepped aside, or have a flag about
    the trainee and have not yet confirmed they have no conflict."""
    name = placement.trainee.full_name
    decision = ConflictDecision.objects.filter(person=person, placement=placement).first()
    if decision is not None:
        return (f"You stepped aside for {name} because of a declared interest: someone "
                "else records their assessment and feedback." if decision.stepped_aside else "")
    slot = own_slot(placement)
    flags = day_conflicts(day=slot.day, placements=[placement], person=person) if slot else []
    if flags:
        return (f"You have declared an interest in {flags[0].organisations}, the organisation of "
                f"{name}'s project. Confirm that you have no conflict, or step aside, before "
                "you assess them.")
    return ""
