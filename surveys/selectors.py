"""Reads of the temperature check, scoped to the person asking: its managers (the
programme's PDs and the Deputy Clinical Chairs of the CCGs its cohorts are placed with) and
the people asked. Nobody reads one person's answers: results are counts, averages and
comments, and a group's breakdown only where at least SMALLEST_GROUP of it answered."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from clic.accounts.access import access_for
from clic.accounts.models import Organisation, Role, User
from clic.disclosure import SMALLEST_GROUP
from clic.mail.catalogue import row_for
from clic.mail.notices import EmailPlan, PlannedEmail
from clic.mail.services import Addressee, render_email
from rotations.models import Cohort
from trainees.models import Placement

from .models import Answer, Invitation, Question, Survey
from .questions import PRIORITIES, Agreement

# Who a temperature check asks, as roles, in the order that decides the group of someone
# holding several. A role a placement names is found on the programme's cohorts that have
# not ended (PLACEMENT_ROLES); any other role among the people holding it in the programme.
# Adding a group of people to the survey is adding its role here.
AUDIENCE = (Role.TRAINEE, Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.ALUMNUS)
PLACEMENT_ROLES = {Role.TRAINEE: "trainee", Role.CCG_SUPERVISOR: "ccg_supervisor",
                   Role.PROJECT_LEAD: "project_lead"}

INVITATION_TEMPLATE = "mail/surveys/invitation"
REMINDER_TEMPLATE = "mail/surveys/reminder"


def group_label(group: str) -> str:
    return Role(group).label if group in Role.values else group


# Who runs and who answers -------------------------------------------------------------------


def programmes_run_by(user) -> QuerySet[Organisation]:
    """The programmes whose temperature checks the person opens and reads: as a PD of the
    programme, or as the Deputy Clinical Chair of a CCG its cohorts are placed with."""
    access = access_for(user)
    scope = Q(pk__in=access.organisation_ids(Role.PD))
    chaired = access.organisation_ids(Role.DEPUTY_CHAIR)
    if chaired:
        scope |= Q(pk__in=Cohort.objects.filter(ccg_id__in=chaired).values("programme_id"))
    return Organisation.objects.filter(scope, kind=Organisation.Kind.PROGRAMME).order_by("name")


def surveys_run_by(user) -> QuerySet[Survey]:
    return (Survey.objects.filter(programme__in=programmes_run_by(user))
            .select_related("programme", "opened_by")
            .annotate(invited=Count("invitations"),
                      answered=Count("invitations", filter=Q(invitations__answered=True)))
            .order_by("programme__name", "-year"))


def survey_for_manager(user, survey_id) -> Survey:
    return get_object_or_404(Survey.objects.filter(programme__in=programmes_run_by(user))
                             .select_related("programme", "opened_by"), pk=survey_id)


def invitation_for(user, survey_id) -> Invitation:
    """The person's own invitation to the survey: anyone not asked gets 404."""
    return get_object_or_404(Invitation.objects.select_related("survey", "survey__programme"),
                             survey_id=survey_id, person_id=user.pk)


@dataclass(frozen=True)
class OpenSurvey:
    """What the home page and the surveys page show of a survey waiting for the person's
    answer."""

    pk: int
    year: int
    closes_on: datetime.date
    programme: str


def open_invitations(user) -> list[OpenSurvey]:
    """The surveys the person has been asked and has not answered, while they are open
    (Survey.is_open, asked of the database).

    Read as the four values shown rather than as invitations with their survey and
    programme built into models. `make bench` lines,
    with the round's other values reads (docs/performance.md, "The home pages"), back to
    back: "trainee: home" 7.5x and 7.7x -> 6.6x and 6.4x the floor, "supervisor: home"
    6.6x and 6.8x -> 6.1x and 5.7x (CPU, demo database)."""
    return [OpenSurvey(*row) for row in Invitation.objects.filter(
        person_id=user.pk, answered=False, survey__opened_at__isnull=False,
        survey__closed_at__isnull=True, survey__closes_on__gte=timezone.localdate())
        .values_list("survey_id", "survey__year", "survey__closes_on", "survey__programme__name")]


# The audience and its emails ----------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    person: User
    group: str  # a Role value from AUDIENCE

    @property
    def group_label(self) -> str:
        return group_label(self.group)


def survey_audience(programme: Organisation, today: datetime.date) -> list[Member]:
    """Everyone the programme's temperature check asks today, each once, in the first group
    of AUDIENCE they belong to: what the confirmation page counts and what opening invites."""
    cohorts = [cohort for cohort in Cohort.objects.filter(programme=programme)
               if cohort.end_date >= today]
    placements = list(Placement.objects.filter(cohort__in=cohorts).select_related(
        *PLACEMENT_ROLES.values()))
    found: dict[int, Member] = {}
    for role in AUDIENCE:
        if role in PLACEMENT_ROLES:
            people = [getattr(placement, PLACEMENT_ROLES[role]) for placement in placements]
        else:
            people = User.objects.filter(memberships__role=role,
                                         memberships__organisation=programme)
        for person in people:
            if person is not None and person.is_active and person.pk not in found:
                found[person.pk] = Member(person=person, group=role)
    return sorted(found.values(),
                  key=lambda member: (AUDIENCE.index(member.group), member.person.full_name))


def survey_email_context(survey: Survey, *, by, closes_on: datetime.date | None = None) -> dict:
    """What the invitation and the reminders say: the same for everyone they go to."""
    return {"survey": survey, "programme": survey.programme, "invited_by": by,
            "closes_on": closes_on or survey.closes_on,
            "path": reverse("survey_answer", args=[survey.pk])}


