from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, require_POST

from clic.forms import apply_service_errors, service_refusal
from clic.mail.notices import done_before
from clic.pdf import background_pdf_download, background_pdf_page, pdf_response
from trainees.selectors import placement_for

from . import feeds, rules, selectors, services
from .diary import diary_month, diary_week, only_cohort, only_placement
from .exporters import PORTFOLIO_STYLESHEET, portfolio_html
from .forms import (
    CancelForm,
    CohortForm,
    SessionForm,
    TemplateCopyForm,
    TemplateEditor,
    date_from_query,
)
from .models import CohortChange, Session
from .timetable import week_outline

# Cohorts -----------------------------------------------------------------------------------

def cohort_list(request):
    if not rules.can_list_cohorts(request.user):
        raise Http404
    cohorts = selectors.cohorts_visible_to(request.user).order_by("-start_date", "name")
    return render(request, "rotations/cohort_list.html", {
        "cohorts": cohorts, "can_create": rules.can_create_cohort(request.user)})


def cohort_create(request):
    if not rules.can_create_cohort(request.user):
        raise Http404
    form = CohortForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = services.cohort_create(
                name=data["name"], programme=data["programme"], ccg=data["ccg"],
                start_date=data["start_date"], directors=data["directors"],
                als_facilitator=data["als_facilitator"], teaching_venue=data["teaching_venue"],
                ccg_venue=data["ccg_venue"], template_version=data["template_version"],
                by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{cohort} created. Now add its trainees.")
            return redirect("cohort_detail", cohort.pk)
    return render(request, "rotations/cohort_form.html", {"form": form, "cohort": None})


def cohort_detail(request, pk):
    cohort = selectors.cohort_page_for(request.user, pk)
    return render(request, "rotations/cohort_detail.html", {
        "cohort": cohort, "placements": selectors.cohort_placements(cohort),
        "directors": cohort.directors.all(),
        "can_manage": rules.can_manage_cohort(request.user, cohort),
        "changes": selectors.cohort_changes(cohort)[:5],
        "packs": cohort.packs.all()[:3]})


def cohort_edit(request, pk):
    cohort = selectors.cohort_to_manage(request.user, pk)
    form = CohortForm(request.POST or None, user=request.user, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cohort_update(
                cohort=cohort, by=request.user, name=data["name"], ccg=data["ccg"],
                start_date=data["start_date"], directors=data["directors"],
                als_facilitator=data["als_facilitator"], teaching_venue=data["teaching_venue"],
                ccg_venue=data["ccg_venue"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "The cohort's details are saved.")
            return redirect("cohort_detail", cohort.pk)
    return render(request, "rotations/cohort_form.html", {"form": form, "cohort": cohort})


def cohort_publish(request, pk):
    """A confirmation page listing every email publishing sends; only its POST publishes."""
    cohort = selectors.cohort_to_manage(request.user, pk)
    errors = []
    if request.method == "POST":
        if cohort.is_published:
            messages.info(request, _already_published(cohort))
            return redirect("cohort_detail", cohort.pk)
        with service_refusal() as refused:
            services.cohort_publish(cohort=cohort, by=request.user)
        errors = refused.summary_items
        if not refused:
            messages.success(request, "The timetable is published. The emails listed are "
                                      "being sent.")
            return redirect("cohort_detail", cohort.pk)
    return render(request, "rotations/cohort_publish.html", {
        "cohort": cohort, "plan": selectors.cohort_publish_plan(cohort), "errors": errors,
        "already": _already_published(cohort) if cohort.is_published else ""})


def _already_published(cohort) -> str:
    return done_before("The timetable was already published", when=cohort.published_at,
                       by=cohort.published_by)


def cohort_changes(request, pk):
    cohort = selectors.cohort_for(request.user, pk)
    return render(request, "rotations/cohort_changes.html", {
        "cohort": cohort, "changes": selectors.cohort_changes(cohort)})


# The cohort's timetable and its sessions ---------------------------------------------------

def cohort_timetable(request, pk):
    """One week of the cohort's timetable at a time (this week while the rotation runs)."""
    cohort = selectors.cohort_for(request.user, pk)
    week = request.GET.get("week", "")
    week = int(week) if week.isdecimal() and 1 <= int(week) <= cohort.weeks else (
        cohort.week_of(timezone.localdate()) or 1)
    return render(request, "rotations/cohort_timetable.html", {
        "cohort": cohort, "week": week, "weeks": range(1, cohort.weeks + 1),
        "sessions": selectors.cohort_sessions(cohort).filter(week=week),
        "can_edit": rules.can_edit_timetable(request.user, cohort)})


def cohort_timetable_overview(request, pk):
    """All 16 weeks at a glance, a row a week, marking who is away on each session."""
    cohort = selectors.cohort_for(request.user, pk)
    return render(request, "rotations/cohort_timetable_overview.html", {
        "cohort": cohort, "weeks": selectors.timetable_overview(request.user, cohort)
        if cohort.is_published else []})


def _timetable_url(cohort_id, week) -> str:
    return reverse("cohort_timetable", args=[cohort_id]) + f"?week={week}"


def session_edit(request, pk, session_pk):
    session = selectors.session_to_manage(request.user, pk, session_pk)
    if session.kind == session.Kind.BANK_HOLIDAY:
        raise Http404
    form = SessionForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.session_update(session=session, by=request.user,
                                              **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if changed:
                messages.success(request, "Session changed. The people affected are being "
                                          "emailed the updated calendar entry (S10).")
            else:
                messages.info(request, "Nothing changed, so nobody was emailed.")
            return redirect(_timetable_url(pk, session.week))
    return render(request, "rotations/session_edit.html", {
        "session": session, "cohort": session.cohort, "form": form})


def session_cancel(request, pk, session_pk):
    return _session_status_change(request, pk, session_pk, status=Session.Status.CANCELLED)


def session_reinstate(request, pk, session_pk):
    return _session_status_change(request, pk, session_pk, status=Session.Status.SCHEDULED)


def _session_status_change(request, pk, session_pk, *, status):
    """Cancelling or reinstating a session tells everyone it concerns: its own page lists
    them first, and only its POST changes the session."""
    session = selectors.session_to_manage(request.user, pk, session_pk)
    if session.kind == session.Kind.BANK_HOLIDAY:
        raise Http404
    cancelling = status == Session.Status.CANCELLED
    posted = request.POST if request.method == "POST" else None
    form = CancelForm(posted) if cancelling else forms.Form(posted)
    already = _already_changed(session, status) if session.status == status else ""
    if request.method == "POST":
        if already:
            messages.info(request, already)
            return redirect(_timetable_url(pk, session.week))
        if form.is_valid():
            try:
                changed = (services.session_cancel(session=session, by=request.user,
                                                   reason=form.cleaned_data["reason"])
                           if cancelling else
                           services.session_reinstate(session=session, by=request.user))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                session.refresh_from_db()
                messages.success(request, f"Session {'cancelled' if cancelling else 'reinstated'}"
                                          ". The people listed are being told." if changed
                                 else _already_changed(session, status))
                return redirect(_timetable_url(pk, session.week))
    return render(request, "rotations/session_status.html", {
        "session": session, "cohort": session.cohort, "form": form, "already": already,
        "cancelling": cancelling, "plan": selectors.session_status_plan(session, status)})


def _already_changed(session, status) -> str:
    cancelled = status == Session.Status.CANCELLED
    change = selectors.session_last_change(
        session, CohortChange.Action.SESSION_CANCELLED if cancelled
        else CohortChange.Action.SESSION_REINSTATED)
    if change is None:
        return (f"The session is already {'cancelled' if cancelled else 'scheduled'}: "
                "nothing was sent.")
    return done_before(f"The session was already {'cancelled' if cancelled else 'reinstated'}",
                       when=change.created_at, by=change.actor)


# Timetable PDFs ----------------------------------------------------------------------------

def placement_timetable_pdf(request, pk):
    placement = placement_for(request.user, pk)
    filename = f"clic-timetable-{placement.trainee.full_name or placement.trainee.pk}.pdf"
    response = pdf_response(request, portfolio_html(placement), stylesheet=PORTFOLIO_STYLESHEET)
    response["Content-Disposition"] = (
        'inline; filename="' + "".join(c if c.isalnum() or c in "-." else "-"
                                       for c in filename) + '"')
    return response


@require_POST
def pack_request(request, pk):
    cohort = selectors.cohort_for(request.user, pk)
    pack = services.timetable_pack_request(cohort=cohort, by=request.user)
    return redirect("pack_detail", cohort.pk, pack.pk)


def pack_detail(request, pk, pack_pk):
    pack = selectors.pack_for(request.user, pk, pack_pk)
    return background_pdf_page(request, "rotations/pack_detail.html",
                               {"pack": pack, "cohort": pack.cohort}, build=pack)


@require_POST
def pack_retry(request, pk, pack_pk):
    pack = selectors.pack_for(request.user, pk, pack_pk)
    services.timetable_pack_retry(pack=pack)
    return redirect("pack_detail", pk, pack.pk)


def pack_download(request, pk, pack_pk):
    pack = selectors.pack_for(request.user, pk, pack_pk)
    return background_pdf_download(pack, filename=f"clic-timetables-{pack.cohort.pk}.pdf")


# Diary -------------------------------------------------------------------------------------

def _diary_scope(request) -> dict:
    """The whole diary, or one trainee's (?placement=) or one cohort's (?cohort=); a
    placement or cohort the person may not see is 404."""
    placement_id, cohort_id = request.GET.get("placement"), request.GET.get("cohort")
    if placement_id:
        if not placement_id.isdecimal():
            raise Http404
        placement = placement_for(request.user, placement_id)
        return {"keep": only_placement(placement), "subject": placement.trainee,
                "query": f"&placement={placement.pk}", "placement": placement}
    if cohort_id:
        if not cohort_id.isdecimal():
            raise Http404
        cohort = selectors.cohort_for(request.user, cohort_id)
        trainee_ids = set(cohort.placements.values_list("trainee_id", flat=True))
        return {"keep": only_cohort(cohort, trainee_ids), "subject": cohort,
                "query": f"&cohort={cohort.pk}", "cohort": cohort}
    return {"keep": None, "subject": None, "query": ""}


def diary_week_view(request):
    scope = _diary_scope(request)
    day = date_from_query(request.GET.get("date"), timezone.localdate())
    week = diary_week(request.user, day, scope["keep"])
    return render(request, "rotations/diary_week.html", {
        "week": week, "today": timezone.localdate(), "view": "week", "scope": scope})


def diary_month_view(request):
    scope = _diary_scope(request)
    day = date_from_query(request.GET.get("date"), timezone.localdate())
    month = diary_month(request.user, day, scope["keep"])
    return render(request, "rotations/diary_month.html", {
        "month": month, "today": timezone.localdate(), "view": "month", "scope": scope})


# Calendar feeds ----------------------------------------------------------------------------

def feed_url(user) -> str:
    return settings.SITE_URL + reverse("calendar_feed", args=[user.calendar_token])


def calendar_subscribe(request):
    url = feed_url(request.user)
    return render(request, "rotations/calendar_subscribe.html", {
        "feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1]})


def _feed_state(request, token):
    """The feed's owner and ETag/Last-Modified, worked out once per request."""
    state = getattr(request, "_clic_feed", None)
    if state is None:
        user = selectors.user_for_calendar_token(token)
        if user is None:
            raise Http404
        today = timezone.localdate()
        state = {"user": user, "today": today, "state": feeds.feed_state(user, today)}
        request._clic_feed = state
    return state


def _feed_etag(request, token):
    return _feed_state(request, token)["state"].etag


def _feed_last_modified(request, token):
    return _feed_state(request, token)["state"].last_modified


# A feed's body is kept under its ETag: building it again for a calendar that has no copy
# yet (or polls without If-None-Match) costs most of a request. The ETag changes with
# anything the feed's sources fingerprint, so a kept body is never out of date in what a
# conditional request would notice; an hour bounds the rest (a renamed person).
FEED_CACHE_SECONDS = 3600


@login_not_required
@condition(etag_func=_feed_etag, last_modified_func=_feed_last_modified)
def calendar_feed(request, token):
    """A person's timetable as an iCalendar feed, at a secret address; no login."""
    state = _feed_state(request, token)
    content = cache.get_or_set(
        f"clic:feed:{state['state'].etag}",
        lambda: feeds.feed_content(state["user"], state["today"], state["state"].rows),
        FEED_CACHE_SECONDS)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="clic-timetable.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# Programme templates -----------------------------------------------------------------------

def template_list(request):
    if not rules.can_manage_templates(request.user):
        raise Http404
    return render(request, "rotations/template_list.html", {
        "templates": selectors.templates_visible_to(request.user)})


def template_detail(request, pk):
    if not rules.can_manage_templates(request.user):
        raise Http404
    template = selectors.template_for(request.user, pk)
    versions = selectors.template_versions(template)
    return render(request, "rotations/template_detail.html", {
        "template": template, "versions": versions, "latest": versions[0],
        "outline": week_outline(versions[0])})


def template_edit(request, pk):
    """The template's settings, teaching sessions and weeks, with a preview of every week
    before anything is saved ("Preview" checks and draws; "Save" saves)."""
    if not rules.can_manage_templates(request.user):
        raise Http404
    template = selectors.template_to_edit(request.user, pk)
    latest = selectors.template_versions(template)[0]
    editor = TemplateEditor(request.POST or None, version=latest)
    preview = None
    if request.method == "POST" and editor.is_valid():
        if request.POST.get("action") == "save":
            try:
                version, is_new = services.template_version_save(
                    template=template, by=request.user, **editor.content())
            except ValidationError as error:
                editor.apply_errors(error.message_dict)
            else:
                messages.success(request, (
                    f"Saved as version {version.number}. Cohorts planned from version "
                    f"{latest.number} keep it." if is_new else
                    f"Version {version.number} saved."))
                return redirect("template_detail", template.pk)
        else:
            preview = week_outline(editor.preview())
    return render(request, "rotations/template_form.html", {
        "template": template, "latest": latest, "editor": editor, "preview": preview,
        "cohorts_using": list(latest.cohorts.all())})


def template_copy(request, pk):
    if not rules.can_manage_templates(request.user):
        raise Http404
    template = selectors.template_for(request.user, pk)
    source = selectors.template_versions(template)[0]
    form = TemplateCopyForm(request.POST or None, user=request.user,
                            initial={"name": f"Copy of {template.name}"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.template_copy(source=source, programme=form.cleaned_data["programme"],
                                          name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{copy} started from {source}. Change it here.")
            return redirect("template_edit", copy.pk)
    return render(request, "rotations/template_copy.html", {
        "template": template, "source": source, "form": form})
