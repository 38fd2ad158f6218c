"""Reads, always scoped to the person asking: anyone else gets 404, never another's data."""

import datetime
from dataclasses import dataclass
from statistics import mean

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from absences.models import Absence
from absences.selectors import COUNTED, absence_routing, known_last_day, timetable_for
from clic.accounts.access import access_for
from clic.accounts.models import Role, User
from clic.mail.notices import EmailPlan, Notice, email_plan
from clic.registry import Registry
from projects import rules as project_rules
from projects.models import Meeting, Project
from rotations.models import Cohort
from rotations.selectors import cohorts_visible_to
from trainees.models import Placement
from trainees.selectors import (
    PERSON_ROLES,
    RECENT,
    current_placements,
    placements_visible_to,
    reach,
)

from .models import (
    EVALUATION_COMMENTS,
    EVALUATION_RATINGS,
    PRESENTATION_POINTS,
    CaseBasedDiscussion,
    EvaluationResponse,
    EvaluationRound,
    PresentationAssessment,
    PresentationDay,
    PresentationFeedback,
    PresentationInvitation,
    PresentationSlot,
    ReflectiveEntry,
)
from .rules import directs_cohort_q, follows_placement, follows_placement_q

# Conflicts of interest. The register of interests sits above this app: it registers here
# the flags the presentation day and assessment pages show (`part(day=, placements=,
# person=)`: the flags of the day's panel and assessors, or only of `person`) and a check
# that refuses a person's assessment of a trainee (`part(person=, placement=)`: the message,
# or ""), so this app names no app above it.
conflict_flags: Registry = Registry("conflict-of-interest flags on the presentation pages")
assessment_refusals: Registry = Registry("refusals of a person's assessment of a trainee")


def conflicts_on(day: PresentationDay, placements, *, person=None) -> list:
    """The flags every registered part raises for these placements on the day."""
    return [flag for part in conflict_flags
            for flag in part(day=day, placements=placements, person=person)]


def assessment_refusal(person, placement: Placement) -> str:
    """Why this person may not assess this trainee, or ""."""
    return next((reason for part in assessment_refusals
                 if (reason := part(person=person, placement=placement))), "")

# Bar widths come in steps (CSS classes in static/assessments/assessments.css): no inline style.
CHART_MAX = 6


# Cohorts and presentation days (PDs) ------------------------------------------------------


def pd_cohorts(user) -> QuerySet[Cohort]:
    """The cohorts the person runs as a Programme Director."""
    return cohorts_visible_to(user).filter(directs_cohort_q(user)).distinct()


def pd_cohort_for(user, cohort_id) -> Cohort:
    return get_object_or_404(pd_cohorts(user), pk=cohort_id)


def presentation_days_for_pd(user) -> QuerySet[PresentationDay]:
    return PresentationDay.objects.filter(cohort__in=pd_cohorts(user)).select_related(
        "cohort", "organiser")


def presentation_day_for_pd(user, day_id) -> PresentationDay:
    return get_object_or_404(presentation_days_for_pd(user), pk=day_id)


def scheduled_day(cohort: Cohort) -> PresentationDay | None:
    return (cohort.presentation_days.filter(status=PresentationDay.Status.SCHEDULED)
            .select_related("cohort", "organiser").first())


def cohort_placements(cohort: Cohort) -> list[Placement]:
    return list(cohort.placements.select_related("trainee").order_by("trainee__full_name"))


def day_slots(day: PresentationDay) -> list[PresentationSlot]:
    return list(day.slots.select_related("placement__trainee").order_by("order"))


def attendance_sheet(day: PresentationDay) -> dict:
    """Everything the PD's attendance page shows, in a fixed number of queries: who is invited
    and their reply and attendance, and per slot, the trainee's own people."""
    invitations = list(day.invitations.select_related("person").order_by("person__full_name"))
    by_person = {inv.person_id: inv for inv in invitations}
    slots = day_slots(day)
    for slot in slots:
        placement = slot.placement
        people = [("Presenting", placement.trainee_id), ("CCG Supervisor", placement.ccg_supervisor_id),
                  ("Project Lead", placement.project_lead_id),
                  ("Educational Supervisor", placement.educational_supervisor_id)]
        slot.people = [(role, by_person[person_id]) for role, person_id in people
                       if person_id in by_person]
        slot.coming = sum(1 for _, inv in slot.people
                          if inv.response == PresentationInvitation.Response.ATTENDING)
    counts = {value: 0 for value in PresentationInvitation.Response.values}
    for inv in invitations:
        counts[inv.response] += 1
    return {"invitations": invitations, "slots": slots, "counts": counts,
            "pending": counts[PresentationInvitation.Response.PENDING]}


