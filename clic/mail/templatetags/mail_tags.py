from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timezone import get_current_timezone, localtime

from clic.mail.models import OutboundEmail, version_label
from clic.templatetags.clic_dates import short_datetime

register = template.Library()

_TAG_COLOURS = {OutboundEmail.Status.SENT: "nhsuk-tag--green",
                OutboundEmail.Status.FAILED: "nhsuk-tag--red",
                OutboundEmail.Status.SENDING: "nhsuk-tag--blue"}


def _status_tag(status, label):
    return format_html('<strong class="nhsuk-tag {}">{}</strong>',
                       _TAG_COLOURS.get(status, "nhsuk-tag--grey"), label)


@register.simple_tag
def status_tag(email):
    """An email's status as an NHS.UK tag; the words carry the meaning, not the colour."""
    return _status_tag(email.status, email.get_status_display())


_ROW = ('<tr class="nhsuk-table__row">'
        + "".join(f'<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" '
                  f'aria-hidden="true">{heading} </span>{{}}</td>'
                  for heading in ("Created", "SOP code", "To", "Subject", "Status", "Sent",
                                  "Attempts"))
        + '<td class="nhsuk-table__cell">{}</td></tr>')


# The To cell by whether the email has a name and recipient roles: the name, the address,
# the roles.
_TO = {(False, False): "{1}", (True, False): "{0}<br>{1}",
       (False, True): '{1}<br><span class="nhsuk-body-s">{2}</span>',
       (True, True): '{0}<br>{1}<br><span class="nhsuk-body-s">{2}</span>'}
# The Subject cell by whether the email is about a trainee: the link around the email's id,
# the subject, the trainee.
_SUBJECT = {False: '<a href="{0}{1}{2}">{3}</a>',
            True: '<a href="{0}{1}{2}">{3}</a><br><span class="nhsuk-body-s">About {4}</span>'}


@register.simple_tag(takes_context=True)
def outbox_rows(context, emails, can_resend):
    """The outbox table's rows (mail.selectors.outbox_rows_of, with_trainees), each written
    with format_html (which escapes every value as autoescaping would) rather than as a
    template loop of twenty-odd lookups, filters and {% url %}s a row. `make bench`,
    7 December 2026, national size: "PD: outbox, one cohort" 6.7x the floor as a template
    loop (the aim is at most 6x), 4.8x with this tag. What is the same on every row (the
    links around the email's id, the four status tags) is written once a page."""
    # One reverse() each for the page rather than one a row.
    detail = [conditional_escape(part)
              for part in reverse("mail_outbox_detail", args=[0]).rsplit("0", 1)]
    resend = reverse("mail_outbox_resend", args=[0]).rsplit("0", 1)
    resend_fields = None
    code_cells = {}
    # The time zone looked up once for the page's hundred times, not once for each.
    zone = get_current_timezone()

    def when(value) -> str:
        return short_datetime(localtime(value, zone)) if value else ""

    status_tags = {status: _status_tag(status, label)
                   for status, label in OutboundEmail.Status.choices}

    def row(email):
        nonlocal resend_fields
        to = format_html(_TO[bool(email["to_name"]), bool(email["recipient_roles"])],
                         email["to_name"], email["to_email"], email["recipient_roles"])
        status = status_tags[email["status"]]
        if can_resend and email["status"] == OutboundEmail.Status.FAILED:
            if resend_fields is None:
                # Django's own {% csrf_token %}, rendered once for the page.
                resend_fields = format_html(
                    '{}<input type="hidden" name="next" value="{}">',
                    CsrfTokenNode().render(context), context["request"].get_full_path())
            status = format_html(
                '{}<form method="post" action="{}{}{}">{}<button class="nhsuk-button '
                'nhsuk-button--secondary nhsuk-button--small" type="submit">Send again<span '
                'class="nhsuk-u-visually-hidden"> to {}: {}</span></button></form>',
                status, resend[0], email["pk"], resend[1], resend_fields, email["to_email"],
                email["subject"])
        last_error = (format_html('<span class="nhsuk-table-responsive__heading" '
                                  'aria-hidden="true">Last error </span>{}',
                                  Truncator(email["last_error"]).chars(160))
                      if email["last_error"] else "")
        subject = format_html(_SUBJECT[email["placement_id"] is not None], detail[0], email["pk"],
                              detail[1], email["subject"], email["trainee_name"])
        # The table version that routed it (outbox_rows_of joins it), the same on many rows.
        code_key = (email["code"], email["routing_table__programme_id"],
                    email["routing_table__version"])
        if code_key not in code_cells:
            code_cells[code_key] = (
                format_html('{}<br><span class="nhsuk-body-s">Table {}</span>', email["code"],
                            version_label(programme_id=email["routing_table__programme_id"],
                                          version=email["routing_table__version"]))
                if email["routing_table__version"] is not None else email["code"])
        return (when(email["created_at"]), code_cells[code_key], to, subject, status,
                when(email["sent_at"]) or "Not yet", email["attempts"], last_error)

    return format_html_join("", _ROW, (row(email) for email in emails))
