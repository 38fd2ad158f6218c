"""Retention: placements whose rotation ended more than settings.CLIC_RETENTION_YEARS ago are
anonymised. Free text about the trainee goes (absence notes, progress entries, meeting and
concern notes, feedback, assessment comments, reflective entry titles and links, email
bodies); the rows stay, with their kinds, dates, states, ratings and outcomes, so that counts
and reports still add up (absence days by type, entries per week, outcomes). A trainee with
no newer placement becomes "Former trainee #id" with no email, phone or password.

Every step only changes what is not yet anonymised, so running it again changes nothing."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone

from .models import User, new_calendar_token

REMOVED = "(removed after the retention period)"
PLACEHOLDER_DOMAIN = "anonymised.invalid"  # .invalid never resolves (RFC 2606)


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Rotations that ended before this day are past the retention period."""
    today = today or timezone.localdate()
    years = settings.CLIC_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def placements_due(today: datetime.date | None = None) -> QuerySet:
    """Placements whose cohort's last day is before the cutoff."""
    from rotations.models import ROTATION_WEEKS
    from trainees.models import Placement

    # A cohort ends 16 weeks less a day after it starts (Cohort.end_date).
    latest_start = retention_cutoff(today) - datetime.timedelta(weeks=ROTATION_WEEKS, days=-1)
    return (Placement.objects.filter(cohort__start_date__lt=latest_start)
            .select_related("cohort", "trainee").order_by("cohort__start_date", "pk"))


def _blank(queryset, *fields: str) -> int:
    """Empty the text fields of the rows that still have any; how many rows changed."""
    still = Q()
    for name in fields:
        still |= ~Q(**{name: ""})
    return queryset.filter(still).update(**dict.fromkeys(fields, ""))


def _set(queryset, name: str, value) -> int:
    return queryset.exclude(**{name: value}).update(**{name: value})


@transaction.atomic
def placement_anonymise(*, placement) -> int:
    """Remove the free text of one placement; returns how many rows changed."""
    from absences.models import Absence, AbsenceEvent
    from assessments.models import (
        CapabilityGrade,
        CaseBasedDiscussion,
        PresentationAssessment,
        PresentationFeedback,
        ReflectiveEntry,
    )
    from clic.audit import services as audit
    from clic.mail.models import OutboundEmail
    from projects.models import (
        Concern,
        ConcernNote,
        HRChecklist,
        Meeting,
        ProgressComment,
        ProgressEntry,
    )
    from rotations.models import CohortChange

    changed = _blank(Absence.objects.filter(placement=placement), "note", "decision_comment")
    for action, label in AbsenceEvent.Action.choices:
        changed += _set(AbsenceEvent.objects.filter(absence__placement=placement, action=action),
                        "summary", label)
    changed += _blank(ProgressEntry.objects.filter(placement=placement), "text")
    changed += _blank(ProgressComment.objects.filter(entry__placement=placement), "text")
    changed += _blank(Meeting.objects.filter(placement=placement), "notes", "agreed_actions")
    concerns = Concern.objects.filter(placement=placement)
    changed += _blank(concerns, "details") + _set(concerns, "summary", REMOVED)
    changed += _blank(ConcernNote.objects.filter(concern__placement=placement), "text")
    entries = ReflectiveEntry.objects.filter(placement=placement)
    changed += _set(entries, "title", "Reflective entry") + _blank(entries, "portfolio_url")
    changed += _blank(PresentationFeedback.objects.filter(slot__placement=placement),
                      "went_well", "could_be_better")
    changed += _blank(PresentationAssessment.objects.filter(placement=placement), "feedback")
    changed += _blank(CaseBasedDiscussion.objects.filter(placement=placement), "case", "feedback")
    # A grade must carry a justification (a database check): say it was removed.
    changed += _set(CapabilityGrade.objects.filter(cbd__placement=placement), "justification",
                    REMOVED)
    for checklist in HRChecklist.objects.filter(placement=placement).exclude(
            confidentiality_agreement=""):
        agreement = checklist.confidentiality_agreement
        # Files are not rolled back with the database: remove it once the change is saved.
        transaction.on_commit(lambda storage=agreement.storage, name=agreement.name:
                              storage.delete(name))
        HRChecklist.objects.filter(pk=checklist.pk).update(confidentiality_agreement="",
                                                           confidentiality_agreement_name="")
        changed += 1
    emails = OutboundEmail.objects.filter(placement=placement)
    changed += _blank(emails, "body_text", "body_html") + _set(emails, "subject", REMOVED)
    changed += _set(emails, "attachments", [])
    changes = CohortChange.objects.filter(placement=placement)
    for action, label in CohortChange.Action.choices:
        changed += _set(changes.filter(action=action), "summary", label)
    changed += _set(changes, "details", {})
    if changed:
        audit.record(actor=None, action=audit.CHANGED, obj=placement,
                     summary=f"Anonymised after the retention period ({changed} records)")
    return changed


