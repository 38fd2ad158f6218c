"""The outbox's part of the to-do panel (clic.todo): emails that could not be sent."""

from django.urls import reverse

from clic.accounts.access import access_for
from clic.todo import Item

from .models import OutboundEmail
from .rules import MANAGER_ROLES
from .selectors import outbox_visible_to


def failed_emails(user, today) -> list[Item]:
    """For those who may resend them (PDs and PAs): one line for the failed emails in their
    outbox, linking to the outbox filtered to them."""
    if not access_for(user).has_role(*MANAGER_ROLES):
        return []
    failed = outbox_visible_to(user).filter(status=OutboundEmail.Status.FAILED).count()
    if not failed:
        return []
    return [Item(text=f"{failed} email{'s' if failed != 1 else ''} could not be sent: "
                      "check the address and send again",
                 url=f"{reverse('mail_outbox')}?status={OutboundEmail.Status.FAILED}")]
