"""The opportunities board's pages: thin, each a rule, a selector, a form and a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clic.accounts.models import Organisation
from clic.forms import apply_service_errors, service_refusal

from . import rules, selectors, services
from .forms import MonitoringForm, OpportunityForm
from .monitoring import SMALLEST_GROUP, monitoring_report


def board(request):
    if not rules.can_see_board(request.user):
        raise Http404
    today = timezone.localdate()
    can_publish = rules.can_publish(request.user)
    return render(request, "opportunities/board.html", {
        "open_roles": selectors.open_opportunities(request.user, today),
        "managed": selectors.managed_opportunities(request.user) if can_publish else [],
        "can_publish": can_publish, "can_subscribe": rules.can_subscribe(request.user),
        "subscribed": selectors.is_subscribed(request.user), "today": today,
    })


def publish(request):
    if not rules.can_publish(request.user):
        raise Http404
    programmes = Organisation.objects.filter(
        pk__in=rules.publishable_programme_ids(request.user)).order_by("name")
    form = OpportunityForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_publish(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The role is published. The programme's trainees and "
                                      "alumni see it until its closing date.")
            return redirect("opportunity_detail", opportunity.pk)
    return render(request, "opportunities/publish.html", {"form": form})


def detail(request, opportunity_id):
    today = timezone.localdate()
    opportunity = selectors.opportunity_for(request.user, opportunity_id, today)
    manages = rules.can_manage(request.user, opportunity)
    return render(request, "opportunities/detail.html", {
        "opportunity": opportunity, "is_open": opportunity.is_open(today), "manages": manages,
        "is_audience": rules.is_audience(request.user, opportunity),
        "interest": selectors.interest_of(request.user, opportunity),
        "interested": selectors.interested_people(request.user, opportunity) if manages else [],
        "report": (monitoring_report(selectors.monitoring_responses(request.user, opportunity))
                   if manages else []),
        "smallest_group": SMALLEST_GROUP,
    })


def _audience_opportunity(request, opportunity_id):
    """The role, for a person of its audience: its managers may see it but not do this."""
    opportunity = selectors.opportunity_for(request.user, opportunity_id, timezone.localdate())
    if not rules.is_audience(request.user, opportunity):
        raise PermissionDenied
    return opportunity


@require_POST
def interest(request, opportunity_id):
    opportunity = _audience_opportunity(request, opportunity_id)
    with service_refusal(request) as refused:
        recorded = services.interest_express(opportunity=opportunity, person=request.user)
    if refused:
        return redirect("opportunity_detail", opportunity.pk)
    messages.success(request, "Your interest is recorded: the people who published the role "
                              "can see your name. Apply through the link on this page.")
    if recorded.monitoring_done:
        return redirect("opportunity_detail", opportunity.pk)
    return redirect("opportunity_monitoring", opportunity.pk)


def monitoring(request, opportunity_id):
    opportunity = _audience_opportunity(request, opportunity_id)
    recorded = selectors.interest_of(request.user, opportunity)
    if recorded is None or recorded.monitoring_done:
        return redirect("opportunity_detail", opportunity.pk)
    declining = request.method == "POST" and "decline" in request.POST
    form = MonitoringForm(None if declining else request.POST or None)
    if declining or (request.method == "POST" and form.is_valid()):
        with service_refusal(request) as refused:
            services.monitoring_record(interest=recorded,
                                       answers=None if declining else form.cleaned_data)
        if not refused:
            messages.success(request, "Thank you. No answers were kept." if declining else
                             "Thank you. Your answers are kept without your name.")
        return redirect("opportunity_detail", opportunity.pk)
    return render(request, "opportunities/monitoring.html", {"opportunity": opportunity,
                                                             "form": form})


def digest(request):
    if not rules.can_subscribe(request.user):
        raise Http404
    if request.method == "POST":
        if request.POST.get("subscribe") == "yes":
            with service_refusal(request) as refused:
                services.digest_subscribe(person=request.user)
            if not refused:
                messages.success(request, "You are subscribed to the weekly digest.")
        else:
            services.digest_unsubscribe(person=request.user)
            messages.success(request, "You are unsubscribed: no more digest emails.")
        return redirect("opportunity_digest")
    return render(request, "opportunities/digest.html",
                  {"subscribed": selectors.is_subscribed(request.user)})


def monitoring_summary(request):
    if not rules.can_publish(request.user):
        raise Http404
    return render(request, "opportunities/monitoring_summary.html", {
        "report": monitoring_report(selectors.monitoring_responses(request.user)),
        "smallest_group": SMALLEST_GROUP,
    })
