"""The outbox's part of the demo: one email the receiving server refused, sent through the
outbox's own sending service, so that PDs and the PA find it failed in the outbox and on
their to-do panels, ready to be sent again, and the alert the beat's watch on the outbox
emails them about it. And a second programme's "who is told what": Derbyshire's table, one
row reworded by its PD through the table's own service."""

import smtplib
from email.utils import parseaddr

from django.core.mail.backends.base import BaseEmailBackend
from django.test.utils import override_settings

from clic.accounts.demo import DemoData

from .models import OutboundEmail, RoutingTable
from .routing import current_table
from .selectors import outbox_visible_to
from .services import outbox_alert_raise, outbox_emails_send, routing_row_save

REFUSAL = (550, b"5.1.1 The email account that you tried to reach does not exist")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient, as one does for a mistyped address."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({parseaddr(recipient)[1]: REFUSAL
                                             for message in email_messages
                                             for recipient in message.recipients()})


def routing_load(data: DemoData) -> None:
    """Derbyshire's PD words S5 for a host organisation rather than a CCG: the programme's
    table, version 1, starting from the default (after the programme templates' demo has
    made the programme and its PD)."""
    host_organisation_wording(data.extras["derbyshire"], by=data.extras["derbyshire_pd"])


def host_organisation_wording(programme, *, by) -> RoutingTable:
    """The programme's table with S5 (sickness) speaking of a host organisation rather than
    a CCG: the one reworded row of the second programme's table (the demo and the national
    benchmark)."""
    sickness = current_table(programme.pk).rows.get(code="S5")
    return routing_row_save(programme=programme, code="S5", recipients=sickness.recipients,
                            reply_to=sickness.reply_to, subject=sickness.subject_template,
                            text=sickness.text_template.replace("CCG", "host organisation"),
                            by=by)


def refusal_load(data: DemoData) -> None:
    """The Educational Supervisor's latest email bounces: a permanent refusal, so it fails at
    once rather than waiting for its retries."""
    email = (outbox_visible_to(data.people["pd"])
             .filter(status=OutboundEmail.Status.QUEUED, to_email=data.people["es"].email)
             .order_by("-pk").first())
    if email is None:
        return
    with override_settings(EMAIL_BACKEND=f"{__name__}.RefusingBackend"):
        outbox_emails_send(email_ids=[email.pk])
    outbox_alert_raise()
