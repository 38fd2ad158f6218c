"""The PD's presentation assessment and case-based discussion (CbD) of a trainee who has
presented; each outcome emails S16."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import User
from clic.audit import services as audit
from clic.mail.services import sop_notify
from trainees.models import Placement

from ..models import (
    Capability,
    CapabilityGrade,
    CaseBasedDiscussion,
    Grade,
    PresentationAssessment,
)
from ..selectors import assessment_refusal, not_yet_presented
from .ratings import check_rating

MAX_CBD_CAPABILITIES = 3


@dataclass(frozen=True)
class CapabilitySpec:
    capability: str
    grade: str
    justification: str


def _require_presented(placement: Placement, by: User) -> None:
    """Neither assessment before the trainee has presented (selectors.not_yet_presented), nor
    by someone a registered check refuses (a conflict of interest: selectors.assessment_refusal)."""
    reason = not_yet_presented(placement) or assessment_refusal(by, placement)
    if reason:
        raise ValidationError(reason)


def _assessment_notify(*, kind: str, label: str, record, placement: Placement) -> None:
    sop_notify(code="S16", event_key=f"assessment:{kind}:{record.pk}:v{record.version}",
               about=record, placement=placement,
               context={"assessment": label,
                        "path": reverse("assessment_detail", args=[placement.pk])})


@transaction.atomic
def presentation_assessment_record(*, placement: Placement, by: User, relevance: int,
                                   leadership: int, communication: int, outcome: str,
                                   feedback: str) -> PresentationAssessment:
    errors: dict[str, list[str]] = {}
    for name, value in (("relevance", relevance), ("leadership", leadership),
                        ("communication", communication)):
        check_rating(errors, name, value)
    if outcome not in Grade.values:
        errors.setdefault("outcome", []).append("Choose the overall outcome.")
    if not feedback.strip():
        errors.setdefault("feedback", []).append("Give the trainee your feedback.")
    if errors:
        raise ValidationError(errors)
    _require_presented(placement, by)
    assessment = (PresentationAssessment.objects.select_for_update()
                  .filter(placement=placement).first())
    if assessment is None:
        assessment = PresentationAssessment(placement=placement, version=0)
    assessment.relevance, assessment.leadership = relevance, leadership
    assessment.communication, assessment.outcome = communication, outcome
    assessment.feedback, assessment.assessed_by = feedback.strip(), by
    assessment.recorded_at = timezone.now()
    assessment.version += 1
    assessment.save()
    audit.record(actor=by, obj=assessment,
                 action=audit.CREATED if assessment.version == 1 else audit.CHANGED,
                 summary=f"Presentation assessment recorded (version {assessment.version}): "
                         f"{assessment.get_outcome_display()}")
    _assessment_notify(kind="presentation", label="Presentation assessment", record=assessment,
                       placement=placement)
    return assessment


@transaction.atomic
def case_based_discussion_record(*, placement: Placement, by: User, case: str,
                                 capabilities: Sequence[CapabilitySpec], outcome: str,
                                 feedback: str) -> CaseBasedDiscussion:
    """The summative CbD: the case, one to three RCGP capabilities each graded with a
    justification, the overall outcome and feedback. Recording it again replaces it."""
    errors: dict[str, list[str]] = {}
    if not case.strip():
        errors.setdefault("case", []).append("Describe the case discussed.")
    if outcome not in Grade.values:
        errors.setdefault("outcome", []).append("Choose the overall outcome.")
    if not feedback.strip():
        errors.setdefault("feedback", []).append("Give the trainee your feedback.")
    messages: list[str] = []
    if not capabilities:
        messages.append("Grade at least one capability the case evidences.")
    if len(capabilities) > MAX_CBD_CAPABILITIES:
        messages.append(f"Choose up to {MAX_CBD_CAPABILITIES} capabilities.")
    seen = set()
    for spec in capabilities:
        label = (Capability(spec.capability).label if spec.capability in Capability.values
                 else spec.capability)
        if spec.capability not in Capability.values:
            messages.append(f"{label!r} is not an RCGP capability.")
        if spec.capability in seen:
            messages.append(f"{label} is chosen twice.")
        seen.add(spec.capability)
        if spec.grade not in Grade.values:
            messages.append(f"Grade {label}.")
        if not spec.justification.strip():
            messages.append(f"Justify the grade for {label}.")
    if messages:
        errors.setdefault("__all__", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    _require_presented(placement, by)
    cbd = CaseBasedDiscussion.objects.select_for_update().filter(placement=placement).first()
    if cbd is None:
        cbd = CaseBasedDiscussion(placement=placement, version=0)
    cbd.case, cbd.outcome, cbd.feedback = case.strip(), outcome, feedback.strip()
    cbd.assessed_by, cbd.recorded_at = by, timezone.now()
    cbd.version += 1
    cbd.save()
    cbd.capabilities.all().delete()
    CapabilityGrade.objects.bulk_create([
        CapabilityGrade(cbd=cbd, capability=spec.capability, grade=spec.grade,
                        justification=spec.justification.strip(), position=position)
        for position, spec in enumerate(capabilities, start=1)])
    audit.record(actor=by, obj=cbd, action=audit.CREATED if cbd.version == 1 else audit.CHANGED,
                 summary=f"Case-based Discussion recorded (version {cbd.version}): "
                         f"{cbd.get_outcome_display()}")
    _assessment_notify(kind="cbd", label="Case-based Discussion", record=cbd, placement=placement)
    return cbd
