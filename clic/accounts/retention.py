"""Retention: placements whose rotation ended more than settings.CLIC_RETENTION_YEARS ago are
anonymised. Free text about the trainee goes (absence notes, progress entries, meeting and
concern notes, feedback, assessment comments, reflective entry titles and links, email
bodies); the rows stay, with their kinds, dates, states, ratings and outcomes, so that counts
and reports still add up (absence days by type, entries per week, outcomes). A trainee with
no newer placement becomes "Former trainee #id" with no email, phone or password.

Every step only changes what is not yet anonymised, so running it again changes nothing.

The core anonymises the person and their emails; each app registers its part in its
AppConfig.ready() (clic.registry): `due_placements` finds the placements past the cutoff
(trainees), `placement_steps` blank one placement's free text and say how many rows they
changed, `person_steps` remove a former trainee's old name from other people's records, and
`kept_people` say who chose to stay on past their rotation (alumni, `community`): their
placements' free text goes as anyone's, but their name and email stay while the choice holds."""

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from clic.audit import services as audit
from clic.mail.models import OutboundEmail
from clic.registry import Registry

from .models import User, new_calendar_token

# source(cutoff) -> the placements whose rotation ended before the cutoff, oldest first
due_placements = Registry("retention: placements past the cutoff")
# step(placement) -> rows changed
placement_steps = Registry("retention: anonymising a placement's records")
# step(user, old_name=..., old_email=...) -> None, after the person's own details are replaced
person_steps = Registry("retention: removing a former trainee from other people's records")
# keeps(user, today) -> whether the person chose to be kept, and the choice holds today
kept_people = Registry("retention: former trainees who chose to stay on")

REMOVED = "(removed after the retention period)"
PLACEHOLDER_DOMAIN = "anonymised.invalid"  # .invalid never resolves (RFC 2606)


def retention_cutoff(today: datetime.date) -> datetime.date:
    """Rotations that ended before this day are past the retention period."""
    years = settings.CLIC_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def placements_due(cutoff: datetime.date) -> list:
    """Placements whose cohort's last day is before the cutoff."""
    return [placement for source in due_placements for placement in source(cutoff)]


def blank(queryset, *fields: str) -> int:
    """Empty the text fields of the rows that still have any; how many rows changed."""
    still = Q()
    for name in fields:
        still |= ~Q(**{name: ""})
    return queryset.filter(still).update(**dict.fromkeys(fields, ""))


def set_value(queryset, name: str, value) -> int:
    return queryset.exclude(**{name: value}).update(**{name: value})


@transaction.atomic
def placement_anonymise(*, placement) -> int:
    """Remove the free text of one placement; returns how many rows changed."""
    changed = sum(step(placement) for step in placement_steps)
    emails = OutboundEmail.objects.filter(placement=placement)
    changed += blank(emails, "body_text", "body_html") + set_value(emails, "subject", REMOVED)
    changed += set_value(emails, "attachments", [])
    if changed:
        audit.record(actor=None, action=audit.CHANGED, obj=placement,
                     summary=f"Anonymised after the retention period ({changed} records)")
    return changed


def is_anonymised(user: User) -> bool:
    return user.email.endswith("@" + PLACEHOLDER_DOMAIN)


@transaction.atomic
def former_trainee_anonymise(*, user: User) -> bool:
    """Replace a former trainee's personal details; False if already done."""
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
    for step in person_steps:
        step(user, old_name=old_name, old_email=old_email)
    return True


def is_kept(user: User, today: datetime.date) -> bool:
    return any(keeps(user, today) for keeps in kept_people)


@dataclass
class RetentionRun:
    cutoff: datetime.date
    placements: list = field(default_factory=list)  # [(placement, rows changed)]
    people: list = field(default_factory=list)  # former trainees anonymised
    kept: list = field(default_factory=list)  # former trainees who chose to stay on


def anonymise_old_placements() -> RetentionRun:
    """Anonymise every placement past the retention period, and each of their trainees who
    has no newer placement and has not chosen to stay on."""
    today = timezone.localdate()
    run = RetentionRun(cutoff=retention_cutoff(today))
    due = list(placements_due(run.cutoff))
    due_ids = {placement.pk for placement in due}
    for placement in due:
        run.placements.append((placement, placement_anonymise(placement=placement)))
    for trainee in {placement.trainee for placement in due}:
        if trainee.placements.exclude(pk__in=due_ids).exists() or is_anonymised(trainee):
            continue
        if is_kept(trainee, today):
            run.kept.append(trainee)
        elif former_trainee_anonymise(user=trainee):
            run.people.append(trainee)
    return run
