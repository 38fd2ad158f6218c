from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clic.paging import page_of

from . import services
from .catalogue import CATALOGUE, RECIPIENT_DESCRIPTIONS, is_confidential, reply_to_descriptions
from .examples import example_email
from .forms import OutboxFilterForm
from .rules import can_resend, can_view_catalogue, can_view_outbox
from .selectors import (
    outbox_email_for,
    outbox_filter,
    outbox_filter_choices,
    outbox_visible_to,
    with_trainees,
)


def _require(allowed: bool):
    if not allowed:
        raise Http404


def outbox(request):
    _require(can_view_outbox(request.user))
    form = OutboxFilterForm(request.GET or None, **outbox_filter_choices(request.user))
    filters = form.filters()
    emails = outbox_filter(outbox_visible_to(request.user, cohort=filters.pop("cohort")),
                           **filters)
    page = page_of(emails, request)
    rows = with_trainees(page.object_list, form.fields["placement"].options())
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
    """Who is told what: every row of the SOP with its wording for an invented trainee."""
    _require(can_view_catalogue(request.user))
    rows = [{"row": row, "recipients": [RECIPIENT_DESCRIPTIONS[r] for r in row.recipients],
             "reply_to": reply_to_descriptions(row), "example": example_email(row)}
            for row in CATALOGUE]
    return render(request, "mail/catalogue.html", {"rows": rows})
