"""Reads of alumni and mentoring, each scoped to the person asking: what is outside their
scope is a 404. Mentoring notes are read only through `pair_for`, which only the mentor and
the trainee of the pair pass; the Programme Directors' overview counts meetings and never
reads a note."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from clic.accounts.access import access_for
from clic.accounts.models import Organisation, Role
from rotations.models import Cohort
from trainees.models import Placement
from trainees.selectors import reach

from .models import Alumnus, MentoringPair
from .rules import can_pair_mentors
from .services import has_ended, supervises


def joinable_placements(user, today: datetime.date) -> list[Placement]:
    """The person's ended rotations in programmes whose alumni they are not (now) part of,
    newest first: one per programme."""
    active = {alumnus.programme_id for alumnus in Alumnus.objects.filter(user=user)
              if alumnus.is_active(today)}
    found = {}
    for placement in (Placement.objects.filter(trainee=user).select_related("cohort__programme")
                      .order_by("-cohort__start_date")):
        programme_id = placement.cohort.programme_id
        if has_ended(placement, today) and programme_id not in active:
            found.setdefault(programme_id, placement)
    return list(found.values())


def joinable_placement(user, placement_id, today: datetime.date) -> Placement:
    for placement in joinable_placements(user, today):
        if placement.pk == int(placement_id):
            return placement
    raise Http404


def own_alumni(user) -> QuerySet[Alumnus]:
    return Alumnus.objects.filter(user=user).select_related("programme", "cohort")


def own_alumnus(user, alumnus_id, today: datetime.date) -> Alumnus:
    """The person's own alumni entry while it holds; anyone else's is a 404."""
    alumnus = get_object_or_404(own_alumni(user), pk=alumnus_id)
    if not alumnus.is_active(today):
        raise Http404
    return alumnus


def running_or_upcoming_cohorts(programme_ids, today: datetime.date) -> list[Cohort]:
    return [cohort for cohort in Cohort.objects.filter(programme_id__in=programme_ids)
            if cohort.end_date >= today]


def directory_programme_ids(user, today: datetime.date) -> set[int]:
    """The programmes whose alumni directory the person may read: as one of its alumni, a
    trainee of a running or upcoming cohort, or one of its Programme Directors."""
    programmes = set(access_for(user).organisation_ids(Role.PD))
    programmes |= {alumnus.programme_id for alumnus in Alumnus.objects.filter(user=user)
                   if alumnus.is_active(today)}
    programmes |= {placement.cohort.programme_id
                   for placement in Placement.objects.filter(trainee=user).select_related("cohort")
                   if not has_ended(placement, today)}
    return programmes


def directory_programme(user, programme_id, today: datetime.date) -> Organisation:
    if int(programme_id) not in directory_programme_ids(user, today):
        raise Http404
    return get_object_or_404(Organisation, pk=programme_id, kind=Organisation.Kind.PROGRAMME)


def active_alumni(programme: Organisation, today: datetime.date) -> QuerySet[Alumnus]:
    return (Alumnus.objects.filter(programme=programme, left_on__isnull=True,
                                   keep_until__gte=today)
            .select_related("user", "cohort").order_by("user__full_name"))


def directory(programme: Organisation, today: datetime.date) -> QuerySet[Alumnus]:
    """The alumni who chose to be listed; the page shows only the details they share."""
    return active_alumni(programme, today).filter(listed=True)


def programme_to_pair(user, programme_id) -> Organisation:
    """A programme whose mentoring the person runs (its PDs); anyone else gets 404."""
    if not can_pair_mentors(user, int(programme_id)):
        raise Http404
    return get_object_or_404(Organisation, pk=programme_id, kind=Organisation.Kind.PROGRAMME)


def mentors_on_offer(programme: Organisation, today: datetime.date) -> QuerySet[Alumnus]:
    return active_alumni(programme, today).filter(offers_mentoring=True)


def mentees(programme: Organisation, today: datetime.date) -> QuerySet[Placement]:
    """The trainees a mentor may be paired with: those of running and upcoming cohorts."""
    cohorts = running_or_upcoming_cohorts([programme.pk], today)
    return (Placement.objects.filter(cohort__in=cohorts)
            .select_related("cohort", "cohort__ccg", "trainee", "practice", "project")
            .order_by("cohort__start_date", "trainee__full_name"))


@dataclass
class Suggestion:
    mentor: Alumnus
    same_practice: bool = False
    same_stage: bool = False
    same_ccg: bool = False

    @property
    def reasons(self) -> list[str]:
        return [reason for shared, reason in (
            (self.same_practice, "was at the same GP practice"),
            (self.same_stage, "had a project in the same stage of the commissioning cycle"),
            (self.same_ccg, "was placed at the same CCG")) if shared]


def suggestions(mentors, placement: Placement, paired: set[tuple[int, int]]
                ) -> list[Suggestion]:
    """The mentors for one trainee: those who were at the same GP practice, had a project in
    the same commissioning stage, or were at the same CCG first (in that order); never one
    of the trainee's own supervisors, nor one already paired with them ((mentor id,
    placement id) in `paired`)."""
    mentor_placements = Placement.objects.filter(
        Q(*[Q(trainee_id=m.user_id, cohort_id=m.cohort_id) for m in mentors], _connector=Q.OR)
    ).select_related("cohort", "project") if mentors else []
    theirs = {(p.trainee_id, p.cohort_id): p for p in mentor_placements}
    trainee_stage = stage_of(placement)
    found = []
    for mentor in mentors:
        if (supervises(mentor.user, placement) or mentor.user_id == placement.trainee_id
                or (mentor.pk, placement.pk) in paired):
            continue
        their = theirs.get((mentor.user_id, mentor.cohort_id))
        found.append(Suggestion(
            mentor=mentor,
            same_practice=their is not None and their.practice_id == placement.practice_id,
            same_stage=their is not None and bool(trainee_stage)
            and stage_of(their) == trainee_stage,
            same_ccg=their is not None and their.cohort.ccg_id == placement.cohort.ccg_id))
    return sorted(found, key=lambda s: (not s.same_practice, not s.same_stage, not s.same_ccg,
                                        s.mentor.user.full_name))


def stage_of(placement: Placement) -> str:
    """The commissioning stage of the placement's project, or "" before it has one."""
    try:
        return placement.project.commissioning_stage
    except Placement.project.RelatedObjectDoesNotExist:
        return ""


