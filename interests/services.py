"""Every write to the register of interests: keyword-only, atomic, audited; a refusal is a
`ValidationError` naming the field, and nothing is saved."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import Organisation, User
from clic.audit import services as audit
from clic.mail.services import email_queue_template

from .models import ConflictDecision, DeclarationReminder, Interest, NothingToDeclare
from .selectors import YEAR, ConflictFlag, declarers, last_declared, why_declaring

MAX_DESCRIPTION = 2000
REMINDER_CODE = "INTERESTS-REMINDER"


def _interest_errors(*, kind: str, organisation: Organisation | None, organisation_name: str,
                     description: str, starts_on: datetime.date | None,
                     ends_on: datetime.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in Interest.Kind.values:
        errors["kind"] = ["Choose the type of interest."]
    if organisation is None and not organisation_name.strip():
        errors["organisation"] = ["Choose the organisation, or name another one."]
    elif organisation is not None and organisation_name.strip():
        errors["organisation_name"] = ["Choose an organisation from the list or name another "
                                       "one, not both."]
    elif len(organisation_name.strip()) > 200:
        errors["organisation_name"] = ["Name the organisation in 200 characters or fewer."]
    if not description.strip():
        errors["description"] = ["Describe the interest."]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [f"Describe the interest in {MAX_DESCRIPTION} characters or fewer."]
    if starts_on is None:
        errors["starts_on"] = ["Enter the date the interest began."]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = ["The end date must be the same as or after the date it began."]
    return errors


def _save(interest: Interest, *, kind, organisation, organisation_name, description, starts_on,
          ends_on) -> Interest:
    errors = _interest_errors(kind=kind, organisation=organisation,
                              organisation_name=organisation_name, description=description,
                              starts_on=starts_on, ends_on=ends_on)
    if errors:
        raise ValidationError(errors)
    interest.kind, interest.organisation = kind, organisation
    interest.organisation_name = organisation_name.strip()
    interest.description = description.strip()
    interest.starts_on, interest.ends_on = starts_on, ends_on
    interest.save()
    return interest


@transaction.atomic
def interest_declare(*, person: User, kind: str, organisation: Organisation | None,
                     organisation_name: str, description: str, starts_on: datetime.date | None,
                     ends_on: datetime.date | None) -> Interest:
    interest = _save(Interest(person=person), kind=kind, organisation=organisation,
                     organisation_name=organisation_name, description=description,
                     starts_on=starts_on, ends_on=ends_on)
    audit.record(actor=person, action=audit.CREATED, obj=interest,
                 summary=f"Interest declared: {interest}")
    return interest


@transaction.atomic
def interest_update(*, interest: Interest, kind: str, organisation: Organisation | None,
                    organisation_name: str, description: str, starts_on: datetime.date | None,
                    ends_on: datetime.date | None) -> Interest:
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    before = f"{interest} from {interest.starts_on} to {interest.ends_on or 'now'}"
    _save(interest, kind=kind, organisation=organisation, organisation_name=organisation_name,
          description=description, starts_on=starts_on, ends_on=ends_on)
    audit.record(actor=interest.person, action=audit.CHANGED, obj=interest,
                 summary=f"Interest changed: was {before}; now {interest} from "
                         f"{interest.starts_on} to {interest.ends_on or 'now'}")
    return interest


@transaction.atomic
def nothing_to_declare_record(*, person: User) -> NothingToDeclare:
    """Today's "nothing to declare"; refused while an interest is current, and recorded once a
    day however often it is sent."""
    today = timezone.localdate()
    current = [interest for interest in Interest.objects.filter(person=person)
               .select_related("organisation") if interest.is_current_on(today)]
    if current:
        raise ValidationError(
            f"You have {len(current)} interest{'s' if len(current) > 1 else ''} current today "
            f"({', '.join(str(i) for i in current)}): give each an end date first if it has "
            "ended, or keep your register as it is.")
    declaration, created = NothingToDeclare.objects.get_or_create(person=person, declared_on=today)
    if created:
        audit.record(actor=person, action=audit.CREATED, obj=declaration,
                     summary="Nothing to declare")
    return declaration


@transaction.atomic
def conflict_decide(*, flag: ConflictFlag, choice: str) -> ConflictDecision:
    """The person's choice about one trainee they have a flag for: no conflict, or stepping
    aside (then they cannot record the trainee's assessment or feedback)."""
    if choice not in ConflictDecision.Choice.values:
        raise ValidationError({"choice": ["Choose whether you have no conflict or step aside."]})
    decision, created = ConflictDecision.objects.update_or_create(
        person=flag.person, placement=flag.placement,
        defaults={"choice": choice, "decided_at": timezone.now()})
    audit.record(actor=flag.person, action=audit.CREATED if created else audit.CHANGED,
                 obj=decision,
                 summary=f"{decision.get_choice_display()} for "
                         f"{flag.placement.trainee.full_name} (declared interest in "
                         f"{flag.organisations})")
    return decision


@transaction.atomic
def declaration_reminders_send() -> list[User]:
    """Remind, through the outbox, everyone who must declare and has declared nothing (not
    even "nothing to declare") in 12 months, and was not reminded in 12 months. Running it
    again the same year sends nothing more."""
    today = timezone.localdate()
    since = today - YEAR
    reminded = DeclarationReminder.objects.filter(sent_on__gt=since).values("person")
    people = list(declarers(today).exclude(pk__in=reminded)
                  .prefetch_related("memberships").order_by("pk"))
    latest = last_declared([person.pk for person in people])
    due = [person for person in people if latest.get(person.pk, since) <= since]
    for person in due:
        DeclarationReminder.objects.create(person=person, sent_on=today)
        email_queue_template(code=REMINDER_CODE, to=[person.email],
                             template="mail/interests/reminder",
                             event_key=f"interests-reminder:{person.pk}:{today.isoformat()}",
                             context={"because": why_declaring(person),
                                      "last_declared": latest.get(person.pk),
                                      "path": reverse("interests_mine")})
    return due
