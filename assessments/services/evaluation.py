"""The end-of-rotation evaluation: opening it (S17, automatically in the
rotation's last two weeks), the
trainees' answers and sharing the results."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clic.accounts.models import User
from rotations.models import LONGEST_ROTATION_WEEKS, Cohort
from trainees.models import Placement

from ..models import (
    EvaluationCompletion,
    EvaluationResponse,
    EvaluationResultsShare,
    EvaluationRound,
    evaluation_weeks,
)
from ..selectors import evaluation_invitation, evaluation_results, evaluation_results_notice
from .ratings import check_rating


@transaction.atomic
def evaluation_open(*, cohort: Cohort, by: User | None = None) -> EvaluationRound:
    """Open the cohort's evaluation and send each trainee S17 with the survey link. Running it
    again sends only to trainees who have not had it (e.g. added since)."""
    evaluation, _ = EvaluationRound.objects.get_or_create(
        cohort=cohort, defaults={"opened_at": timezone.now(), "opened_by": by})
    evaluation_invitation(cohort, evaluation).send()
    return evaluation


def evaluation_invitations_send() -> list[EvaluationRound]:
    """The daily beat: open the evaluation of every cohort in its evaluation weeks."""
    today = timezone.localdate()
    earliest = today - datetime.timedelta(weeks=LONGEST_ROTATION_WEEKS)
    opened = []
    for cohort in Cohort.objects.filter(start_date__gt=earliest, start_date__lte=today):
        if cohort.week_of(today) in evaluation_weeks(cohort):
            opened.append(evaluation_open(cohort=cohort))
    return opened


@transaction.atomic
def evaluation_answer(*, placement: Placement, sessions: int, action_learning_sets: int,
                      ccg_support: int, overall: int, went_well: str = "", improve: str = "",
                      other_comments: str = "") -> None:
    """Store one anonymous answer and, separately, only that this trainee has answered.
    Returns nothing, so that no caller holds the two together."""
    evaluation = EvaluationRound.objects.filter(cohort_id=placement.cohort_id).first()
    if evaluation is None:
        raise ValidationError("The evaluation for your rotation is not open yet.")
    errors: dict[str, list[str]] = {}
    for name, value in (("sessions", sessions), ("action_learning_sets", action_learning_sets),
                        ("ccg_support", ccg_support), ("overall", overall)):
        check_rating(errors, name, value)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            EvaluationCompletion.objects.create(round=evaluation, placement=placement,
                                                answered_at=timezone.now())
    except IntegrityError:
        raise ValidationError("You have already answered the evaluation: it can be answered "
                              "once.") from None
    EvaluationResponse.objects.create(
        round=evaluation, sessions=sessions, action_learning_sets=action_learning_sets,
        ccg_support=ccg_support, overall=overall, went_well=went_well.strip(),
        improve=improve.strip(), other_comments=other_comments.strip())


@transaction.atomic
def evaluation_results_share(*, evaluation: EvaluationRound, by: User,
                             message: str = "") -> EvaluationResultsShare:
    """Send the results summary (counts and averages; no comments) to the cohort's trainees
    and stakeholders. Once per number of answers, so a double click sends once."""
    evaluation = EvaluationRound.objects.select_for_update().select_related("cohort").get(
        pk=evaluation.pk)
    results = evaluation_results(evaluation)
    if not results["answered"]:
        raise ValidationError("Nobody has answered the evaluation yet.")
    if evaluation.shares.filter(response_count=results["answered"]).exists():
        raise ValidationError(f"The results with {results['answered']} answers have already "
                              "been sent.")
    share = EvaluationResultsShare.objects.create(round=evaluation,
                                                  response_count=results["answered"], sent_by=by,
                                                  sent_at=timezone.now())
    evaluation_results_notice(evaluation, results=results, message=message, by=by).send()
    return share