def is_anonymised(user: User) -> bool:
    return user.email.endswith("@" + PLACEHOLDER_DOMAIN)


@transaction.atomic
def former_trainee_anonymise(*, user: User) -> bool:
    """Replace a former trainee's personal details; False if already done."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from assessments.models import PresentationInvitation
    from clic.mail.models import OutboundEmail

    if is_anonymised(user):
        return False
    old_name, old_email = user.full_name, user.email.lower()
    user.full_name = f"Former trainee #{user.pk}"
    user.email = f"former-trainee-{user.pk}@{PLACEHOLDER_DOMAIN}"
    user.phone = user.job_title = ""
    user.is_active = False
    user.calendar_token = new_calendar_token()
    user.set_unusable_password()
    user.save()
    for model in (EmailAddress, Authenticator, SocialAccount):
        model.objects.filter(user=user).delete()
    OutboundEmail.objects.filter(to_email=old_email).update(
        to_email=user.email, to_name="", subject=REMOVED, body_text="", body_html="",
        attachments=[])
    # Idempotency keys end with the recipient's address; one new address for one old keeps
    # them unique.
    OutboundEmail.objects.filter(idempotency_key__contains=old_email).update(
        idempotency_key=Replace("idempotency_key", Value(old_email), Value(user.email)))
    # Other people's emails name the trainee as whom a reply reaches.
    for email in OutboundEmail.objects.filter(reply_to__icontains=old_email):
        email.reply_to = ", ".join(
            user.email if address.lower().endswith(f"<{old_email}>") or address.lower() == old_email
            else address for address in email.reply_to_addresses)
        email.save(update_fields=["reply_to"])
    # Other people's invitations say whose presentation they are invited to.
    if old_name:
        for invitation in PresentationInvitation.objects.filter(reasons__contains=old_name):
            PresentationInvitation.objects.filter(pk=invitation.pk).update(
                reasons=invitation.reasons.replace(old_name, user.full_name))
    return True


@dataclass
class RetentionRun:
    cutoff: datetime.date
    placements: list = field(default_factory=list)  # [(placement, rows changed)]
    people: list = field(default_factory=list)  # former trainees anonymised


def anonymise_old_placements(*, today: datetime.date | None = None) -> RetentionRun:
    """Anonymise every placement past the retention period, and each of their trainees who
    has no newer placement."""
    run = RetentionRun(cutoff=retention_cutoff(today))
    due = list(placements_due(today))
    due_ids = {placement.pk for placement in due}
    for placement in due:
        run.placements.append((placement, placement_anonymise(placement=placement)))
    for trainee in {placement.trainee for placement in due}:
        newer = trainee.placements.exclude(pk__in=due_ids).exists()
        if not newer and former_trainee_anonymise(user=trainee):
            run.people.append(trainee)
    return run
