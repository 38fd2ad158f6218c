"""Reads of the outbox, always scoped to the person asking.

PDs and PAs see the emails of their programmes' cohorts and the emails to the people
they manage; CCG admin sees only what went to their CCG's admin mailbox.
"""

from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clic.accounts.access import access_for
from clic.accounts.models import Organisation, Role
from clic.accounts.selectors import people_visible_to
from clic.registry import Registry

from .catalogue import CATALOGUE
from .models import OutboundEmail, RoutingTable

# What the outbox reads of the apps that own cohorts and placements, registered in their
# AppConfig.ready() (clic.registry). Each takes one part, read with one(): an app that forgot
# to register makes the outbox fail, never show a PD fewer emails.
# part(user) -> ids of the cohorts a PD, PA or director reads every email of.
managed_cohort_ids: Registry = Registry("outbox: the cohorts whose emails a PD or PA reads")
# part(user) -> the placements whose SOP timeline the person may open.
visible_placements: Registry = Registry("outbox: the placements a person sees")

# The list never needs the bodies or attachments, which can be large.
LIST_FIELDS_DEFERRED = ("body_text", "body_html", "attachments")
# What a row of the outbox shows, read as values rather than as models: a model per row (and
# one for its table version) cost the page about a millisecond. The table version that routed
# it is a join on a table of a few rows, rather than a query a page.
ROW_VALUES = ("pk", "code", "to_email", "to_name", "recipient_roles", "subject", "status",
              "attempts", "last_error", "created_at", "sent_at", "placement_id",
              "routing_table__version", "routing_table__programme_id")

RAISED_BY_TRAINEE = tuple(row.code for row in CATALOGUE if row.raised_by_trainee)


def _outbox_scope(user, *, cohort=None) -> Q:
    """With a cohort chosen, only that cohort's emails, and so none of the conditions on
    emails without a cohort: the page compiles its scope twice (count and rows), and the
    people subquery alone cost a few milliseconds of CPU each time. The cohorts by id, not
    by subquery: PostgreSQL then counts a PD's whole outbox from the cohort index instead of
    reading every email."""
    roles = access_for(user).roles
    scope = Q(pk__in=[])
    if roles & {Role.PD, Role.PA}:
        cohort_ids = managed_cohort_ids.one()(user)
        if cohort is not None and cohort.pk in cohort_ids:
            return Q(cohort_id=cohort.pk)  # all of it, whatever other roles they hold
        if cohort is None:
            scope |= Q(cohort_id__in=cohort_ids)
            scope |= Q(cohort__isnull=True,
                       to_email__in=people_visible_to(user).annotate(lowered=Lower("email"))
                       .values("lowered"))
    if Role.CCG_ADMIN in roles:
        scope |= Q(to_email__in=ccg_admin_mailboxes(user))
    if cohort is not None:
        scope &= Q(cohort_id=cohort.pk)
    return scope


def ccg_admin_mailboxes(user) -> QuerySet:
    return (Organisation.objects.filter(kind=Organisation.Kind.CCG, memberships__user=user,
                                        memberships__role=Role.CCG_ADMIN)
            .exclude(admin_mailbox="").annotate(lowered=Lower("admin_mailbox")).values("lowered"))


def outbox_visible_to(user, *, cohort=None) -> QuerySet[OutboundEmail]:
    """The outbox as this person may read it (empty for roles without an outbox), or only
    one cohort's emails in it."""
    if not user.is_authenticated:
        return OutboundEmail.objects.none()
    return OutboundEmail.objects.filter(_outbox_scope(user, cohort=cohort))


def outbox_rows_of(emails: QuerySet[OutboundEmail]) -> QuerySet[dict]:
    """What the outbox's rows show of these emails (ROW_VALUES), without the trainees (see
    with_trainees): for a page of them, so that counting the list does not join."""
    return emails.values(*ROW_VALUES)


def with_trainees(rows, placements) -> list[dict]:
    """The rows with the name of the trainee each email is about (`trainee_name`, None for
    none) taken from the filter's options, which hold every placement of the outbox listed
    (outbox_filter_choices). Not joined into the list: the planner then hashes every
    placement in the service to find the fifty on the page."""
    names = {placement.pk: placement.trainee.full_name for placement in placements}
    rows = list(rows)
    for row in rows:
        row["trainee_name"] = (None if row["placement_id"] is None
                               else names[row["placement_id"]])
    return rows


def outbox_email_for(user, email_id) -> OutboundEmail:
    """One email with its bodies; 404 for anyone outside its scope."""
    return get_object_or_404(OutboundEmail.objects.filter(_outbox_scope(user))
                             .select_related("cohort", "placement__trainee", "resent_by",
                                             "routing_table__programme"),
                             pk=email_id)


def outbox_filter(emails: QuerySet[OutboundEmail], *, placement=None, code="",
                  status="", recipient="") -> QuerySet[OutboundEmail]:
    """The emails narrowed by each filter given; `recipient` is part of the name or address
    an email was sent to."""
    if recipient.strip():
        recipient = recipient.strip()
        emails = emails.filter(Q(to_name__icontains=recipient) | Q(to_email__icontains=recipient))
    if placement is not None:
        emails = emails.filter(placement=placement)
    if code:
        emails = emails.filter(code=code)
    if status:
        emails = emails.filter(status=status)
    return emails


