"""Thin views: fetch through a selector scoped to the person (outsiders get 404), check the
rule, call a service, render. Every page needs a login (the default middleware)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from clic.accounts.models import Role
from clic.forms import apply_service_errors, service_refusal
from clic.mail.notices import done_before, email_plan
from clic.mail.services import sop_addressees
from clic.paging import page_of

from . import rules, selectors, services
from .forms import (
    ConcernForm,
    ConcernUpdateForm,
    HRChecklistForm,
    MeetingRecordForm,
    MeetingScheduleForm,
    ProgressCommentForm,
    ProgressEntryForm,
    ProjectForm,
    ProjectLeadForm,
    SummariesForm,
)
from .models import HR_ITEMS, Meeting, Project, meeting_spec
from .validators import kind_for_name


def _placement(request, placement_id, rule=rules.can_view_project):
    return selectors.project_placement_for(request.user, placement_id, rule)


def _posted(request, files=False) -> tuple:
    """A form's data (and files): bound on POST even when nothing was filled in."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def post_only(view):
    """Like require_POST, but an outsider gets 404 whatever the method, never a 405 that
    says the URL exists."""
    @wraps(view)
    def wrapper(request, placement_id, *args, **kwargs):
        _placement(request, placement_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, placement_id, *args, **kwargs)

    return wrapper