# Invitations (everyone invited) -----------------------------------------------------------


def invitations_for(user) -> QuerySet[PresentationInvitation]:
    """The signed-in person's presentation invitations, each with its day. Each caller reads
    what it shows of them (a reply needs the day only)."""
    return PresentationInvitation.objects.filter(person=user).select_related("day")


def invitation_for(user, invitation_id) -> PresentationInvitation:
    return get_object_or_404(invitations_for(user), pk=invitation_id)


@dataclass(frozen=True)
class UpcomingSlot:
    """What the home page shows of one presentation: its time, trainee and title."""

    start_time: datetime.time
    trainee_name: str
    title: str


@dataclass(frozen=True)
class UpcomingPresentation:
    """What the home page shows of one presentation day the person is invited to."""

    cohort_name: str
    date: datetime.date
    start_time: datetime.time
    venue: str
    reply: str
    slots: list[UpcomingSlot]


def upcoming_presentations_for(user) -> list[UpcomingPresentation]:
    """For the home page: presentation days the person is invited to that are still to come,
    with the slots of the trainees they supervise (or their own).

    Read as the values shown (the day's cohort, date, time and venue, the reply; each slot's
    time, trainee and title) rather than as invitations with their day and cohort and a
    prefetch of slots with their placement and trainee: the compiler no longer walks three
    models' columns and the prefetch, and builds no model per row. The slots' query runs
    only when there is a day and the person has placements of their own. `make bench` lines
    "trainee: home" 7.2x -> 7.0x and "supervisor: home" 6.4x -> 6.2x the floor (CPU,
    demo database, with the narrower upcoming sessions of the same change)."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    # Not the organiser, whom these panels do not name: a join less to plan on every home page.
    days = list(PresentationInvitation.objects
                .filter(person=user, day__status=PresentationDay.Status.SCHEDULED,
                        day__date__gte=today)
                .order_by("day__date")
                .values_list("day_id", "response", "day__cohort__name", "day__date",
                             "day__start_time", "day__venue"))
    # Only the slots of the person's own placements (reach has them for the request), rather
    # than every slot of the day read and all but theirs dropped.
    theirs = reach(user).placement_ids(*PERSON_ROLES)
    slots: dict[int, list[UpcomingSlot]] = {}
    if days and theirs:
        for day_id, start_time, trainee_name, title in (
                PresentationSlot.objects
                .filter(placement_id__in=theirs, day_id__in=[day[0] for day in days])
                .order_by("order")
                .values_list("day_id", "start_time", "placement__trainee__full_name", "title")):
            slots.setdefault(day_id, []).append(UpcomingSlot(start_time, trainee_name, title))
    return [UpcomingPresentation(cohort_name=cohort_name, date=date, start_time=start_time,
                                 venue=venue,
                                 reply=PresentationInvitation.Response(response).label,
                                 slots=slots.get(day_id, []))
            for day_id, response, cohort_name, date, start_time, venue in days]


# A day within RECENT (trainees.selectors) is shown at the top of the invitations page with
# the days to come, while its attendees are most likely to give feedback. The service takes
# feedback on a held day at any time, so earlier days keep their feedback links in the list
# below, a page at a time.
INVITATIONS_PAGE_SIZE = 20


def _invitations_listed(user) -> QuerySet[PresentationInvitation]:
    """The person's invitations, with only what the invitations page shows of them."""
    return (invitations_for(user).select_related("day__cohort")
            .only("reasons", "response", "attendance", "day__date", "day__start_time",
                  "day__end_time", "day__venue", "day__online_url", "day__notes", "day__status",
                  "day__cohort__name"))


def earlier_invitations(user, today: datetime.date) -> QuerySet[PresentationInvitation]:
    """Invitations to days four weeks ago or before, newest first (the page lists them 20 at a
    time, below the days to come and the recent ones)."""
    return (_invitations_listed(user).filter(day__date__lte=today - RECENT)
            .order_by("-day__date", "-pk"))


