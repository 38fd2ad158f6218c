"""Thin views: parse, call a selector or a service, render. A person's own register is for
those who must declare; the programme register for PDs; a conflict page for the person it
flags. Anyone else gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clic.forms import apply_service_errors, service_refusal

from . import selectors, services
from .forms import ConflictForm, InterestForm
from .rules import must_declare, reads_programme_register


def _declarer(request):
    if not must_declare(request.user):
        raise Http404


def interests_mine(request):
    _declarer(request)
    return render(request, "interests/mine.html", {
        **selectors.own_register(request.user),
        "conflicts": selectors.own_conflicts(request.user, timezone.localdate())})


def _interest_form_page(request, form, save, *, interest=None):
    if request.method == "POST" and form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Your register of interests is saved.")
            return redirect("interests_mine")
    return render(request, "interests/interest_form.html", {"form": form, "interest": interest})


def interest_declare(request):
    _declarer(request)
    form = InterestForm(request.POST or None)
    return _interest_form_page(
        request, form, lambda **fields: services.interest_declare(person=request.user, **fields))


def interest_edit(request, interest_id):
    interest = selectors.own_interest(request.user, interest_id)
    form = InterestForm.of(interest, request.POST or None)
    return _interest_form_page(
        request, form, lambda **fields: services.interest_update(interest=interest, **fields),
        interest=interest)


@require_POST
def nothing_to_declare(request):
    _declarer(request)
    with service_refusal(request) as refused:
        services.nothing_to_declare_record(person=request.user)
    if not refused:
        messages.success(request, "Your declaration that you have nothing to declare is "
                                  "recorded with today's date.")
    return redirect("interests_mine")


def programme_register(request):
    if not reads_programme_register(request.user):
        raise Http404
    return render(request, "interests/register.html", {
        "people": selectors.programme_register(request.user), "today": timezone.localdate(),
        "year_ago": timezone.localdate() - selectors.YEAR})


def conflict_decide(request, placement_id):
    flag = selectors.conflict_for(request.user, placement_id)
    form = ConflictForm(request.POST or None,
                        initial={"choice": flag.decision.choice} if flag.decision else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.conflict_decide(flag=flag, choice=form.cleaned_data["choice"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Your choice for {flag.placement.trainee.full_name} is "
                                      f"recorded: {decision.get_choice_display()}.")
            return redirect("interests_mine")
    return render(request, "interests/conflict.html", {"flag": flag, "form": form})
