import datetime
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clic.audit import services as audit
from clic.paging import page_of

from . import dashboard, rules, selectors, services, wording
from .exporters import programme_csv as programme_csv_text
from .exporters import register_csv
from .forms import AbsenceForm, CloseForm, DecisionForm, ProgrammeFilterForm
from .models import Absence

KIND_SLUGS = {
    "sickness": Absence.Kind.SICKNESS,
    "annual-leave": Absence.Kind.ANNUAL_LEAVE,
    "study-leave": Absence.Kind.STUDY_LEAVE,
    "cannot-attend": Absence.Kind.CANNOT_ATTEND,
    "running-late": Absence.Kind.RUNNING_LATE,
}
SLUG_FOR_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
KIND_INTROS = {
    Absence.Kind.SICKNESS: ("Report sickness", "Off sick today, or from a date. If you do not "
                            "know when you will be back, tell us when you are."),
    Absence.Kind.ANNUAL_LEAVE: ("Request annual leave", "Organise it first with your GP "
                                "practice; a Programme Director decides."),
    Absence.Kind.STUDY_LEAVE: ("Request study leave", "A Programme Director decides."),
    Absence.Kind.CANNOT_ATTEND: ("Say you cannot attend a session", "Wednesday teaching, the "
                                 "action learning set or the presentations."),
    Absence.Kind.RUNNING_LATE: ("Say you are running late", "For a session or meeting today."),
}


