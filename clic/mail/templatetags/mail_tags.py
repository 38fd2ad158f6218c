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


def _cell(heading: str, content: str) -> str:
    return (f'<td class="nhsuk-table__cell"><span class="nhsuk-table-responsive__heading" '
            f'aria-hidden="true">{heading} </span>{content}</td>')


# A row of the outbox table, its values named (format_html escapes each).
_ROW = ('<tr class="nhsuk-table__row">' + _cell("Created", "{created}")
        + _cell("SOP code", "{code}{table}") + _cell("To", "{to}")
        + _cell("Subject", '<a href="{detail_start}{pk}{detail_end}">{subject}</a>{about}')
        + _cell("Status", "{status}") + _cell("Sent", "{sent}")
        + _cell("Attempts", "{attempts}") + '<td class="nhsuk-table__cell">{last_error}</td></tr>')
# The To cell by whether the email has a name and recipient roles: the name, the address,
# the roles.
_TO = {(False, False): "{1}", (True, False): "{0}<br>{1}",
       (False, True): '{1}<br><span class="nhsuk-body-s">{2}</span>',
       (True, True): '{0}<br>{1}<br><span class="nhsuk-body-s">{2}</span>'}


class _OncePerPage(dict):
    """The HTML of a value that recurs on many of a page's rows (a recipient, a trainee, a
    table version), written the first time it is asked for."""

    def __init__(self, write):
        super().__init__()
        self.write = write

    def __missing__(self, key):
        self[key] = html = self.write(*key)
        return html


def _to_cell(name, address, roles):
    return format_html(_TO[bool(name), bool(roles)], name, address, roles)


def _about(trainee_name):
    return (format_html('<br><span class="nhsuk-body-s">About {}</span>', trainee_name)
            if trainee_name else "")


def _table(programme_id, version):
    """The table version that routed it (outbox_rows_of joins it)."""
    return (format_html('<br><span class="nhsuk-body-s">Table {}</span>',
                        version_label(programme_id=programme_id, version=version))
            if version is not None else "")


@register.simple_tag(takes_context=True)
def outbox_rows(context, emails, can_resend):
    """The outbox table's rows (mail.selectors.outbox_rows_of, with_trainees), each written
    with one format_html (which escapes every value as autoescaping would) rather than as a
    template loop of twenty-odd lookups, filters and {% url %}s a row. `make bench`,
    7 December 2026, national size: "PD: outbox, one cohort" 6.7x the floor as a template
    loop (the aim is at most 6x), 4.8x with this tag. What recurs from row to row (the
    link around the email's id, the status tags, the recipients, the trainees, the table
    versions) is written once a page: with the rows read as values, 7.0x -> 6.2x on a quiet
    machine (the pagecpu harness, demo database)."""
    # One reverse() each for the page rather than one a row.
    detail_start, detail_end = (conditional_escape(part) for part in
                                reverse("mail_outbox_detail", args=[0]).rsplit("0", 1))
    resend = reverse("mail_outbox_resend", args=[0]).rsplit("0", 1)
    resend_fields = None
    status_tags = {status: _status_tag(status, label)
                   for status, label in OutboundEmail.Status.choices}
    to_cells, abouts, tables = _OncePerPage(_to_cell), _OncePerPage(_about), _OncePerPage(_table)
    # The time zone looked up once for the page's hundred times, not once for each.
    zone = get_current_timezone()

    def when(value) -> str:
        return short_datetime(localtime(value, zone)) if value else ""

    def row(email):
        nonlocal resend_fields
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
        return dict(
            created=when(email["created_at"]), code=email["code"],
            table=tables[email["routing_table__programme_id"], email["routing_table__version"]],
            to=to_cells[email["to_name"], email["to_email"], email["recipient_roles"]],
            detail_start=detail_start, pk=email["pk"], detail_end=detail_end,
            subject=email["subject"], about=abouts[email["trainee_name"],], status=status,
            sent=when(email["sent_at"]) or "Not yet", attempts=email["attempts"],
            last_error=last_error)

    return format_html_join("", _ROW, (row(email) for email in emails))
