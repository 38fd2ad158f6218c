"""Every write of the opportunities board: publishing a role, expressing interest, the
anonymous equality monitoring, the digest's subscriptions and its weekly send."""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import RoleMembership
from clic.audit.models import AuditEvent
from clic.audit.services import record
from clic.mail.services import email_queue_template

from . import rules
from .models import MONITORING_QUESTIONS, DigestSubscription, Interest, MonitoringResponse, Opportunity

DIGEST_CODE = "OPP-DIGEST"


def opportunity_errors(*, closing_date, apply_url: str, apply_email: str,
                       today: datetime.date) -> dict[str, str]:
    """What is wrong with a role's dates and how to apply, by field (the form says the same)."""
    errors = {}
    if closing_date is not None and closing_date < today:
        errors["closing_date"] = "Closing date must be today or in the future"
    if not apply_url and not apply_email:
        errors["apply_url"] = "Enter a link to apply or an email address to apply to"
    return errors


@transaction.atomic
def opportunity_publish(*, by, programme, title: str, organisation: str, time_commitment: str,
                        closing_date: datetime.date, description: str, apply_url: str = "",
                        apply_email: str = "") -> Opportunity:
    """Publish a leadership role to a programme's trainees, open until its closing date."""
    if programme.pk not in rules.publishable_programme_ids(by):
        raise ValidationError({"programme": "You cannot publish roles to that programme"})
    errors = opportunity_errors(closing_date=closing_date, apply_url=apply_url,
                                apply_email=apply_email, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    opportunity = Opportunity.objects.create(
        programme=programme, title=title, organisation=organisation,
        time_commitment=time_commitment, closing_date=closing_date, apply_url=apply_url,
        apply_email=apply_email, description=description, published_by=by)
    record(actor=by, action=AuditEvent.Action.CREATED, obj=opportunity, programme=programme,
           summary=f"Leadership role published: {title}, closing {closing_date:%d %B %Y}")
    return opportunity


@transaction.atomic
def interest_express(*, opportunity, person) -> Interest:
    """Record that the person is interested in an open role of their programme (once)."""
    if not rules.is_audience(person, opportunity):
        raise ValidationError("Only the programme's trainees can say they are interested.")
    if not opportunity.is_open(timezone.localdate()):
        raise ValidationError("This role has closed.")
    interest, _ = Interest.objects.get_or_create(opportunity=opportunity, person=person)
    return interest


@transaction.atomic
def monitoring_record(*, interest, answers: dict[str, str] | None) -> None:
    """Keep a person's equality monitoring answers for the role, with nothing that leads back
    to them (the month, not the day); `answers=None` is declining. Either way the interest
    is marked done, so one person cannot answer twice for one role."""
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    if interest.monitoring_done:
        raise ValidationError("You have already answered the monitoring questions for this role.")
    if answers is not None:
        unknown = set(answers) - set(MONITORING_QUESTIONS)
        if unknown or set(answers) != set(MONITORING_QUESTIONS):
            raise ValidationError("Answer every question, or choose \"Prefer not to say\".")
        response = MonitoringResponse(opportunity_id=interest.opportunity_id,
                                      answered_in=timezone.localdate().replace(day=1), **answers)
        response.full_clean()
        response.save()
    interest.monitoring_done = True
    interest.save(update_fields=["monitoring_done"])


@transaction.atomic
def digest_subscribe(*, person) -> DigestSubscription:
    if not rules.can_subscribe(person):
        raise ValidationError("Only trainees can subscribe to the digest.")
    subscription, _ = DigestSubscription.objects.get_or_create(person=person)
    return subscription


@transaction.atomic
def digest_unsubscribe(*, person) -> None:
    DigestSubscription.objects.filter(person=person).delete()


DIGEST_FIRST_LOOKBACK = datetime.timedelta(days=7)


@transaction.atomic
def digests_send() -> int:
    """The weekly digest (the beat runs it on Monday mornings): each subscriber gets one
    email listing the open roles published to their programmes since their last digest (the
    first time, in the last seven days). A subscriber with nothing new gets nothing; one
    already sent a digest this week (Monday to Sunday) gets nothing more, and the event key
    names the week, so a repeated run never sends twice. Returns how many were emailed."""
    now = timezone.now()
    today = timezone.localdate()
    week_start = timezone.make_aware(datetime.datetime.combine(
        today - datetime.timedelta(days=today.weekday()), datetime.time.min))
    subscriptions = list(
        DigestSubscription.objects.select_for_update(of=("self",)).select_related("person")
        .filter(person__is_active=True)
        .exclude(last_sent_at__gte=week_start).order_by("pk"))
    programmes: dict[int, set[int]] = defaultdict(set)
    for person_id, programme_id in RoleMembership.objects.filter(
            user_id__in=[s.person_id for s in subscriptions],
            role__in=rules.AUDIENCE_ROLES).values_list("user_id", "organisation_id"):
        programmes[person_id].add(programme_id)
    open_roles = list(Opportunity.objects.filter(
        closing_date__gte=today, programme_id__in=set().union(*programmes.values()))
        .order_by("closing_date", "title", "pk"))
    emailed = 0
    for subscription in subscriptions:
        since = subscription.last_sent_at or now - DIGEST_FIRST_LOOKBACK
        new_roles = [role for role in open_roles if role.published_at > since
                     and role.programme_id in programmes[subscription.person_id]]
        if not new_roles:
            continue
        email_queue_template(
            code=DIGEST_CODE, to=[subscription.person.email],
            template="mail/opportunities/digest",
            event_key=f"opportunity-digest:{week_start.date()}",
            context={"opportunities": new_roles, "since": since, "path": reverse("opportunity_board"),
                     "unsubscribe_path": reverse("opportunity_digest")})
        subscription.last_sent_at = now
        subscription.save(update_fields=["last_sent_at"])
        emailed += 1
    return emailed