def invitation_sections(user, earlier, *, first_page: bool = True,
                        today: datetime.date) -> dict:
    """The invitations page: on its first page the days to come (soonest first: the person
    may reply) and those of the last four weeks (newest first: they may give feedback); on
    every page `earlier`, one page of earlier_invitations. Each as invitation_rows."""
    current = []
    if first_page:
        current = list(_invitations_listed(user).filter(day__date__gt=today - RECENT)
                       .order_by("day__date", "pk"))
    rows = invitation_rows(user, [*current, *earlier], today)
    current_rows, earlier_rows = rows[:len(current)], rows[len(current):]
    return {"upcoming": [row for row in current_rows if row["day"].date >= today],
            "recent": [row for row in reversed(current_rows) if row["day"].date < today],
            "earlier": earlier_rows}


def invitation_rows(user, invitations: list[PresentationInvitation],
                    today: datetime.date) -> list[dict]:
    """Each invitation with its day's running order, whether the person may still reply, the
    person's own slot (its title they may set) and, after the day, if they were present, the
    slots they may give feedback on and whether they have. Two queries however many."""
    prefetch_related_objects([inv.day for inv in invitations], Prefetch(
        "slots", queryset=PresentationSlot.objects.select_related("placement__trainee")
        .only("day", "order", "start_time", "length_minutes", "title",
              "placement__trainee__full_name")
        .order_by("order")))
    # As the service: feedback from those present, on a held day, for ever.
    open_for_feedback = {inv.pk for inv in invitations if inv.was_present
                         and not inv.day.is_cancelled and inv.day.date <= today}
    open_slots = [slot.pk for inv in invitations if inv.pk in open_for_feedback
                  for slot in inv.day.slots.all()]
    given = set(PresentationFeedback.objects.filter(giver=user, slot_id__in=open_slots)
                .order_by().values_list("slot_id", flat=True)) if open_slots else set()
    rows = []
    for inv in invitations:
        day = inv.day
        slots = list(day.slots.all())
        feedback_slots = []
        if inv.pk in open_for_feedback:
            feedback_slots = [(slot, slot.pk in given) for slot in slots
                              if slot.placement.trainee_id != user.pk]
        rows.append({"invitation": inv, "day": day, "slots": slots,
                     "can_reply": not day.is_cancelled and day.date >= today,
                     "own_slot": next((slot for slot in slots
                                       if slot.placement.trainee_id == user.pk), None),
                     "feedback_slots": feedback_slots})
    return rows


# Slots ------------------------------------------------------------------------------------


def slot_for_title(user, slot_id) -> PresentationSlot:
    """The trainee's own slot (or any slot of a cohort the PD runs)."""
    slots = PresentationSlot.objects.filter(
        Q(placement__trainee=user) | Q(day__cohort__in=pd_cohorts(user))).select_related(
        "day", "day__cohort", "placement__trainee")
    return get_object_or_404(slots, pk=slot_id)


def slot_for_feedback(user, slot_id) -> PresentationSlot:
    """A slot of a day the person was invited to."""
    slots = PresentationSlot.objects.filter(day__invitations__person=user).select_related(
        "day", "day__cohort", "placement__trainee")
    return get_object_or_404(slots, pk=slot_id)


def own_slot(placement: Placement) -> PresentationSlot | None:
    return (PresentationSlot.objects.filter(placement=placement,
                                            day__status=PresentationDay.Status.SCHEDULED)
            .select_related("day").first())


# Placements by purpose ----------------------------------------------------------------------


def placement_for_marks(user, placement_id) -> Placement:
    """Marks: the trainee, their Educational Supervisor and the cohort's PDs. Others 404."""
    return get_object_or_404(placements_visible_to(user).filter(follows_placement_q(user)).distinct(),
                             pk=placement_id)


def placement_for_assessor(user, placement_id) -> Placement:
    """Only a PD of the cohort records an assessment: anyone else 404."""
    return get_object_or_404(
        placements_visible_to(user).filter(directs_cohort_q(user, prefix="cohort__")).distinct(),
        pk=placement_id)


def placement_for_reflections(user, placement_id) -> Placement:
    """Reflective entries: the trainee, their Educational Supervisor and the cohort's PDs."""
    return get_object_or_404(
        placements_visible_to(user).filter(follows_placement_q(user)).distinct(), pk=placement_id)


def placement_for_feedback(user, placement_id) -> Placement:
    """Presentation feedback: the trainee and the cohort's PDs."""
    return get_object_or_404(
        placements_visible_to(user).filter(Q(trainee=user)
                                           | directs_cohort_q(user, prefix="cohort__")).distinct(),
        pk=placement_id)


