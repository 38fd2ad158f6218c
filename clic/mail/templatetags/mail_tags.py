from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import localtime

from clic.mail.models import OutboundEmail
from clic.templatetags.clic_dates import short_datetime

register = template.Library()

_TAG_COLOURS = {OutboundEmail.Status.SENT: "nhsuk-tag--green",
                OutboundEmail.Status.FAILED: "nhsuk-tag--red",
                OutboundEmail.Status.SENDING: "nhsuk-tag--blue"}

_HEADING = '<span class="nhsuk-table-responsive__heading" aria-hidden="true">'
_CELL = f'<td class="nhsuk-table__cell">{_HEADING}'


@register.simple_tag
def status_tag(email):
    """An email's status as an NHS.UK tag; the words carry the meaning, not the colour.
    A tag, not an included template: the outbox writes fifty a page, and as includes they
    took a millisecond of its render."""
    return format_html('<strong class="nhsuk-tag {}">{}</strong>',
                       _TAG_COLOURS.get(email.status, "nhsuk-tag--grey"),
                       email.get_status_display())


def _when(value) -> str:
    return short_datetime(localtime(value)) if value else ""


@register.simple_tag(takes_context=True)
def outbox_rows(context, emails, can_resend):
    """The outbox table's rows, written in one pass: as a template loop their twenty-odd
    lookups, filters and {% url %}s a row were two-thirds of the page's CPU. Every value
    from the database goes through conditional_escape, as autoescaping would."""
    request = context["request"]
    # One reverse() each for the page rather than one a row.
    detail_before, detail_after = reverse("mail_outbox_detail", args=[0]).rsplit("0", 1)
    resend_before, resend_after = reverse("mail_outbox_resend", args=[0]).rsplit("0", 1)
    resend_fields = None
    esc = conditional_escape
    rows = []
    for email in emails:
        to_email = esc(email.to_email)
        subject = esc(email.subject)
        to = f"{esc(email.to_name)}<br>{to_email}" if email.to_name else to_email
        if email.recipient_roles:
            to += f'<br><span class="nhsuk-body-s">{esc(email.recipient_roles)}</span>'
        about = (f'<br><span class="nhsuk-body-s">About {esc(email.placement.trainee.full_name)}</span>'
                 if email.placement else "")
        resend = ""
        if can_resend and email.status == OutboundEmail.Status.FAILED:
            if resend_fields is None:
                # Django's own {% csrf_token %}, rendered once for the page.
                resend_fields = (
                    CsrfTokenNode().render(context)
                    + f'<input type="hidden" name="next" value="{esc(request.get_full_path())}">')
            resend = (
                f'<form method="post" action="{resend_before}{email.pk}{resend_after}">'
                f'{resend_fields}'
                '<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" '
                'type="submit">Send again<span class="nhsuk-u-visually-hidden"> to '
                f'{to_email}: {subject}</span></button></form>')
        last_error = (f'{_HEADING}Last error </span>{esc(Truncator(email.last_error).chars(160))}'
                      if email.last_error else "")
        rows.append(
            '<tr class="nhsuk-table__row">'
            f'{_CELL}Created </span>{_when(email.created_at)}</td>'
            f'{_CELL}SOP code </span>{esc(email.code)}</td>'
            f'{_CELL}To </span>{to}</td>'
            f'{_CELL}Subject </span><a href="{detail_before}{email.pk}{detail_after}">{subject}</a>'
            f'{about}</td>'
            f'{_CELL}Status </span>{status_tag(email)}{resend}</td>'
            f'{_CELL}Sent </span>{_when(email.sent_at) or "Not yet"}</td>'
            f'{_CELL}Attempts </span>{email.attempts}</td>'
            f'<td class="nhsuk-table__cell">{last_error}</td></tr>')
    return mark_safe("".join(rows))
