from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from clic.accounts.access import access_for
from clic.accounts.models import Organisation, Role
from clic.forms import apply_service_errors, service_refusal

from . import selectors, services
from .forms import AlumnusForm, MeetingForm, PairForm
from .models import ALUMNI_YEARS


def index(request):
    """Everything of the person's about alumni and mentoring, from any role."""
    today = timezone.localdate()
    programme_ids = selectors.directory_programme_ids(request.user, today)
    return render(request, "community/index.html", {
        "joinable": selectors.joinable_placements(request.user, today),
        "alumni": [alumnus for alumnus in selectors.own_alumni(request.user)
                   if alumnus.is_active(today)],
        "pairs": selectors.own_pair_lines(request.user),
        "directories": Organisation.objects.filter(pk__in=programme_ids),
        "mentoring_programmes": Organisation.objects.filter(
            pk__in=access_for(request.user).organisation_ids(Role.PD)),
    })


def join(request, placement_id):
    """The explicit choice to stay on, on a page that says what is kept and for how long."""
    placement = selectors.joinable_placement(request.user, placement_id, timezone.localdate())
    if request.method == "POST":
        with service_refusal(request) as refused:
            alumnus = services.alumnus_join(user=request.user, placement=placement)
        if not refused:
            messages.success(request, "You are one of the programme's alumni. Choose what to "
                                      "share in the directory, and whether to offer to mentor.")
            return redirect("community:profile", alumnus.pk)
        return redirect("community:index")
    return render(request, "community/join.html", {"placement": placement,
                                                   "years": ALUMNI_YEARS})


def profile(request, alumnus_id):
    today = timezone.localdate()
    alumnus = selectors.own_alumnus(request.user, alumnus_id, today)
    form = AlumnusForm(request.POST or None, instance=alumnus)
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh copy: validating the model form has already written its input onto
            # `alumnus`, and the service checks and saves it itself.
            services.alumnus_update(alumnus=selectors.own_alumnus(request.user, alumnus_id, today),
                                    **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Your alumni details are saved.")
            return redirect("community:index")
    return render(request, "community/profile.html", {"alumnus": alumnus, "form": form})


def leave(request, alumnus_id):
    alumnus = selectors.own_alumnus(request.user, alumnus_id, timezone.localdate())
    if request.method == "POST":
        with service_refusal(request) as refused:
            services.alumnus_leave(alumnus=alumnus)
        if not refused:
            messages.success(request, "You have left the programme's alumni.")
        return redirect("community:index")
    return render(request, "community/leave.html", {"alumnus": alumnus})


def directory(request, programme_id):
    today = timezone.localdate()
    programme = selectors.directory_programme(request.user, programme_id, today)
    return render(request, "community/directory.html", {
        "programme": programme, "alumni": selectors.directory(programme, today)})


def mentoring(request, programme_id):
    """The PDs' page: each trainee of a running or upcoming cohort with the mentors suggested
    for them, the pairing form, and how often each pair has met (never what was said)."""
    today = timezone.localdate()
    programme = selectors.programme_to_pair(request.user, programme_id)
    mentors = selectors.mentors_on_offer(programme, today)
    mentees = selectors.mentees(programme, today)
    form = PairForm(request.POST or None, mentors=mentors, mentees=mentees)
    if request.method == "POST" and form.is_valid():
        try:
            pair = services.mentoring_pair_create(mentor=form.cleaned_data["mentor"],
                                                  placement=form.cleaned_data["placement"],
                                                  by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{pair.mentor.user} now mentors {pair.placement.trainee}. "
                                      "Both have been emailed.")
            return redirect("community:mentoring", programme.pk)
    mentor_list = list(form.fields["mentor"].options())
    pairs = list(selectors.pairs_overview(programme))
    paired = {(pair.mentor_id, pair.placement_id) for pair in pairs}
    return render(request, "community/mentoring.html", {
        "programme": programme, "form": form, "pairs": pairs,
        "pairs_met": sum(1 for pair in pairs if pair.meetings_count),
        "mentees": [(placement, selectors.suggestions(mentor_list, placement, paired))
                    for placement in form.fields["placement"].options()],
    })


def pair(request, pair_id):
    """The pair's own page: their meetings with the private notes, and the log form."""
    found = selectors.pair_for(request.user, pair_id)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentoring_meeting_log(pair=found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The meeting is logged.")
            return redirect("community:pair", found.pk)
    return render(request, "community/pair.html", {
        "pair": found, "meetings": found.meetings.select_related("logged_by"), "form": form,
        "is_mentor": found.mentor.user_id == request.user.pk})