def own_placements(user) -> QuerySet[Placement]:
    return placements_visible_to(user).filter(trainee=user).order_by("-cohort__start_date")


def es_placements(user) -> QuerySet[Placement]:
    return placements_visible_to(user).filter(educational_supervisor=user).order_by(
        "-cohort__start_date", "trainee__full_name")


# Assessments ------------------------------------------------------------------------------


def assessments_of(placement: Placement) -> dict:
    presentation = (PresentationAssessment.objects.filter(placement=placement)
                    .select_related("assessed_by").first())
    cbd = (CaseBasedDiscussion.objects.filter(placement=placement).select_related("assessed_by")
           .prefetch_related("capabilities").first())
    return {"presentation_assessment": presentation, "cbd": cbd}


def not_yet_presented(placement: Placement) -> str:
    """Why neither end-of-placement assessment can be recorded yet, or "" once the trainee
    has presented: a slot on a presentation day that was held (not cancelled, today or
    earlier) and that they were not recorded as missing. Both assessments judge the project
    and learning the trainee presents, as the programme's summative sign-off."""
    today = timezone.localdate()
    name = placement.trainee.full_name
    slot = (PresentationSlot.objects.filter(placement=placement)
            .exclude(day__status=PresentationDay.Status.CANCELLED)
            .select_related("day").order_by("day__date").last())
    if slot is None:
        return (f"{name} has no presentation scheduled. The presentation assessment and the "
                "Case-based Discussion are recorded after the trainee has presented: schedule "
                "their presentation first.")
    day = slot.day
    if day.date > today:
        return (f"{name} presents on {day.date:%A} {day.date.day} {day.date:%B %Y}. Record "
                "the assessments on or after that day.")
    missed = day.invitations.filter(
        person_id=placement.trainee_id, attendance__in=[PresentationInvitation.Attendance.ABSENT,
                                                        PresentationInvitation.Attendance.APOLOGIES])
    if missed.exists():
        return (f"{name} was recorded as not attending the presentation day on {day.date.day} "
                f"{day.date:%B %Y}. Record the assessments once they have presented: give them "
                "a slot on a new day, or correct the attendance if they did present.")
    return ""


# Feedback ---------------------------------------------------------------------------------


