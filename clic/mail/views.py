from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clic.accounts.models import Role
from clic.paging import page_of

from . import services
from .catalogue import (
    CATALOGUE,
    RECIPIENT_DESCRIPTIONS,
    is_confidential,
    reply_to_descriptions,
    row_for,
)
from .examples import example_email
from .forms import OutboxFilterForm, RoutingRowForm
from .routing import TABLE_CODES, current_table, edited_row, offered_names, with_rules
from .rules import MANAGER_ROLES, can_edit_routing, can_resend, can_view_catalogue, can_view_outbox
from .selectors import (
    cohorts_using_routing,
    outbox_email_for,
    outbox_filter,
    outbox_filter_choices,
    outbox_rows_of,
    outbox_visible_to,
    routing_example_placement,
    routing_programme_for,
    routing_programmes_for,
    routing_versions,
    with_trainees,
)
from .services import sop_addressees


def _require(allowed: bool):
    if not allowed:
        raise Http404


def outbox(request):
    _require(can_view_outbox(request.user))
    form = OutboxFilterForm(request.GET or None, **outbox_filter_choices(
        request.user, asked_cohort=request.GET.get("cohort")))
    filters = form.filters()
    emails = outbox_filter(outbox_visible_to(request.user, cohort=filters.pop("cohort")),
                           **filters)
    page = page_of(emails, request)
    rows = with_trainees(outbox_rows_of(page.object_list), form.fields["placement"].options())
    return render(request, "mail/outbox.html", {
        "form": form, "page": page, "emails": rows,
        "can_resend": can_view_catalogue(request.user),
    })


def outbox_detail(request, pk):
    _require(can_view_outbox(request.user))
    email = outbox_email_for(request.user, pk)
    return render(request, "mail/outbox_detail.html", {
        "email": email, "can_resend": can_resend(request.user, email),
        "show_body": not is_confidential(email.code),
    })


@require_POST
def outbox_resend(request, pk):
    _require(can_view_outbox(request.user))
    email = outbox_email_for(request.user, pk)
    _require(can_view_catalogue(request.user))
    if not can_resend(request.user, email):
        messages.error(request, "Only a failed email can be sent again.")
    else:
        try:
            services.outbox_email_resend(email=email, by=request.user)
        except services.EmailNotResendable:
            messages.error(request, "Only a failed email can be sent again.")
        else:
            messages.success(request, f"The email to {email.to_email} is queued to be sent again.")
    next_url = request.POST.get("next", "")
    # Only a path of this site: redirect() would try to reverse anything else as a view name.
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(next_url)
    return redirect("mail_outbox_detail", pk=email.pk)


def catalogue(request):
    """Who is told what, for the first of the person's programmes (the page links the rest)."""
    _require(can_view_catalogue(request.user))
    programmes = list(routing_programmes_for(request.user, *MANAGER_ROLES))
    return _routing_page(request, programmes[0] if programmes else None, programmes)


def routing_table(request, programme_id):
    _require(can_view_catalogue(request.user))
    programmes = list(routing_programmes_for(request.user, *MANAGER_ROLES))
    programme = next((p for p in programmes if p.pk == programme_id), None)
    _require(programme is not None)
    return _routing_page(request, programme, programmes)


def _routing_page(request, programme, programmes):
    """Every row of the programme's table as its emails follow it now, with its wording for
    an invented trainee, and the table's versions."""
    table = current_table(programme.pk if programme else None)
    table_rows = {row.code: row for row in table.rows.all()}
    can_edit = programme is not None and can_edit_routing(request.user, programme)
    rows = []
    for catalogue_row in CATALOGUE:
        table_row = table_rows.get(catalogue_row.code)
        row = (with_rules(catalogue_row, table_row.recipients, table_row.reply_to)
               if table_row else catalogue_row)
        rows.append({"row": row, "recipients": [RECIPIENT_DESCRIPTIONS[r] for r in row.recipients],
                     "reply_to": reply_to_descriptions(row), "example": example_email(row, table_row),
                     "editable": can_edit and table_row is not None})
    return render(request, "mail/catalogue.html", {
        "rows": rows, "programme": programme, "programmes": programmes, "table": table,
        "versions": routing_versions(programme) if programme else [table], "can_edit": can_edit,
        "cohorts": cohorts_using_routing(programme) if programme else [],
    })


def routing_row_edit(request, programme_id, code):
    """A PD edits one event's row: see the example email with the edit, then save it as a
    new version of the programme's table."""
    programme = routing_programme_for(request.user, programme_id, Role.PD)
    _require(code in TABLE_CODES and can_edit_routing(request.user, programme))
    catalogue_row = row_for(code)
    table = current_table(programme.pk)
    current = table.rows.get(code=code)
    form = RoutingRowForm(request.POST or None, catalogue_row=catalogue_row, initial={
        "recipients": current.recipients, "reply_to": current.reply_to,
        "subject": current.subject_template, "text": current.text_template})
    candidate = current
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if request.POST.get("action") == "save" and request.POST.get("previewed") == form.digest():
            try:
                saved = services.routing_row_save(
                    programme=programme, code=code,
                    recipients=values.get("recipients", current.recipients),
                    reply_to=values["reply_to"], subject=values["subject"], text=values["text"],
                    by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _saved_message(saved, table, programme))
                return redirect("mail_routing_table", programme_id=programme.pk)
        elif request.POST.get("action") == "save":
            messages.info(request, "The email changed after its preview: check the example "
                                   "below, then save.")
        candidate = edited_row(current, table, recipients=values.get(
            "recipients", current.recipients), reply_to=values["reply_to"],
            subject=values["subject"], text=values["text"])
    row = with_rules(catalogue_row, candidate.recipients, candidate.reply_to)
    placement = routing_example_placement(programme)
    return render(request, "mail/routing_row_edit.html", {
        "form": form, "programme": programme, "row": row, "table": table,
        "previewed": form.digest() if form.is_bound and form.is_valid() else "",
        "example": example_email(row, candidate) if not form.errors else None,
        "html_from_text": not candidate.html_template,
        "example_placement": placement,
        "addressees": (sop_addressees(code=code, placement=placement,
                                      recipients_override=row.recipients)
                       if placement is not None and not row.recipients_from_event else []),
        "reply_to": reply_to_descriptions(row),
        "variables": offered_names(catalogue_row),
        "cohorts": cohorts_using_routing(programme),
    })


def _saved_message(saved, before, programme) -> str:
    if saved.pk == before.pk:
        return f"Nothing changed: the table stays at {before.label}."
    running = cohorts_using_routing(programme)
    said = f"Saved as version {saved.version} of {programme.name}'s table: {saved.change}"
    if running:
        names = ", ".join(cohort.name for cohort in running)
        said += (f" A new version, because running cohorts use this table ({names}): their "
                 f"emails follow version {saved.version} from now on; emails already sent keep "
                 "the version that sent them.")
    return said