def outbox_filter_choices(user, *, asked_cohort: str | None = None) -> dict:
    """The cohorts and trainees that appear in this person's outbox, for the filters (which
    narrow the trainees to a chosen cohort's). The cohort the query string asks for (if it is
    one of them) carries the SOP codes of its emails, `email_codes`, read in the same query:
    the code select then offers those, not the catalogue's forty-one (each option is a
    template include). `make bench` line "PD: outbox, one cohort", bench.cpu: 6.3x ->
    5.8x the floor, 17 options of 41, the same 9 queries.

    Worked out from the small side, each step an index lookup: the cohorts a PD or PA sees
    (and their trainees) that have any email, and what went to a CCG admin's mailboxes.
    Reading the cohort of every visible email instead costs a second a page once the
    outbox holds years of a programme's mail. (An email's trainee is always in its cohort,
    and emails without a cohort have no trainee, so this is the same set.) The cohort and
    placement models are those the outbox's foreign keys name."""
    roles = access_for(user).roles
    cohorts, placements = Q(pk__in=[]), Q(pk__in=[])
    if roles & {Role.PD, Role.PA}:
        visible = managed_cohort_ids.one()(user)
        cohorts |= Q(pk__in=visible) & Q(Exists(OutboundEmail.objects.filter(
            cohort_id=OuterRef("pk"))))
        placements |= Q(cohort_id__in=visible) & Q(Exists(OutboundEmail.objects.filter(
            placement_id=OuterRef("pk"))))
    if Role.CCG_ADMIN in roles:
        to_mailboxes = OutboundEmail.objects.filter(to_email__in=ccg_admin_mailboxes(user))
        cohorts |= Q(pk__in=to_mailboxes.values("cohort_id"))
        placements |= Q(pk__in=to_mailboxes.values("placement_id"))
    cohort_options = (OutboundEmail.cohort.field.related_model.objects.filter(cohorts)
                      .only("name").order_by("-start_date", "name"))
    if asked_cohort and asked_cohort.isdecimal():
        codes = ArraySubquery(OutboundEmail.objects.filter(cohort_id=OuterRef("pk"))
                              .order_by().values("code").distinct())
        cohort_options = cohort_options.annotate(email_codes=Case(
            When(pk=int(asked_cohort), then=codes), default=None))
    return {
        "cohorts": cohort_options,
        # What the options' labels (and the outbox's "About" lines) show.
        "placements": OutboundEmail.placement.field.related_model.objects.filter(placements)
        .select_related("trainee", "cohort")
        .only("trainee__full_name", "trainee__email", "cohort__name")
        .order_by("trainee__full_name", "cohort__name"),
    }


def emails_about_placement(user, placement) -> QuerySet[OutboundEmail]:
    """A trainee's SOP timeline, as this person may see it: all of it for their PDs and PAs;
    for others, what was addressed to them (or their CCG's mailbox), and for the trainee also
    the emails their own reports caused."""
    if not visible_placements.one()(user).filter(pk=placement.pk).exists():
        return OutboundEmail.objects.none()
    scope = _outbox_scope(user) | Q(to_email=user.email.lower())
    if placement.trainee_id == user.pk:
        scope |= Q(code__in=RAISED_BY_TRAINEE)
    return (OutboundEmail.objects.filter(placement=placement).filter(scope)
            .defer(*LIST_FIELDS_DEFERRED).order_by("-created_at", "-id"))


def routing_programmes_for(user, *roles: str) -> QuerySet[Organisation]:
    """The programmes in which this person holds one of these roles: whose "who is told what"
    they read (PDs and PAs) or edit (PDs)."""
    return Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME,
                                       pk__in=access_for(user).organisation_ids(*roles)
                                       ).order_by("name")


def routing_programme_for(user, programme_id, *roles: str) -> Organisation:
    """One of them; 404 for anyone else."""
    return get_object_or_404(routing_programmes_for(user, *roles), pk=programme_id)


def routing_versions(programme) -> list[RoutingTable]:
    """A programme's own table versions, newest first, then the default it started from."""
    own = list(RoutingTable.objects.filter(programme=programme).select_related("created_by")
               .order_by("-version"))
    default = (RoutingTable.objects.filter(programme__isnull=True).select_related("created_by")
               .order_by("-version").first())
    return own + ([default] if default else [])


def cohorts_using_routing(programme) -> list:
    """The programme's cohorts that have not ended: their emails follow its table."""
    cohort_model = OutboundEmail.cohort.field.related_model
    today = timezone.localdate()
    recent = cohort_model.objects.filter(programme=programme,
                                         start_date__gte=today - timedelta(days=2 * 365))
    return [cohort for cohort in recent.order_by("start_date", "name") if cohort.end_date >= today]


def routing_example_placement(programme):
    """A placement of the programme's newest cohort, whose people an edited row's example
    names (None when the programme has none yet)."""
    placement_model = OutboundEmail.placement.field.related_model
    return (placement_model.objects.filter(cohort__programme=programme)
            .select_related("cohort__ccg", "trainee").order_by("-cohort__start_date", "pk")
            .first())