def pairs_overview(programme: Organisation) -> QuerySet[MentoringPair]:
    """Every pair of the programme with how many times they met and when last: counts and
    dates only, never a note."""
    return (MentoringPair.objects.filter(mentor__programme=programme)
            .select_related("mentor__user", "placement__trainee", "placement__cohort")
            .annotate(meetings_count=Count("meetings"), last_met=Max("meetings__met_on"))
            .order_by("placement__cohort__start_date", "placement__trainee__full_name"))


def _own(user) -> Q:
    """The person's pairs: as mentor, or as the trainee of one of their placements (by id,
    from what their roles reach, read once a request). Asked as "the placement's trainee is
    this person", PostgreSQL joined every placement before it could filter: 1.8 ms at the
    national size against 0.09 by id (EXPLAIN ANALYZE; `make bench` line "trainee: home",
    whose "x one" was 1.10)."""
    return Q(mentor__user_id=user.pk) | Q(placement_id__in=reach(user).placement_ids(Role.TRAINEE))


def own_pairs(user) -> QuerySet[MentoringPair]:
    """The pairs the person is in, as mentor or as trainee."""
    return (MentoringPair.objects.filter(_own(user))
            .select_related("mentor__user", "placement__trainee", "placement__cohort")
            .annotate(meetings_count=Count("meetings"), last_met=Max("meetings__met_on")))


@dataclass(frozen=True)
class PairLine:
    """What the home page and the alumni page show of one of the person's pairs."""

    pk: int
    is_mentor: bool
    trainee_name: str
    mentor_name: str
    meetings_count: int
    last_met: datetime.date | None


def own_pair_lines(user) -> list[PairLine]:
    """own_pairs as the lines that name them: the names, how many times they met and when
    last, read as values rather than as pairs joined to their mentor, placement and trainee
    built into models. `make bench` lines,
    with the round's other values reads (docs/performance.md, "The home pages"), back to
    back: "trainee: home" 7.5x and 7.7x -> 6.6x and 6.4x the floor, "supervisor: home"
    6.6x and 6.8x -> 6.1x and 5.7x (CPU, demo database)."""
    rows = (MentoringPair.objects.filter(_own(user))
            .values_list("pk", "mentor__user_id", "placement__trainee__full_name",
                         "mentor__user__full_name")
            .annotate(meetings_count=Count("meetings"), last_met=Max("meetings__met_on")))
    return [PairLine(pk=pk, is_mentor=mentor_id == user.pk, trainee_name=trainee_name,
                     mentor_name=mentor_name, meetings_count=meetings_count, last_met=last_met)
            for pk, mentor_id, trainee_name, mentor_name, meetings_count, last_met in rows]


def pair_for(user, pair_id) -> MentoringPair:
    """One pair, with its notes, for its mentor or its trainee only: anyone else (the PDs
    included) gets 404."""
    return get_object_or_404(own_pairs(user), pk=pair_id)
