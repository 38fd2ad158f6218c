"""Reads of the audit log, scoped to the PD asking: their programmes' cohorts (and cohorts
they direct). The same handful of queries however many events there are."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from clic.accounts.models import Role, RoleMembership, User

from . import rules
from .models import AuditEvent


def _scope(user) -> Q:
    programmes = RoleMembership.objects.filter(user=user, role=Role.PD).values("organisation_id")
    directed = user.directed_cohorts.values("id")
    return Q(programme_id__in=programmes) | Q(cohort_id__in=directed)


def events_visible_to(user) -> QuerySet[AuditEvent]:
    """Every event the person may read; 404 for anyone but a PD."""
    if not rules.can_read_audit(user):
        raise Http404
    return (AuditEvent.objects.filter(_scope(user))
            .select_related("actor", "trainee", "placement__cohort", "cohort"))


def events_filter(events: QuerySet[AuditEvent], *, placement=None, actor=None, action="",
                  object_type="", start: datetime.date | None = None,
                  end: datetime.date | None = None) -> QuerySet[AuditEvent]:
    if placement is not None:
        events = events.filter(placement=placement)
    if actor is not None:
        events = events.filter(actor=actor)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if start:
        events = events.filter(created_at__date__gte=start)
    if end:
        events = events.filter(created_at__date__lte=end)
    return events


def filter_choices(user) -> dict:
    """The trainees, people and kinds of object that appear in this PD's log."""
    # The placement model the log refers to, without the core importing its app.
    placements = AuditEvent.placement.field.related_model.objects
    scoped = AuditEvent.objects.filter(_scope(user))
    return {
        "placements": placements.filter(id__in=scoped.values("placement_id"))
        .select_related("trainee", "cohort").order_by("trainee__full_name", "cohort__name"),
        "actors": User.objects.filter(id__in=scoped.values("actor_id")).order_by("full_name"),
        "object_types": sorted(set(scoped.order_by().values_list("object_type", flat=True)
                                   .distinct())),
    }
