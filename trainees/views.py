from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from clic.forms import apply_service_errors, service_refusal
from clic.mail.services import outbox_dry_run
from clic.paging import page_of
from rotations import rules as rotation_rules
from rotations.selectors import cohort_to_manage, placement_sessions, session_scope

from . import services
from .forms import PlacementForm, TraineeForm, TraineeUploadConfirmForm, TraineeUploadForm
from .importers import COLUMNS, parse_trainees_text, read_trainees_csv, template_csv
from .selectors import earlier_placements, placement_for, placement_to_manage, trainee_overview


def trainee_add(request, pk):
    cohort = cohort_to_manage(request.user, pk)
    form = TraineeForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.trainee_enrol(cohort=cohort, row=form.row(), by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error, by_field=False)
        else:
            messages.success(request, f"{placement.trainee} added to {cohort}."
                             + (" Their timetable is made and the SOP emails are queued."
                                if cohort.is_published else ""))
            if "add_another" in request.POST:
                return redirect("trainee_add", cohort.pk)
            return redirect("cohort_detail", cohort.pk)
    return render(request, "trainees/trainee_add.html", {"cohort": cohort, "form": form})


def trainees_upload(request, pk):
    """Upload and check: a file without problems leads to a page listing every email
    importing it would send (invitations to new people; on a published timetable, the SOP
    emails), from a dry run of the import itself. Nothing is saved or sent here."""
    cohort = cohort_to_manage(request.user, pk)
    form = TraineeUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        text, problems = read_trainees_csv(form.cleaned_data["file"])
        if text is not None:
            rows, problems = parse_trainees_text(text, cohort=cohort)
        if not problems:
            with service_refusal() as refused:
                emails = outbox_dry_run(lambda: services.placements_import(
                    cohort=cohort, rows=rows, by=request.user))
            problems = _file_problems(refused)
            if not refused:
                return render(request, "trainees/trainees_upload_confirm.html", {
                    "cohort": cohort, "rows": rows, "emails": emails,
                    "form": TraineeUploadConfirmForm(initial={"csv_text": text})})
    return _upload_page(request, cohort, form, problems)


def trainees_upload_confirm(request, pk):
    """Import the checked file the confirmation page sent back, and send its emails."""
    cohort = cohort_to_manage(request.user, pk)
    if request.method != "POST":
        return redirect("trainees_upload", cohort.pk)
    form = TraineeUploadConfirmForm(request.POST)
    if not form.is_valid():
        return _upload_page(request, cohort, TraineeUploadForm(), [
            {"line": 0, "column": "File", "message": "The checked file did not come back "
                                                      "whole: upload it again."}])
    rows, problems = parse_trainees_text(form.cleaned_data["csv_text"], cohort=cohort)
    if not problems:
        with service_refusal() as refused:
            placements = services.placements_import(cohort=cohort, rows=rows, by=request.user)
        problems = _file_problems(refused)
        if not refused:
            messages.success(request, f"{len(placements)} trainee"
                             f"{'' if len(placements) == 1 else 's'} added to {cohort}. "
                             "The emails listed are being sent.")
            return redirect("cohort_detail", cohort.pk)
    return _upload_page(request, cohort, TraineeUploadForm(), problems)


def _file_problems(refused) -> list[dict]:
    return [{"line": 0, "column": "File", "message": m} for m in refused.messages]


def _upload_page(request, cohort, form, problems):
    return render(request, "trainees/trainees_upload.html", {
        "cohort": cohort, "form": form, "problems": problems, "columns": COLUMNS},
        status=400 if request.method == "POST" else 200)


def trainees_template(request):
    if not rotation_rules.can_list_cohorts(request.user):
        raise Http404
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="clic-trainees-template.csv"'
    return response


def placement_detail(request, pk):
    placement = placement_for(request.user, pk)
    # Each person sees the sessions their diary shows: CCG people the CCG days only.
    sessions = (placement_sessions(placement).filter(session_scope(request.user))
                if placement.cohort.is_published else [])
    return render(request, "trainees/placement_detail.html", {
        "placement": placement, "cohort": placement.cohort,
        "can_manage": rotation_rules.can_manage_cohort(request.user, placement.cohort),
        "sessions": sessions})


def trainee_page(request, pk):
    """One trainee, everything the person asking may see of them (each section as that
    app's own pages scope it); anyone who may not see the trainee gets 404."""
    placement = placement_for(request.user, pk)
    return render(request, "trainees/trainee_page.html", {
        "placement": placement, "cohort": placement.cohort,
        **trainee_overview(request.user, placement, timezone.localdate())})


def placement_edit(request, pk):
    placement = placement_to_manage(request.user, pk)
    form = PlacementForm(request.POST or None, placement=placement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.placement_update(
                placement=placement, by=request.user, practice=data["practice"],
                educational_supervisor=data["educational_supervisor"],
                ccg_supervisor=data["ccg_supervisor"], project_lead=data["project_lead"],
                project_day=data["project_day"], agreed_by_pd=data["agreed_by_pd"],
                agreed_by_es=data["agreed_by_es"],
                agreed_by_supervisor=data["agreed_by_supervisor"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The placement is saved.")
            return redirect("placement_detail", placement.pk)
    return render(request, "trainees/placement_edit.html", {
        "placement": placement, "cohort": placement.cohort, "form": form})


def earlier_trainees(request):
    """The trainees of a person's earlier cohorts (the home page lists current ones)."""
    page = page_of(earlier_placements(request.user, timezone.localdate()), request)
    return render(request, "trainees/earlier.html", {"page": page,
                                                     "placements": page.object_list})