def survey_open_plan(survey: Survey, *, by, today: datetime.date,
                     closes_on: datetime.date | None) -> EmailPlan:
    """The emails opening the survey now would send, one per person of the audience."""
    audience = survey_audience(survey.programme, today)
    subject, _text, _html = render_email(
        INVITATION_TEMPLATE, survey_email_context(survey, by=by, closes_on=closes_on))
    row = row_for("SURVEY")
    return EmailPlan([PlannedEmail(
        addressee=Addressee(email=member.person.email.strip().lower(),
                            name=member.person.full_name, roles=[member.group_label]),
        row=row, subject=subject) for member in audience])


def audience_counts(plan: EmailPlan) -> list[tuple[str, int]]:
    """How many people of each group a plan emails, in the audience's order."""
    counts = Counter(email.addressee.roles_display for email in plan.emails)
    return [(group_label(role), counts[group_label(role)]) for role in AUDIENCE
            if counts[group_label(role)]]


# Results ------------------------------------------------------------------------------------


@dataclass
class Spread:
    """How a scale question was answered: a count per point of the scale and the average."""

    counts: list[int] = field(default_factory=lambda: [0] * len(Agreement))

    def add(self, rating: int) -> None:
        self.counts[rating - 1] += 1

    @property
    def answered(self) -> int:
        return sum(self.counts)

    @property
    def average(self) -> float | None:
        if not self.answered:
            return None
        return round(sum(n * count for n, count in enumerate(self.counts, 1)) / self.answered, 1)

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(zip(Agreement.labels, self.counts, strict=True))


@dataclass
class QuestionResult:
    question: Question
    spread: Spread = field(default_factory=Spread)
    by_group: list[tuple[str, Spread]] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)  # (text, group or "")
    previous_average: float | None = None

    @property
    def change(self) -> float | None:
        if self.previous_average is None or self.spread.average is None:
            return None
        return round(self.spread.average - self.previous_average, 1)

    @property
    def change_words(self) -> str:
        """The change since the previous survey in words: "up 0.4", "down 0.2", "no change"."""
        change = self.change
        if change is None:
            return ""
        return "no change" if change == 0 else f"{'up' if change > 0 else 'down'} {abs(change)}"


@dataclass
class GroupCount:
    label: str
    invited: int
    answered: int

    @property
    def shown(self) -> bool:
        return self.answered >= SMALLEST_GROUP


def previous_survey(survey: Survey) -> Survey | None:
    """The programme's last opened survey before this one's year."""
    return (Survey.objects.filter(programme_id=survey.programme_id, year__lt=survey.year,
                                  opened_at__isnull=False).order_by("-year").first())


def _group_counts(survey: Survey) -> dict[str, GroupCount]:
    rows = (Invitation.objects.filter(survey=survey).values("group")
            .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True))))
    found = {row["group"]: row for row in rows}
    order = [group for group in AUDIENCE if group in found] + sorted(set(found) - set(AUDIENCE))
    return {group: GroupCount(group_label(group), found[group]["invited"],
                              found[group]["answered"]) for group in order}


def _question_results(survey: Survey, shown_groups: list[str]) -> list[QuestionResult]:
    results = {question.pk: QuestionResult(question) for question in survey.questions.all()}
    by_group: dict[tuple[int, str], Spread] = {}
    for question_id, rating, text, group in Answer.objects.filter(
            response__survey=survey).values_list("question_id", "rating", "text",
                                                 "response__group"):
        result = results[question_id]
        shown = group if group in shown_groups else ""
        if rating is not None:
            result.spread.add(rating)
            if shown:
                by_group.setdefault((question_id, shown), Spread()).add(rating)
        if text:
            result.comments.append((text, group_label(shown) if shown else ""))
    for result in results.values():
        result.by_group = [(group_label(group), by_group.get((result.question.pk, group), Spread()))
                           for group in shown_groups]
    return list(results.values())


def survey_results(survey: Survey) -> dict:
    """Each question's spread (by group where the group is large enough), the comments, the
    response rate and the change since the programme's previous survey."""
    groups = _group_counts(survey)
    shown_groups = [group for group, count in groups.items() if count.shown]
    questions = _question_results(survey, shown_groups)
    previous = previous_survey(survey)
    if previous is not None:
        earlier = {result.question.text: result.spread.average
                   for result in _question_results(previous, [])
                   if result.question.kind == Question.Kind.SCALE}
        for result in questions:
            result.previous_average = earlier.get(result.question.text)
    invited = sum(count.invited for count in groups.values())
    answered = sum(count.answered for count in groups.values())
    return {
        "survey": survey, "previous": previous, "invited": invited, "answered": answered,
        "groups": list(groups.values()),
        "suppressed": [count for count in groups.values() if count.answered and not count.shown],
        "small_number": SMALLEST_GROUP,
        "sections": _by_priority(questions),
    }


def _by_priority(questions: list[QuestionResult]) -> list[tuple[str, list[QuestionResult]]]:
    """The results under each framework priority, then the PD's own questions."""
    sections: dict[int | None, list[QuestionResult]] = {}
    for result in questions:
        sections.setdefault(result.question.priority, []).append(result)
    titled = [(f"Priority {number}: {PRIORITIES[number]}", sections[number])
              for number in PRIORITIES if number in sections]
    if None in sections:
        titled.append(("The programme's own questions", sections[None]))
    return titled


def summary_for(user, survey_id, summary_id):
    survey = survey_for_manager(user, survey_id)
    return get_object_or_404(survey.summaries.select_related("requested_by"), pk=summary_id)
