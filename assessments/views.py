"""Thin views: parse, call a selector or a service, render. Every object comes through a
selector scoped to the signed-in person, so anyone else gets 404."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from clic.forms import Refusal, apply_service_errors, service_refusal
from clic.mail.notices import done_before, email_plan
from clic.paging import page_of
from clic.pdf import pdf_response
from clic.templatetags.nhsuk import error_summary_items

from . import selectors, services
from .exporters import end_of_rotation_html
from .forms import (
    AttendanceForm,
    CancelDayForm,
    CaseBasedDiscussionForm,
    EvaluationForm,
    FeedbackForm,
    MoveDayForm,
    PresentationAssessmentForm,
    PresentationDayForm,
    ReflectiveEntryForm,
    ResponseForm,
    ShareResultsForm,
    SlotTitleForm,
    capability_forms,
    slot_forms,
)
from .models import ReflectiveEntry, evaluation_weeks
from .rules import can_log_reflective_entry, is_pd_of_cohort

# Landing page ------------------------------------------------------------------------------


def index(request):
    """End of rotation: what the signed-in person can do here, from every role they hold."""
    user = request.user
    cohorts = []
    for cohort in selectors.pd_cohorts(user).prefetch_related("presentation_days"):
        days = [d for d in cohort.presentation_days.all() if not d.is_cancelled]
        cohorts.append({"cohort": cohort, "day": days[0] if days else None})
    return render(request, "assessments/index.html", {
        "cohorts": cohorts,
        "own": list(selectors.own_placements(user)),
        "supervised": list(selectors.es_placements(user)),
        "upcoming": selectors.upcoming_presentations_for(user),
    })


# Presentation day (PD) -----------------------------------------------------------------------


def presentation_schedule(request, cohort_id):
    cohort = selectors.pd_cohort_for(request.user, cohort_id)
    day = selectors.scheduled_day(cohort)
    if day is not None:
        return redirect("presentation_day", day.pk)
    placements = selectors.cohort_placements(cohort)
    data = request.POST if request.method == "POST" else None
    # The Wednesday of week 16, the cohort's usual teaching day, as a suggestion.
    default_date = cohort.monday_of_week(16) + datetime.timedelta(days=2)
    form = PresentationDayForm(data, initial={"date": default_date, "start_time": "13:30",
                                              "end_time": "16:30",
                                              "venue": cohort.teaching_venue})
    slots = slot_forms(placements, data)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in slots):
        try:
            day = services.presentation_day_schedule(
                cohort=cohort, organiser=request.user, slots=[f.spec() for f in slots],
                **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"The presentation day is scheduled. "
                                      f"{day.invitations.count()} people have been sent the "
                                      "calendar invitation.")
            return redirect("presentation_day", day.pk)
    return render(request, "assessments/presentation_schedule.html", {
        "cohort": cohort, "form": form, "slot_forms": slots,
        "error_items": error_summary_items(form, *slots),
        "past_days": cohort.presentation_days.filter(status="cancelled")})


def presentation_day(request, day_id):
    day = selectors.presentation_day_for_pd(request.user, day_id)
    sheet = selectors.attendance_sheet(day)
    return render(request, "assessments/presentation_day.html", {
        "day": day, "cohort": day.cohort, "today": timezone.localdate(), **sheet,
        "conflicts": selectors.conflicts_on(day, [slot.placement for slot in sheet["slots"]])})


def presentation_day_move(request, day_id):
    day = selectors.presentation_day_for_pd(request.user, day_id)
    form = MoveDayForm(request.POST or None, initial={
        "date": day.date, "start_time": day.start_time, "end_time": day.end_time,
        "venue": day.venue, "online_url": day.online_url, "notes": day.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_day_move(day=day, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The presentation day has changed. Everyone invited has "
                                      "been sent the updated calendar invitation.")
            return redirect("presentation_day", day.pk)
    return render(request, "assessments/presentation_day_move.html", {"day": day, "form": form})


def presentation_slots_edit(request, day_id):
    day = selectors.presentation_day_for_pd(request.user, day_id)
    placements = selectors.cohort_placements(day.cohort)
    data = request.POST if request.method == "POST" else None
    slots = slot_forms(placements, data, day_start=day.start_time, slots=selectors.day_slots(day))
    refused = Refusal()
    if request.method == "POST" and all(f.is_valid() for f in slots):
        with service_refusal() as refused:
            services.presentation_slots_update(day=day, by=request.user,
                                               slots=[f.spec() for f in slots])
        if not refused:
            messages.success(request, "The running order is saved.")
            return redirect("presentation_day", day.pk)
    error_items = error_summary_items(*slots) + refused.summary_items
    return render(request, "assessments/presentation_slots.html", {
        "day": day, "slot_forms": slots, "error_items": error_items})


def presentation_day_cancel(request, day_id):
    day = selectors.presentation_day_for_pd(request.user, day_id)
    form = CancelDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_day_cancel(day=day, by=request.user,
                                             reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The presentation day is cancelled. Everyone invited has "
                                      "been sent a calendar cancellation.")
            return redirect("presentation_schedule", day.cohort_id)
    return render(request, "assessments/presentation_day_cancel.html", {"day": day, "form": form})


@require_POST
def presentation_chase(request, day_id):
    day = selectors.presentation_day_for_pd(request.user, day_id)
    with service_refusal(request) as refused:
        chased = services.presentation_invitations_chase(day=day, by=request.user)
    if not refused:
        if chased:
            messages.success(request, f"A reminder has been emailed to {chased} "
                                      f"{'person' if chased == 1 else 'people'} who had not "
                                      "replied.")
        else:
            messages.info(request, "Nobody to remind: everyone has replied or was already "
                                   "reminded today.")
    return redirect("presentation_day", day.pk)


def presentation_attendance(request, day_id):
    day = selectors.presentation_day_for_pd(request.user, day_id)
    sheet = selectors.attendance_sheet(day)
    form = AttendanceForm(request.POST or None, invitations=sheet["invitations"])
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_attendance_record(day=day, by=request.user, marks=form.marks())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Attendance is saved.")
            return redirect("presentation_day", day.pk)
    return render(request, "assessments/presentation_attendance.html", {
        "day": day, "form": form, "today": timezone.localdate(), **sheet})


def presentation_slot_title(request, slot_id):
    slot = selectors.slot_for_title(request.user, slot_id)
    form = SlotTitleForm(request.POST or None, initial={"title": slot.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_slot_title_set(slot=slot, title=form.cleaned_data["title"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The title of the presentation is saved.")
            if is_pd_of_cohort(request.user, slot.day.cohort):
                return redirect("presentation_day", slot.day_id)
            return redirect("assessments_index")
    return render(request, "assessments/presentation_slot_title.html", {"slot": slot, "form": form})


# Invitations and feedback (everyone invited) ------------------------------------------------


def presentation_invitations(request):
    """The days to come and those of the last four weeks, then the earlier ones, 20 a page (on
    the pages after the first, only those)."""
    today = timezone.localdate()
    page = page_of(selectors.earlier_invitations(request.user, today), request,
                   per_page=selectors.INVITATIONS_PAGE_SIZE)
    rows = selectors.invitation_sections(request.user, page.object_list,
                                         first_page=page.number == 1, today=today)
    weeks = selectors.RECENT.days // 7
    sections = [{"id": "earlier", "heading": "Earlier invitations", "rows": rows["earlier"],
                 "paged": True}]
    if page.number == 1:
        sections[:0] = [
            {"id": "upcoming", "heading": "Coming up", "rows": rows["upcoming"],
             "empty": "You have no presentation days coming up."},
            {"id": "recent", "heading": f"In the last {weeks} weeks", "rows": rows["recent"]}]
    return render(request, "assessments/presentation_invitations.html", {
        "page": page, "weeks": weeks, "any": any(section["rows"] for section in sections),
        "sections": [section for section in sections if section["rows"] or "empty" in section]})


@require_POST
def presentation_invitation_respond(request, invitation_id):
    invitation = selectors.invitation_for(request.user, invitation_id)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose attending or apologies.")
        return redirect("presentation_invitations")
    with service_refusal(request) as refused:
        services.presentation_invitation_respond(invitation=invitation,
                                                 response=form.cleaned_data["response"])
    if not refused:
        messages.success(request, f"Thank you: your reply ({invitation.get_response_display()}) "
                                  "is saved.")
    return redirect("presentation_invitations")


def presentation_feedback_give(request, slot_id):
    slot = selectors.slot_for_feedback(request.user, slot_id)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_feedback_give(slot=slot, giver=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Thank you: your feedback to "
                                      f"{slot.placement.trainee.full_name} is saved.")
            return redirect("presentation_invitations")
    return render(request, "assessments/presentation_feedback_give.html",
                  {"slot": slot, "form": form})


def presentation_feedback(request, placement_id):
    placement = selectors.placement_for_feedback(request.user, placement_id)
    return render(request, "assessments/presentation_feedback.html", {
        "placement": placement, **selectors.feedback_for(request.user, placement)})


# Assessments (marks: trainee, ES, PDs; recording: PDs) --------------------------------------


def assessment_detail(request, placement_id):
    placement = selectors.placement_for_marks(request.user, placement_id)
    can_assess = is_pd_of_cohort(request.user, placement.cohort)
    slot = selectors.own_slot(placement) if can_assess else None
    return render(request, "assessments/assessment_detail.html", {
        "placement": placement, "can_assess": can_assess,
        "conflicts": (selectors.conflicts_on(slot.day, [placement], person=request.user)
                      if slot else []),
        "refusal": selectors.assessment_refusal(request.user, placement) if can_assess else "",
        **selectors.assessments_of(placement)})


def presentation_assessment_record(request, placement_id):
    placement = selectors.placement_for_assessor(request.user, placement_id)
    current = selectors.assessments_of(placement)["presentation_assessment"]
    initial = ({name: getattr(current, name) for name in
                ("relevance", "leadership", "communication", "outcome", "feedback")}
               if current else None)
    form = PresentationAssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_assessment_record(placement=placement, by=request.user,
                                                    **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The presentation assessment is recorded. The trainee and "
                                      "their Educational Supervisor have been told.")
            return redirect("assessment_detail", placement.pk)
    return render(request, "assessments/presentation_assessment_form.html", {
        "placement": placement, "form": form,
        "not_presented": selectors.not_yet_presented(placement),
        "feedback": selectors.feedback_summary(selectors.own_slot(placement))})


def cbd_record(request, placement_id):
    placement = selectors.placement_for_assessor(request.user, placement_id)
    current = selectors.assessments_of(placement)["cbd"]
    data = request.POST if request.method == "POST" else None
    form = CaseBasedDiscussionForm(data, initial=(
        {"case": current.case, "outcome": current.outcome, "feedback": current.feedback}
        if current else None))
    grades = capability_forms(data, current.capabilities.all() if current else ())
    if request.method == "POST" and form.is_valid() and all(g.is_valid() for g in grades):
        try:
            services.case_based_discussion_record(
                placement=placement, by=request.user,
                capabilities=[spec for spec in (g.spec() for g in grades) if spec],
                **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The Case-based Discussion is recorded. The trainee and "
                                      "their Educational Supervisor have been told.")
            return redirect("assessment_detail", placement.pk)
    return render(request, "assessments/cbd_form.html", {
        "placement": placement, "form": form, "capability_forms": grades,
        "not_presented": selectors.not_yet_presented(placement),
        "error_items": error_summary_items(form, *grades)})


def end_of_rotation_pdf(request, placement_id):
    placement = selectors.placement_for_marks(request.user, placement_id)
    response = pdf_response(request, end_of_rotation_html(
        record=selectors.end_of_rotation_record(placement)))
    name = slugify(f"clic-end-of-rotation-{placement.trainee.full_name}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# Reflective entries -------------------------------------------------------------------------


def reflective_entries(request, placement_id):
    placement = selectors.placement_for_reflections(request.user, placement_id)
    can_log = can_log_reflective_entry(request.user, placement)
    today = timezone.localdate()
    form = ReflectiveEntryForm(request.POST or None, initial={"date": today})
    if request.method == "POST":
        if not can_log:
            raise Http404
        if form.is_valid():
            try:
                services.reflective_entry_log(placement=placement, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "The entry is logged.")
                return redirect("reflective_entries", placement.pk)
    return render(request, "assessments/reflective_entries.html", {
        "placement": placement, "form": form if can_log else None,
        "weeks": selectors.reflective_weeks(placement, today),
        "entries": selectors.reflective_entries_of(placement)})


def reflective_entry_delete(request, entry_id):
    """Removing an entry has its own page, away from the form that logs one; only its POST
    removes."""
    entry = get_object_or_404(ReflectiveEntry.objects.filter(placement__trainee=request.user),
                              pk=entry_id)
    if request.method == "POST":
        services.reflective_entry_delete(entry=entry)
        messages.success(request, "The entry is removed from the log.")
        return redirect("reflective_entries", entry.placement_id)
    return render(request, "assessments/reflective_entry_delete.html", {"entry": entry})


def reflective_overview(request, cohort_id):
    cohort = selectors.pd_cohort_for(request.user, cohort_id)
    return render(request, "assessments/reflective_overview.html", {
        "cohort": cohort, **selectors.reflective_overview(cohort)})


# Programme evaluation ---------------------------------------------------------------------------


def evaluation_results(request, cohort_id):
    cohort = selectors.pd_cohort_for(request.user, cohort_id)
    evaluation = selectors.evaluation_round_of(cohort)
    return render(request, "assessments/evaluation_results.html", {
        "cohort": cohort, "results": selectors.evaluation_results(evaluation),
        "evaluation_week": evaluation_weeks(cohort)[0],
        "shares": evaluation.shares.select_related("sent_by") if evaluation else [],
        "share_form": ShareResultsForm()})


def evaluation_open(request, cohort_id):
    """Opening the evaluation emails the cohort's trainees: a confirmation page lists those
    who have not had the link, and only its POST sends."""
    cohort = selectors.pd_cohort_for(request.user, cohort_id)
    plan = selectors.evaluation_open_plan(cohort)
    evaluation = selectors.evaluation_round_of(cohort)
    already = _opened_before(evaluation) if evaluation and not plan.emails else ""
    if request.method == "POST":
        if already:
            messages.info(request, already)
        else:
            services.evaluation_open(cohort=cohort, by=request.user)
            messages.success(request, "The evaluation is open: the trainees listed are being "
                                      "emailed the link.")
        return redirect("evaluation_results", cohort.pk)
    return render(request, "assessments/evaluation_open.html", {
        "cohort": cohort, "plan": plan, "evaluation": evaluation, "already": already,
        "evaluation_week": evaluation_weeks(cohort)[0]})


def _opened_before(evaluation) -> str:
    return done_before("Every trainee has had the link. The evaluation was opened",
                       when=evaluation.opened_at,
                       by=evaluation.opened_by or "the weekly schedule")


def evaluation_share(request, cohort_id):
    """Sharing the results emails every trainee and stakeholder of the cohort: a confirmation
    page lists them with the message, and only its "confirm" button sends."""
    cohort = selectors.pd_cohort_for(request.user, cohort_id)
    evaluation = selectors.evaluation_round_of(cohort)
    if evaluation is None:
        raise Http404
    form = ShareResultsForm(request.POST if request.method == "POST" else None)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    results = selectors.evaluation_results(evaluation)
    earlier = selectors.evaluation_results_shared(evaluation, results["answered"])
    already = done_before(
        f"The results with {earlier.response_count} answer{pluralize(earlier.response_count)} "
        "were already sent", when=earlier.sent_at, by=earlier.sent_by) if earlier else ""
    if request.method == "POST" and "confirm" in request.POST:
        if already:
            messages.info(request, already)
            return redirect("evaluation_results", cohort.pk)
        with service_refusal(request) as refused:
            services.evaluation_results_share(evaluation=evaluation, by=request.user,
                                              message=message)
        if not refused:
            messages.success(request, "The results summary has been emailed to the people "
                                      "listed.")
        return redirect("evaluation_results", cohort.pk)
    plan = (email_plan([selectors.evaluation_results_notice(evaluation, results=results,
                                                            message=message)])
            if results["answered"] and not already else email_plan([]))
    return render(request, "assessments/evaluation_share.html", {
        "cohort": cohort, "form": form, "message": message, "plan": plan, "already": already,
        "results": results})


def evaluation_answer(request, cohort_id):
    placement = selectors.evaluation_placement_for(request.user, cohort_id)
    evaluation = selectors.evaluation_round_of(placement.cohort)
    answered = hasattr(placement, "evaluation_completion")
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_answer(placement=placement, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your answers are saved, without your name.")
            return redirect("evaluation_answer", cohort_id)
    return render(request, "assessments/evaluation_answer.html", {
        "placement": placement, "evaluation": evaluation, "answered": answered, "form": form,
        "evaluation_week": evaluation_weeks(placement.cohort)[0]})
