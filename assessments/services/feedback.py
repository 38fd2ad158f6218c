"""Feedback on a trainee's talk from someone present at the presentation day."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clic.accounts.models import User

from ..models import PresentationFeedback, PresentationInvitation, PresentationSlot
from ..selectors import assessment_refusal
from .ratings import check_rating


@transaction.atomic
def presentation_feedback_give(*, slot: PresentationSlot, giver: User, went_well: str,
                               could_be_better: str, relevance: int, leadership: int,
                               communication: int, anonymous: bool) -> PresentationFeedback:
    """Feedback from someone recorded as present at the day, on another trainee's talk."""
    day = slot.day
    if day.is_cancelled:
        raise ValidationError("This presentation day was cancelled.")
    if day.date > timezone.localdate():
        raise ValidationError("Feedback opens on the day of the presentations.")
    if slot.placement.trainee_id == giver.pk:
        raise ValidationError("You cannot give feedback on your own presentation.")
    if not day.invitations.filter(person=giver,
                                  attendance=PresentationInvitation.Attendance.PRESENT).exists():
        raise ValidationError("Only people recorded as present at the presentations can give "
                              "feedback on them.")
    refusal = assessment_refusal(giver, slot.placement)
    if refusal:
        raise ValidationError(refusal)
    errors: dict[str, list[str]] = {}
    if not went_well.strip():
        errors.setdefault("went_well", []).append("Say what went well.")
    if not could_be_better.strip():
        errors.setdefault("could_be_better", []).append("Say what could be better.")
    for name, value in (("relevance", relevance), ("leadership", leadership),
                        ("communication", communication)):
        check_rating(errors, name, value)
    if errors:
        raise ValidationError(errors)
    if PresentationFeedback.objects.filter(slot=slot, giver=giver).exists():
        raise ValidationError("You have already given feedback on this presentation.")
    try:
        with transaction.atomic():
            return PresentationFeedback.objects.create(
                slot=slot, giver=giver, went_well=went_well.strip(),
                could_be_better=could_be_better.strip(), relevance=relevance,
                leadership=leadership, communication=communication, anonymous=anonymous)
    except IntegrityError:
        raise ValidationError("You have already given feedback on this presentation.") from None