def _average(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(mean(values), 1) if values else None


def feedback_summary(slot: PresentationSlot | None) -> dict:
    if slot is None:
        return {"slot": None, "items": [], "count": 0, "averages": []}
    items = list(PresentationFeedback.objects.filter(slot=slot).select_related("giver")
                 .order_by("created_at"))
    averages = [(label, _average([getattr(item, name) for item in items]))
                for name, label in PRESENTATION_POINTS]
    return {"slot": slot, "items": items, "count": len(items), "averages": averages}


def feedback_for(user, placement: Placement) -> dict:
    """The feedback on a trainee's presentation. The trainee sees it after the day; PDs
    whenever. Anonymous givers are shown as "Anonymous" to everyone."""
    today = timezone.localdate()
    slot = (PresentationSlot.objects.filter(placement=placement).select_related("day")
            .order_by("-day__date").first())
    summary = feedback_summary(slot)
    released = slot is not None and slot.day.date < today
    summary["visible"] = released or placement.trainee_id != user.pk
    summary["released"] = released
    if not summary["visible"]:
        summary.update(items=[], averages=[])
    return summary


# Reflective entries -----------------------------------------------------------------------


def _weeks_so_far(cohort: Cohort, today: datetime.date) -> int:
    if today < cohort.start_date:
        return 0
    week = cohort.week_of(today)
    return cohort.weeks if week is None else week


def _bar(count: int, expected: int) -> dict:
    return {"count": count, "met": count >= expected,
            "step": min(count, CHART_MAX)}


def reflective_weeks(placement: Placement, today: datetime.date) -> list[dict]:
    """Week by week: entries logged against the expectation of the cohort's template
    (east Kent: two)."""
    cohort = placement.cohort
    expected = cohort.template_version.entries_per_week
    counts = {}
    for date in placement.reflective_entries.values_list("date", flat=True):
        week = cohort.week_of(date)
        if week:
            counts[week] = counts.get(week, 0) + 1
    return [{"week": week, "monday": cohort.monday_of_week(week), **_bar(counts.get(week, 0), expected)}
            for week in range(1, _weeks_so_far(cohort, today) + 1)]


def reflective_entries_of(placement: Placement) -> QuerySet[ReflectiveEntry]:
    return placement.reflective_entries.all()


def reflective_overview(cohort: Cohort) -> dict:
    """The cohort's trainees by week, for the PD: one query for every count."""
    weeks = list(range(1, _weeks_so_far(cohort, timezone.localdate()) + 1))
    placements = cohort_placements(cohort)
    counts: dict[tuple[int, int], int] = {}
    for placement_id, date in ReflectiveEntry.objects.filter(
            placement__cohort=cohort).values_list("placement_id", "date"):
        week = cohort.week_of(date)
        if week:
            counts[(placement_id, week)] = counts.get((placement_id, week), 0) + 1
    rows = []
    expected = cohort.template_version.entries_per_week
    for placement in placements:
        cells = [_bar(counts.get((placement.pk, week), 0), expected) for week in weeks]
        rows.append({"placement": placement, "cells": cells,
                     "total": sum(cell["count"] for cell in cells),
                     "weeks_met": sum(1 for cell in cells if cell["met"])})
    return {"weeks": weeks, "rows": rows, "expected": expected}


def reflective_shortfalls(user, today: datetime.date) -> list[dict]:
    """The trainees of the current cohorts a PD runs whose entries over the rotation's
    completed weeks fall short of their template's expectation (east Kent: two a week): each
    with the entries logged and expected.
    Three queries, however many trainees; none for a person who holds no PD role (no cohort
    to run): `make bench` line "supervisor: home" built the empty query, a tenth of the
    page, for nothing (8.9x -> 7.5x the floor with the narrower home rows)."""
    if not access_for(user).has_role(Role.PD):
        return []
    placements = list(current_placements(
        placements_visible_to(user).filter(directs_cohort_q(user, prefix="cohort__")), today)
        .filter(cohort__start_date__lte=today - datetime.timedelta(weeks=1))
        .select_related(None).select_related("cohort__template_version", "trainee").distinct()
        .order_by("trainee__full_name", "pk"))
    if not placements:
        return []
    logged: dict[int, list[datetime.date]] = {}
    for placement_id, date in ReflectiveEntry.objects.filter(
            placement_id__in=[p.pk for p in placements]).values_list("placement_id", "date"):
        logged.setdefault(placement_id, []).append(date)
    shortfalls = []
    for placement in placements:
        cohort = placement.cohort
        weeks = min(cohort.weeks, (today - cohort.start_date).days // 7)
        week_ends = cohort.monday_of_week(weeks + 1)
        count = sum(1 for date in logged.get(placement.pk, ()) if date < week_ends)
        per_week = cohort.template_version.entries_per_week
        expected = weeks * per_week
        if count < expected:
            shortfalls.append({"placement": placement, "logged": count, "expected": expected,
                               "weeks": weeks, "per_week": per_week})
    return shortfalls


# Evaluation ---------------------------------------------------------------------------------


def evaluation_round_of(cohort: Cohort) -> EvaluationRound | None:
    return EvaluationRound.objects.filter(cohort=cohort).first()


def evaluation_invitation(cohort: Cohort, evaluation: EvaluationRound | None) -> Notice:
    """S17: the survey link to each trainee of the cohort. Before the evaluation is opened it
    has reached nobody."""
    path = reverse("evaluation_answer", args=[cohort.pk])
    return Notice(code="S17", event_key=f"evaluation:{evaluation.pk}" if evaluation else None,
                  about=evaluation or cohort, cohort=cohort,
                  context={"survey_url": settings.SITE_URL + path, "path": path,
                           "evaluation": evaluation})


def evaluation_open_plan(cohort: Cohort) -> EmailPlan:
    """Exactly the emails opening the evaluation now would send: the trainees who have not
    had the link."""
    return email_plan([evaluation_invitation(cohort, evaluation_round_of(cohort))])


def evaluation_results_notice(evaluation: EvaluationRound, *, results: dict, message: str = "",
                              by: User | None = None) -> Notice:
    """S17R: the results summary to the cohort's trainees and stakeholders, once per number
    of answers."""
    return Notice(code="S17R", event_key=f"evaluation-results:{evaluation.pk}:n{results['answered']}",
                  about=evaluation, cohort=evaluation.cohort,
                  context={"results": results, "message": message.strip(), "sent_by": by,
                           "path": "/"})


def evaluation_results_shared(evaluation: EvaluationRound, answered: int):
    """When the results with this many answers were sent, and by whom (None if not yet)."""
    return (evaluation.shares.filter(response_count=answered).select_related("sent_by")
            .first())


def evaluation_placement_for(user, cohort_id) -> Placement:
    """The signed-in trainee's own placement in the cohort; anyone else 404."""
    return get_object_or_404(own_placements(user).select_related("evaluation_completion"),
                             cohort_id=cohort_id)


def evaluation_results(evaluation: EvaluationRound | None) -> dict:
    """Counts, averages, the spread of each rating and the comments. Never who said what."""
    if evaluation is None:
        return {"open": False, "answered": 0, "invited": 0, "ratings": [], "comments": []}
    responses = list(EvaluationResponse.objects.filter(round=evaluation))
    invited = Placement.objects.filter(cohort_id=evaluation.cohort_id).count()
    ratings = []
    for name in EVALUATION_RATINGS:
        label = EvaluationResponse._meta.get_field(name).verbose_name
        values = [getattr(r, name) for r in responses]
        ratings.append({"name": name, "label": label, "average": _average(values),
                        "spread": [(score, values.count(score)) for score in range(1, 6)]})
    comments = []
    for name in EVALUATION_COMMENTS:
        label = EvaluationResponse._meta.get_field(name).verbose_name
        texts = sorted(getattr(r, name) for r in responses if getattr(r, name))
        comments.append({"label": label[:1].upper() + label[1:], "texts": texts})
    return {"open": True, "answered": len(responses), "invited": invited, "ratings": ratings,
            "comments": comments, "evaluation": evaluation}


# The end-of-rotation record -----------------------------------------------------------------


def absence_days_by_kind(placement: Placement, today: datetime.date) -> list[tuple[str, float]]:
    """Days away by type, counted as the absences app counts them (reported sickness and
    cannot-attend, approved leave; working days of the trainee's timetable, halves as 0.5).
    Types and numbers only: never a note or a reason."""
    absences = list(Absence.objects.filter(placement=placement).filter(COUNTED))
    if not absences:
        return []
    first = min(a.first_day for a in absences)
    last = max(known_last_day(a, today) for a in absences)
    timetable = timetable_for(placement, first, last)
    totals: dict[str, float] = {}
    for absence in absences:
        routing = absence_routing(absence, timetable, today)
        if not routing.is_empty:
            label = absence.get_kind_display()
            totals[label] = totals.get(label, 0) + routing.day_count
    return sorted(totals.items())


def end_of_rotation_record(placement: Placement) -> dict:
    """What the trainee's portfolio PDF says."""
    today = timezone.localdate()
    slot = (PresentationSlot.objects.filter(placement=placement).exclude(
        day__status=PresentationDay.Status.CANCELLED).select_related("day").first())
    attendance = {}
    if slot is not None:
        attendance = dict(slot.day.invitations.values_list("attendance").annotate(n=Count("id")))
    feedback = feedback_summary(slot)
    weeks = reflective_weeks(placement, today)
    return {
        "placement": placement, "cohort": placement.cohort, "trainee": placement.trainee,
        "today": today, "slot": slot, "present": attendance.get("present", 0),
        "sections": {"project": True, "meetings": True, "absences": True},
        "absences": absence_days_by_kind(placement, today),
        "project": Project.objects.filter(placement=placement).first(),
        "meetings": list(Meeting.objects.filter(placement=placement,
                                                status=Meeting.Status.HELD).order_by("date")),
        "feedback": feedback,
        "reflective": {"total": placement.reflective_entries.count(), "weeks": weeks,
                       "weeks_met": sum(1 for w in weeks if w["met"]),
                       "expected": placement.cohort.template_version.entries_per_week},
        **assessments_of(placement),
    }


def trainee_page_sections(user, placement, today: datetime.date) -> dict:
    """The presentation slot, reflective entries and assessments on a trainee's page
    (trainees.selectors.overview_sections)."""
    sections: dict = {"presentation": None, "reflective": None, "assessments": None}
    # The people the presentation day invites (S13) are the project's readers.
    if project_rules.can_view_project(user, placement):
        sections["presentation"] = {"slot": own_slot(placement)}
    if follows_placement(user, placement):
        weeks = reflective_weeks(placement, today)
        # The week under way may yet reach two: only finished weeks count as below.
        sections["reflective"] = {
            "total": sum(week["count"] for week in weeks), "weeks": len(weeks),
            "weeks_below": [week for week in weeks if not week["met"]
                            and week["monday"] + datetime.timedelta(weeks=1) <= today]}
        sections["assessments"] = assessments_of(placement)
    return sections