def _allow(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _context(request, placement, **extra) -> dict:
    """What every project page shows: the placement and its tabs."""
    user = request.user
    show_concerns = rules.can_see_concerns_page(user, placement)
    if show_concerns and Role.TRAINEE in rules.relations(user, placement):
        # The trainee has the tab only once a concern is shared with them.
        show_concerns = placement.concerns.filter(shared_with_trainee=True).exists()
    return {"placement": placement, "trainee": placement.trainee,
            "show_concerns": show_concerns, **extra}


# The supervisor's list ----------------------------------------------------------------------


def supervision_list(request):
    if not rules.can_open_supervision_list(request.user):
        raise Http404("No trainees to supervise.")
    rows = selectors.supervision_rows(request.user, timezone.localdate())
    return render(request, "projects/supervision_list.html", {"rows": rows})


# Project ------------------------------------------------------------------------------------


def project_detail(request, placement_id):
    placement = _placement(request, placement_id)
    user = request.user
    today = timezone.localdate()
    plan = selectors.meeting_plan(placement, today)
    return render(request, "projects/project_detail.html", _context(
        request, placement, project=selectors.project_of(placement),
        checklist=selectors.hr_checklist_of(placement), next_meeting=selectors.next_meeting(plan),
        overdue_meetings=[item for item in plan if item.is_overdue],
        week=placement.cohort.week_of(today),
        can_edit=rules.can_edit_project(user, placement),
        can_agree=rules.can_agree_project(user, placement),
        can_start=rules.can_start_project(user, placement),
        can_complete=rules.can_complete_project(user, placement),
        can_confirm=rules.can_confirm_project(user, placement),
        can_assign_lead=rules.can_assign_project_lead(user, placement)))


def project_edit(request, placement_id):
    placement = _placement(request, placement_id)
    _allow(rules.can_edit_project(request.user, placement))
    project = selectors.project_of(placement)
    if project is not None and project.status == Project.Status.COMPLETED:
        messages.error(request, "A completed project can no longer be changed.")
        return redirect("project_detail", placement.pk)
    form = ProjectForm(*_posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        was = project.status if project else None
        try:
            saved = services.project_save(placement=placement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if was is None:
                messages.success(request, "Your project is proposed. Your CCG Supervisor will "
                                          "agree it.")
            elif was != saved.status:
                messages.success(request, "Your changes are saved. As they change what the "
                                          "project is, your CCG Supervisor needs to agree it "
                                          "again.")
            else:
                messages.success(request, "Your project is saved.")
            return redirect("project_detail", placement.pk)
    return render(request, "projects/project_edit.html",
                  _context(request, placement, form=form, project=project))


_PROJECT_ACTIONS = {
    "agree": (services.project_agree,
              "The project is agreed. The trainee and the Programme Directors are emailed."),
    "start": (services.project_start, "The project is in progress."),
    "complete": (services.project_complete, "The project is completed."),
    "confirm": (services.project_confirm, "You have confirmed the project is appropriate."),
}


@post_only
def project_action(request, placement_id, action):
    placement = _placement(request, placement_id)
    project = selectors.project_of(placement)
    if project is None or action not in _PROJECT_ACTIONS:
        raise Http404("No such project action.")
    service, done = _PROJECT_ACTIONS[action]
    with service_refusal(request) as refused:
        service(project=project, by=request.user)
    if not refused:
        messages.success(request, done)
    return redirect("project_detail", placement.pk)


def project_lead(request, placement_id):
    placement = _placement(request, placement_id)
    _allow(rules.can_assign_project_lead(request.user, placement))
    leads = selectors.project_leads_at(placement.cohort.ccg)
    form = ProjectLeadForm(*_posted(request), leads=leads, ccg=placement.cohort.ccg,
                           initial={"lead": placement.project_lead_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["lead"]:
                placement = services.project_lead_assign(placement=placement, lead=data["lead"],
                                                         by=request.user)
            else:
                placement = services.project_lead_invite(
                    placement=placement, email=data["email"], full_name=data["full_name"],
                    job_title=data["job_title"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{placement.project_lead} is the Project Lead. They and "
                                      f"{placement.trainee} have been emailed.")
            return redirect("project_detail", placement.pk)
    return render(request, "projects/project_lead.html", _context(request, placement, form=form))


# Meetings -----------------------------------------------------------------------------------


def meeting_list(request, placement_id):
    placement = _placement(request, placement_id)
    prefetch_related_objects([placement], Prefetch(
        "meetings", queryset=Meeting.objects.prefetch_related("attendees")
        .select_related("recorded_by")))
    plan = selectors.meeting_plan(placement, timezone.localdate())
    return render(request, "projects/meeting_list.html", _context(
        request, placement, plan=plan, held=[item for item in plan if item.is_held],
        can_manage=rules.can_manage_meetings(request.user, placement)))


def _spec_or_404(placement, kind):
    spec = meeting_spec(placement.cohort, kind)
    if spec is None:
        raise Http404("No such meeting.")
    return spec


def meeting_schedule(request, placement_id, kind):
    placement = _placement(request, placement_id)
    _allow(rules.can_manage_meetings(request.user, placement))
    spec = _spec_or_404(placement, kind)
    meeting = placement.meetings.filter(kind=kind).prefetch_related("attendees").first()
    if meeting is not None and meeting.is_held:
        messages.info(request, "This meeting is already recorded as held.")
        return redirect("meeting_list", placement.pk)
    choices = selectors.meeting_attendee_choices(placement)
    chosen = (list(meeting.attendees.all()) if meeting
              else selectors.default_attendees(placement, spec))
    initial = {"attendees": [str(user.pk) for user in chosen],
               "date": meeting.date if meeting else spec.opens_on(placement.cohort),
               "start_time": meeting.start_time if meeting else None,
               "end_time": meeting.end_time if meeting else None,
               "venue": meeting.venue if meeting else placement.cohort.ccg_venue}
    form = MeetingScheduleForm(*_posted(request), attendee_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_schedule(placement=placement, kind=kind, by=request.user,
                                      **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{spec.label} is in the diary of everyone attending.")
            return redirect("meeting_list", placement.pk)
    return render(request, "projects/meeting_form.html", _context(
        request, placement, form=form, spec=spec, heading=f"Arrange: {spec.label}",
        due_by=spec.due_by(placement.cohort)))


def meeting_cancel(request, placement_id, kind):
    """Cancelling is a page of its own: what is cancelled, and who is emailed, then a button."""
    placement = _placement(request, placement_id)
    _allow(rules.can_manage_meetings(request.user, placement))
    spec = _spec_or_404(placement, kind)
    meeting = placement.meetings.filter(kind=kind).first()
    if meeting is None or meeting.is_held:
        raise Http404("No arranged meeting to cancel.")
    if request.method == "POST":
        with service_refusal(request) as refused:
            services.meeting_cancel(placement=placement, kind=kind, by=request.user)
        if not refused:
            messages.success(request, f"{spec.label} is cancelled and out of every diary.")
        return redirect("meeting_list", placement.pk)
    told = sop_addressees(code=services.MEETING_CANCELLED_CODE, placement=placement)
    return render(request, "projects/meeting_cancel.html", _context(
        request, placement, spec=spec, meeting=meeting, told=told))


def meeting_record(request, placement_id, kind):
    placement = _placement(request, placement_id)
    _allow(rules.can_manage_meetings(request.user, placement))
    spec = _spec_or_404(placement, kind)
    meeting = placement.meetings.filter(kind=kind).first()
    today = timezone.localdate()
    initial = {"held_on": meeting.date if meeting else min(today, placement.cohort.end_date)}
    if meeting is not None and meeting.is_held:
        initial.update(notes=meeting.notes, agreed_actions=meeting.agreed_actions)
    form = MeetingRecordForm(*_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(placement=placement, kind=kind, by=request.user,
                                    **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{spec.label} is recorded as held.")
            return redirect("meeting_list", placement.pk)
    return render(request, "projects/meeting_form.html", _context(
        request, placement, form=form, spec=spec, heading=f"Record: {spec.label}",
        due_by=spec.due_by(placement.cohort)))


# Progress log -------------------------------------------------------------------------------


def progress(request, placement_id):
    placement = _placement(request, placement_id)
    can_add = rules.can_add_progress(request.user, placement)
    form = None
    if can_add:
        form = ProgressEntryForm(*_posted(request), initial={"date": timezone.localdate()})
    if request.method == "POST":
        _allow(can_add)
        if form.is_valid():
            try:
                services.progress_add(placement=placement, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Your progress entry is added.")
                return redirect("progress", placement.pk)
    entries = list(selectors.progress_entries_of(placement))
    can_comment = rules.can_comment_progress(request.user, placement)
    if can_comment:
        for entry in entries:
            entry.comment_form = ProgressCommentForm(auto_id=f"id_entry{entry.pk}_%s")
    return render(request, "projects/progress.html", _context(
        request, placement, form=form, entries=entries, can_comment=can_comment))


@post_only
def progress_comment(request, placement_id, entry_id):
    placement = _placement(request, placement_id)
    _allow(rules.can_comment_progress(request.user, placement))
    entry = get_object_or_404(placement.progress_entries, pk=entry_id)
    form = ProgressCommentForm(request.POST)
    if form.is_valid():
        services.progress_comment_add(entry=entry, by=request.user, **form.cleaned_data)
        messages.success(request, "Your comment is added.")
    else:
        messages.error(request, "Enter your comment.")
    return redirect("progress", placement.pk)


# HR checklist -------------------------------------------------------------------------------


def hr_checklist(request, placement_id):
    placement = _placement(request, placement_id)
    checklist = selectors.hr_checklist_of(placement)
    can_edit = rules.can_edit_hr_checklist(request.user, placement)
    form = None
    if can_edit:
        form = HRChecklistForm(*_posted(request, files=True), checklist=checklist)
    if request.method == "POST":
        _allow(can_edit)
        if form.is_valid():
            today = timezone.localdate()
            try:
                services.hr_checklist_update(placement=placement, by=request.user,
                                             done=form.done(today),
                                             agreement=form.cleaned_data.get("agreement"))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Your HR checklist is saved.")
                return redirect("hr_checklist", placement.pk)
    return render(request, "projects/hr_checklist.html", _context(
        request, placement, checklist=checklist, items=checklist.items, form=form,
        hr_items=HR_ITEMS))


def _download(file_field, name: str):
    kind = kind_for_name(name)
    response = FileResponse(file_field.open("rb"), as_attachment=True, filename=name,
                            content_type=kind.mimetype if kind else "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


def hr_agreement_download(request, placement_id):
    placement = _placement(request, placement_id)
    checklist = selectors.hr_checklist_of(placement)
    if not checklist.confidentiality_agreement:
        raise Http404("No agreement uploaded.")
    return _download(checklist.confidentiality_agreement, checklist.confidentiality_agreement_name)


# Concerns -----------------------------------------------------------------------------------


def concerns_received(request):
    """Every concern sent to the person (S14, S15), across their trainees, a page at a time."""
    if not rules.can_open_concerns_received(request.user):
        raise Http404("No concerns are sent to you.")
    page = page_of(selectors.concerns_addressed_to(request.user), request)
    return render(request, "projects/concerns_received.html",
                  {"page": page, "concerns": page.object_list})


def concerns(request, placement_id):
    placement = _placement(request, placement_id, rules.can_see_concerns_page)
    return render(request, "projects/concerns.html", _context(
        request, placement, concerns=selectors.concerns_visible_to(request.user, placement),
        can_raise=rules.can_raise_concern(request.user, placement)))


def concern_raise(request, placement_id):
    placement = _placement(request, placement_id, rules.can_see_concerns_page)
    _allow(rules.can_raise_concern(request.user, placement))
    form = ConcernForm(*_posted(request))
    as_supervisor = rules.concern_role_for(request.user, placement) == Role.CCG_SUPERVISOR
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_raise(placement=placement, by=request.user,
                                             **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            told = ("the Programme Directors" if as_supervisor
                    else "the CCG Supervisor and the Deputy Clinical Chair")
            messages.success(request, f"The concern is raised and {told} have been emailed.")
            return redirect("concern_detail", placement.pk, concern.pk)
    return render(request, "projects/concern_raise.html", _context(
        request, placement, form=form, as_supervisor=as_supervisor))


def concern_detail(request, placement_id, concern_id):
    placement = _placement(request, placement_id, rules.can_see_concerns_page)
    concern = selectors.concern_for(request.user, placement, concern_id)
    can_update = rules.can_update_concern(request.user, concern)
    form = None
    if can_update:
        form = ConcernUpdateForm(*_posted(request), initial={"status": concern.status})
    if request.method == "POST":
        _allow(can_update)
        if form.is_valid():
            try:
                services.concern_update(concern=concern, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "The concern is updated.")
                return redirect("concern_detail", placement.pk, concern.pk)
    return render(request, "projects/concern_detail.html", _context(
        request, placement, concern=concern, form=form,
        can_share=rules.can_share_concern(request.user, concern)))


@post_only
def concern_share(request, placement_id, concern_id):
    placement = _placement(request, placement_id, rules.can_see_concerns_page)
    concern = selectors.concern_for(request.user, placement, concern_id)
    _allow(rules.can_share_concern(request.user, concern))
    shared = request.POST.get("shared") == "1"
    services.concern_share(concern=concern, by=request.user, shared=shared)
    messages.success(request, f"{placement.trainee} can now see this concern." if shared
                     else f"{placement.trainee} can no longer see this concern.")
    return redirect("concern_detail", placement.pk, concern.pk)


# Summaries ----------------------------------------------------------------------------------


def summaries(request, placement_id):
    placement = _placement(request, placement_id)
    can_upload = rules.can_upload_summaries(request.user, placement)
    form = None
    if can_upload:
        form = SummariesForm(*_posted(request, files=True))
    if request.method == "POST":
        _allow(can_upload)
        if form.is_valid():
            try:
                services.summaries_upload(placement=placement, by=request.user,
                                          **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Your summaries are uploaded and your CCG Supervisor "
                                          "and Project Lead have been emailed.")
                return redirect("summaries", placement.pk)
    uploads = list(selectors.summary_uploads_of(placement))
    latest = uploads[0] if uploads else None
    return render(request, "projects/summaries.html", _context(
        request, placement, form=form, uploads=uploads, latest=latest,
        latest_sent=latest and selectors.committee_submission_of(latest),
        submissions=selectors.committee_submissions_of(placement),
        can_submit=rules.can_submit_to_committee(request.user, placement),
        committee_email=placement.cohort.ccg.committee_email))


def summary_download(request, placement_id, upload_id, which):
    placement = _placement(request, placement_id)
    upload = get_object_or_404(placement.summary_uploads, pk=upload_id)
    if which == "outcome":
        return _download(upload.outcome_file, upload.outcome_name)
    if which == "slide":
        return _download(upload.slide_file, upload.slide_name)
    raise Http404("No such file.")


def committee_submit(request, placement_id):
    """The slide goes to an address outside the service: a confirmation page says what goes
    where, and only its POST sends (the version shown, even if a newer one arrives meanwhile)."""
    placement = _placement(request, placement_id)
    _allow(rules.can_submit_to_committee(request.user, placement))
    uploads = selectors.summary_uploads_of(placement)
    chosen = request.POST.get("upload", "")
    upload = (get_object_or_404(uploads, pk=chosen) if chosen.isdecimal()
              else uploads.first())
    earlier = selectors.committee_submission_of(upload) if upload else None
    errors = []
    if request.method == "POST":
        if earlier is not None:
            messages.info(request, _sent_before(earlier))
            return redirect("summaries", placement.pk)
        with service_refusal() as refused:
            submission = services.committee_submit(placement=placement, by=request.user,
                                                   upload=upload)
        errors = refused.summary_items
        if not refused:
            messages.success(request, f"The one-slide summary has been sent to "
                                      f"{submission.to_email}.")
            return redirect("summaries", placement.pk)
    committee_email = placement.cohort.ccg.committee_email
    plan = (email_plan([selectors.committee_notice(placement=placement, upload=upload)])
            if upload and committee_email and earlier is None else email_plan([]))
    return render(request, "projects/committee_submit.html", _context(
        request, placement, upload=upload, plan=plan, errors=errors,
        committee_email=committee_email, already=_sent_before(earlier) if earlier else ""))


def _sent_before(submission) -> str:
    return done_before(f"{submission.upload.slide_name} was already sent to "
                       f"{submission.to_email}", when=submission.submitted_at,
                       by=submission.submitted_by.full_name)

