from django import template
from django.utils.html import format_html

from clic.mail.models import OutboundEmail

register = template.Library()

_TAG_COLOURS = {OutboundEmail.Status.SENT: "nhsuk-tag--green",
                OutboundEmail.Status.FAILED: "nhsuk-tag--red",
                OutboundEmail.Status.SENDING: "nhsuk-tag--blue"}


@register.simple_tag
def status_tag(email):
    """An email's status as an NHS.UK tag; the words carry the meaning, not the colour."""
    return format_html('<strong class="nhsuk-tag {}">{}</strong>',
                       _TAG_COLOURS.get(email.status, "nhsuk-tag--grey"),
                       email.get_status_display())
