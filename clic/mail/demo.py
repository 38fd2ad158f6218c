"""The outbox's part of the demo: one email the receiving server refused, sent through the
outbox's own sending service, so that PDs and the PA find it failed in the outbox and on
their to-do panels, ready to be sent again, and the alert the beat's watch on the outbox
emails them about it. And a second programme's "who is told what": Derbyshire's table, one
row reworded by its PD through the table's own service."""

import smtplib
from email.utils import parseaddr

from django.core.mail.backends.base import BaseEmailBackend
from django.test.utils import override_settings

from clic.accounts import services as accounts
from clic.accounts.demo import DEMO_PASSWORD, DemoData, demo_email
from clic.accounts.models import Organisation, Role

from .models import OutboundEmail, RoutingTable
from .routing import current_table
from .selectors import outbox_visible_to
from .services import outbox_alert_raise, outbox_emails_send, routing_row_save

# Also made by the programme templates' demo: found by name, so either may come first.
DERBYSHIRE = "Derbyshire Clinical Commissioning Development Programme"

REFUSAL = (550, b"5.1.1 The email account that you tried to reach does not exist")


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every recipient, as one does for a mistyped address."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({parseaddr(recipient)[1]: REFUSAL
                                             for message in email_messages
                                             for recipient in message.recipients()})


def load(data: DemoData) -> None:
    routing_load(data)
    refusal_load(data)


def routing_load(data: DemoData) -> None:
    """Derbyshire's PD words S5 for a host organisation rather than a CCG: the programme's
    table, version 1, starting from the default."""
    programme = (Organisation.objects.filter(kind=Organisation.Kind.PROGRAMME, name=DERBYSHIRE)
                 .first() or accounts.organisation_save(organisation=Organisation(
                     kind=Organisation.Kind.PROGRAMME, name=DERBYSHIRE)))
    pd = accounts.user_invite(email=demo_email("derbyshire-pd"), full_name="Dr Morgan Peak",
                              job_title="Programme Director", roles=[(Role.PD, programme)],
                              invited_by=None, send=False)
    accounts.invitation_accept(user=pd, password=DEMO_PASSWORD)
    data.people["derbyshire-pd"] = pd
    data.extras["derbyshire"] = programme
    sickness = current_table(programme.pk).rows.get(code="S5")
    routing_row_save(programme=programme, code="S5", recipients=sickness.recipients,
                     reply_to=sickness.reply_to,
                     subject=sickness.subject_template,
                     text=sickness.text_template.replace("CCG", "host organisation"), by=pd)


def routing_clear(*, organisations, people) -> None:
    """An earlier demo's Derbyshire table versions, so that each run saves version 1 again."""
    RoutingTable.objects.filter(programme__name=DERBYSHIRE).delete()


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
