"""Reads of the opportunities board, scoped to the person asking (opportunities.rules): the
audience reads the open roles of their programmes; a role's managers read it open or
closed, with who is interested; anyone else gets a 404. A role is open to the end of its
closing date, so closing needs no task: every read compares with today."""

import datetime

from django.db.models import Count, Q
from django.http import Http404

from clic.accounts.access import access_for
from clic.accounts.models import Role

from . import rules
from .models import DigestSubscription, Interest, MonitoringResponse, Opportunity


def open_opportunities(user, today: datetime.date):
    """The open roles published to the person's programmes, closing soonest first."""
    return (Opportunity.objects.filter(programme_id__in=rules.audience_programme_ids(user),
                                       closing_date__gte=today)
            .order_by("closing_date", "title", "pk"))


def managed_opportunities(user):
    """The roles this person manages (rules.can_manage), open and closed, with how many
    people are interested in each."""
    access = access_for(user)
    return (Opportunity.objects
            .filter(Q(programme_id__in=access.organisation_ids(Role.PD)) | Q(published_by=user))
            .annotate(interested=Count("interests"))
            .order_by("-closing_date", "title", "pk"))


def opportunity_for(user, opportunity_id, today: datetime.date) -> Opportunity:
    """One role: its managers see it whether open or closed, its audience while it is open."""
    opportunity = (Opportunity.objects.select_related("programme", "published_by")
                   .filter(pk=opportunity_id).first())
    if opportunity is None:
        raise Http404
    if rules.can_manage(user, opportunity):
        return opportunity
    if rules.is_audience(user, opportunity) and opportunity.is_open(today):
        return opportunity
    raise Http404


def interest_of(user, opportunity) -> Interest | None:
    return Interest.objects.filter(opportunity=opportunity, person=user).first()


def interested_people(user, opportunity) -> list[Interest]:
    """Who said they are interested, for the role's managers only."""
    if not rules.can_manage(user, opportunity):
        raise Http404
    return list(opportunity.interests.select_related("person").order_by("expressed_on", "pk"))


def monitoring_responses(user, opportunity=None):
    """The monitoring answers of the roles this person manages (or of one of them): only
    ever counted, in opportunities.monitoring."""
    if opportunity is not None:
        if not rules.can_manage(user, opportunity):
            raise Http404
        return MonitoringResponse.objects.filter(opportunity=opportunity)
    return MonitoringResponse.objects.filter(
        opportunity__in=managed_opportunities(user).values("pk"))


def is_subscribed(user) -> bool:
    return DigestSubscription.objects.filter(person=user).exists()