def _date_param(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _kind_from_slug(slug: str) -> str:
    try:
        return KIND_SLUGS[slug]
    except KeyError:
        raise Http404 from None


def report_start(request):
    """What do you need to tell us? A trainee's own placement, or ?placement= for PAs/PDs."""
    placement_id = request.GET.get("placement")
    if placement_id and placement_id.isdecimal():
        placement = selectors.placement_to_report_for(request.user, int(placement_id))
    else:
        placement = selectors.current_placement_of(request.user, timezone.localdate())
    if placement is None:
        if rules.can_view_programme_absences(request.user):
            return redirect("absences:programme")
        raise Http404
    day = _date_param(request.GET.get("date"))
    slug = request.GET.get("kind", "")
    if slug in KIND_SLUGS:
        url = reverse("absences:report", args=[placement.pk, slug])
        return redirect(f"{url}?date={day.isoformat()}" if day else url)
    choices = [{"slug": SLUG_FOR_KIND[kind], "title": KIND_INTROS[kind][0],
                "hint": KIND_INTROS[kind][1]} for kind in Absence.Kind.values]
    return render(request, "absences/start.html", {
        "placement": placement, "choices": choices, "day": day,
        "on_behalf": placement.trainee_id != request.user.pk})


def _form_page(request, *, placement, kind, instance=None):
    """Report (or correct) in two steps without JavaScript: the form, then a preview that
    says exactly who will be emailed about which days; "Confirm and send" saves and sends."""
    today = timezone.localdate()
    initial = {}
    if instance is None:
        day = _date_param(request.GET.get("date")) or today
        initial = {"first_day": day, "last_day": day, "part": Absence.Part.DAY}
    else:
        initial = {"first_day": instance.first_day, "last_day": instance.last_day,
                   "part": instance.part, "session": instance.session_id,
                   "expected_arrival": instance.expected_arrival, "note": instance.note}
    data = request.POST if request.method == "POST" else None
    form = AbsenceForm(data, initial=initial, placement=placement, kind=kind, actor=request.user,
                       instance=instance, today=today)
    context = {"form": form, "placement": placement, "kind": kind, "instance": instance,
               "kind_label": Absence.Kind(kind).label,
               "title": (f"Change: {instance.get_kind_display().lower()}" if instance
                         else KIND_INTROS[kind][0]),
               "on_behalf": placement.trainee_id != request.user.pk,
               "from_mailbox": not rules.can_report_for(request.user, placement),
               "may_be_told": wording.who_may_be_told(placement, kind, reporter=request.user)}
    # A preview confirmed again after its report was saved (a second click, a second tab):
    # its form now finds the days reported, and the person is shown the report made.
    confirmed_before = (request.method == "POST" and "confirm" in request.POST
                        and instance is None and not form.is_valid()
                        and selectors.report_of_submission(
                            placement, _submission(request.POST.get("submission"))))
    if confirmed_before:
        messages.success(request, _sent_message(confirmed_before, None,
                                                from_mailbox=context["from_mailbox"]))
        return redirect("absences:detail", confirmed_before.pk)
    if request.method == "POST" and "change" not in request.POST and form.is_valid():
        if "confirm" in request.POST:
            try:
                absence = _save(form, request.user, instance,
                                submission=_submission(request.POST.get("submission")))
            except services.AbsenceRefused as refused:
                form.add_error(refused.field if refused.field in form.fields else None,
                               refused.message)
                form.existing = refused.existing
            else:
                messages.success(request, _sent_message(absence, instance,
                                                        from_mailbox=context["from_mailbox"]))
                return redirect("absences:detail", absence.pk)
        else:
            if instance is None:
                notices = services.report_notices(placement=placement, plan=form.plan)
            else:
                notices = services.change_notices(
                    absence=instance, plan=form.plan, today=today,
                    expected_arrival=form.cleaned_data.get("expected_arrival"))
            context["told"] = wording.who_is_told(placement, notices, reporter=request.user)
            context["plan"] = form.plan
            context["submission"] = uuid.uuid4()
            return render(request, "absences/preview.html", context)
    return render(request, "absences/report.html", context)


def _submission(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _save(form, user, instance, *, submission):
    arguments = form.service_arguments()
    if instance is None:
        return services.absence_report(placement=form.placement, kind=form.kind,
                                       reported_by=user, submission=submission, **arguments)
    arguments.pop("meeting")  # a late note stays with its meeting
    return services.absence_update(absence=instance, changed_by=user, **arguments)


def _sent_message(absence: Absence, instance, *, from_mailbox: bool) -> str:
    if from_mailbox:
        return ("Recorded. Everyone named on the previous page has been emailed, and the "
                "Programme Administrator can see who recorded it.")
    if instance is not None:
        return "Your change is saved. The people told of this report have been emailed."
    if absence.kind in (Absence.Kind.ANNUAL_LEAVE, Absence.Kind.STUDY_LEAVE):
        return "Your request is sent. You will be emailed the decision."
    return "Sent. The people listed below have been emailed."


def report(request, placement_id, kind_slug):
    kind = _kind_from_slug(kind_slug)
    placement = selectors.placement_to_report_for(request.user, placement_id, kind=kind)
    return _form_page(request, placement=placement, kind=kind)


def change(request, pk):
    absence = selectors.absence_to_change(request.user, pk)
    if not rules.can_change(request.user, absence):
        messages.info(request, "This report has been withdrawn or declined and cannot be changed.")
        return redirect("absences:detail", absence.pk)
    if request.method == "GET":
        _record_sickness_viewed(request.user, absence, "the page to change it")
    return _form_page(request, placement=absence.placement, kind=absence.kind, instance=absence)


def _record_sickness_viewed(user, absence: Absence, where: str) -> None:
    """Someone other than the trainee looked at a sickness record: the audit log keeps it."""
    if absence.kind == Absence.Kind.SICKNESS and absence.placement.trainee_id != user.pk:
        audit.record(actor=user, action=audit.VIEWED, obj=absence,
                     summary=f"Sickness absence seen on {where}")


def detail(request, pk):
    view = selectors.absence_for(request.user, pk)
    absence = view.absence
    user = request.user
    _record_sickness_viewed(user, absence, "its page" if view.full else "its page (CCG days)")
    return render(request, "absences/detail.html", {
        "view": view, "absence": absence,
        "emails": selectors.absence_emails(user, absence) if view.full else [],
        "events": absence.events.select_related("actor") if view.full else [],
        "can_change": view.full and rules.can_change(user, absence),
        "can_close": view.full and rules.can_close(user, absence),
        "can_decide": view.full and rules.can_decide(user, absence),
        "decides_as_pd": rules.decides_as_pd(user, absence.placement),
    })


@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    absence = selectors.absence_to_change(request.user, pk)
    if not rules.can_withdraw(request.user, absence):
        messages.info(request, "This report has already been withdrawn or declined.")
        return redirect("absences:detail", absence.pk)
    if request.method == "POST":
        try:
            services.absence_withdraw(absence=absence, withdrawn_by=request.user)
        except services.AbsenceRefused as refused:  # withdrawn meanwhile (a second click)
            messages.info(request, refused.message)
        else:
            messages.success(request, "The report is withdrawn. The people told of it have "
                                      "been emailed.")
        return redirect("absences:detail", absence.pk)
    told = wording.who_is_told(absence.placement,
                                 services.withdraw_notices(absence=absence),
                                 reporter=request.user)
    return render(request, "absences/withdraw.html", {"absence": absence, "told": told})


@require_http_methods(["GET", "POST"])
def back(request, pk):
    """ "I'm back": give an open-ended sickness its last day, in two steps without
    JavaScript: the day, then a preview naming everyone who will be emailed."""
    absence = selectors.absence_to_change(request.user, pk)
    if not rules.can_close(request.user, absence):
        if absence.last_day is not None and request.method == "POST":
            return redirect("absences:detail", absence.pk)  # closed meanwhile (a second click)
        raise Http404
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    form = CloseForm(request.POST if request.method == "POST" and "change" not in request.POST
                     else None, initial={"last_day": request.POST.get("last_day")
                                         or max(yesterday, absence.first_day)})
    context = {"absence": absence, "form": form}
    if form.is_bound and form.is_valid():
        last_day = form.cleaned_data["last_day"]
        try:
            if "confirm" in request.POST:
                services.sickness_close(absence=absence, last_day=last_day,
                                        closed_by=request.user, today=today)
                messages.success(request, "Welcome back. The people told of your sickness have "
                                          "been emailed its last day.")
                return redirect("absences:detail", absence.pk)
            plan = services.close_check(absence=absence, last_day=last_day,
                                        closed_by=request.user, today=today)
        except services.AbsenceRefused as refused:
            form.add_error("last_day", refused.message)
        else:
            context["told"] = wording.who_is_told(
                absence.placement, services.change_notices(absence=absence, plan=plan, today=today),
                reporter=request.user)
            context["last_day"] = last_day
            return render(request, "absences/back_preview.html", context)
    return render(request, "absences/back.html", context)


@require_http_methods(["GET", "POST"])
def decide(request, pk):
    absence = selectors.absence_to_change(request.user, pk)
    if not rules.can_decide(request.user, absence):
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.leave_decide(absence=absence, approve=approve,
                                  comment=form.cleaned_data["comment"], decided_by=request.user)
        except services.AbsenceRefused as refused:
            form.add_error("comment", refused.message)
        else:
            messages.success(request, f"The request is {'approved' if approve else 'declined'}. "
                                      "Everyone named on the decision page has been emailed.")
            return redirect("absences:detail", absence.pk)
    view = selectors.absence_for(request.user, pk)
    return render(request, "absences/decide.html", {
        "absence": absence, "view": view, "form": form,
        "told": wording.who_is_told(absence.placement,
                                      services.decision_notices(absence=absence),
                                      reporter=request.user),
        "as_pd": rules.decides_as_pd(request.user, absence.placement),
        "teaching_missed": selectors.educational_sessions_missed(absence, view.routing)})


def mine(request):
    """A trainee's own reports; PDs/PAs and CCG staff are sent to their own views."""
    placement = selectors.current_placement_of(request.user, timezone.localdate())
    if placement is None:
        if rules.can_view_programme_absences(request.user):
            return redirect("absences:programme")
        if rules.can_view_ccg_dashboard(request.user):
            return redirect("absences:ccg")
        raise Http404
    absences = list(selectors.own_absences(request.user))
    return render(request, "absences/mine.html", {
        "placement": placement, "absences": absences,
        "open_sickness": [a for a in absences if a.is_open and a.state == Absence.State.REPORTED],
        "choices": [{"slug": SLUG_FOR_KIND[k], "title": KIND_INTROS[k][0]}
                    for k in Absence.Kind.values]})


def _programme_absences(request):
    """The programme absences page's filters and what they select (the page and its CSV)."""
    if not rules.can_view_programme_absences(request.user):
        raise Http404
    today = timezone.localdate()
    cohorts, placements = selectors.programme_scope(request.user)
    form = ProgrammeFilterForm(request.GET or None, cohorts=cohorts, placements=placements,
                               today=today)
    filters = form.filters()
    # The trainees shown are those the trainee select offers: the chosen cohort's (even when
    # another filter is invalid, as the cohort select still shows it), else the current
    # cohorts'.
    result = selectors.programme_absences(
        request.user, placements=list(form.fields["trainee"].options()),
        placement_id=filters["trainee"].pk if filters["trainee"] else None,
        kind=filters["kind"], start=filters["start"], end=filters["end"],
        today=today)
    return form, filters, result


def programme(request):
    """PD/PA: the absences of their current cohorts, or of one cohort of theirs, filtered,
    with totals and emails; the reports a page at a time."""
    form, filters, result = _programme_absences(request)
    if filters["trainee"] and filters["kind"] in ("", Absence.Kind.SICKNESS):
        # One trainee's absences, sickness among them: as much a look at their sickness
        # records as opening one.
        audit.record(actor=request.user, action=audit.VIEWED, obj=filters["trainee"],
                     object_type="sickness records",
                     summary="A trainee's absences listed on the programme's absences page")
    return render(request, "absences/programme.html", {
        "form": form, "result": result, "page": page_of(result.absences, request),
        "shown_cohort": form.chosen_cohort, "csv_query": request.GET.urlencode(),
    })


def programme_csv(request):
    """PD/PA: what the programme absences page shows, with its filters, as a CSV file (one
    row per day; no notes). Each cohort exported is noted in the audit log."""
    _, _, result = _programme_absences(request)
    for cohort in {a.placement.cohort for a in result.absences}:
        audit.record(actor=request.user, action=audit.VIEWED, obj=cohort,
                     object_type="sickness records",
                     summary="Programme absences exported as CSV")
    response = HttpResponse(programme_csv_text(result.absences),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="programme-absences-{timezone.localdate():%Y-%m-%d}.csv"')
    response["Cache-Control"] = "private, no-store"
    return response


def _month_param(value: str | None) -> datetime.date | None:
    try:
        month = datetime.datetime.strptime(value, "%Y-%m").date() if value else None
    except ValueError:
        return None
    # The page links to the month before and after: both must be dates too.
    return month if month is None or datetime.MINYEAR < month.year < datetime.MAXYEAR else None


def _int_param(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() else None


def ccg(request):
    """CCG admin / Deputy Clinical Chair: who is away on a CCG day, in one word."""
    board = dashboard.ccg_dashboard(request.user,
                                    cohort_id=_int_param(request.GET.get("cohort")),
                                    month=_month_param(request.GET.get("month")))
    return render(request, "absences/ccg.html", {
        "dashboard": board,
        "records_from_mailbox": board.cohort is not None and rules.is_ccg_admin_of(
            request.user, board.cohort.ccg_id)})


def supervised(request):
    """CCG Supervisor / Project Lead: their trainees' absences on CCG project days."""
    today = timezone.localdate()
    rows = dashboard.supervised_absences(request.user, today)
    return render(request, "absences/supervised.html", {"sections": [
        ("Today and coming up", [r for r in rows if r.date >= today]),
        ("Earlier, latest first", [r for r in reversed(rows) if r.date < today])]})


def ccg_register(request):
    today = timezone.localdate()
    rows = dashboard.ccg_register(request.user, today)
    response = HttpResponse(register_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ccg-absence-register-{today:%Y-%m-%d}.csv"')
    response["Cache-Control"] = "private, no-store"
    return response
