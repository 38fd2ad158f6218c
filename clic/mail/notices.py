"""An SOP email named before it is sent: a confirmation page lists whom it will reach and the
service then sends it with the very same arguments, so the page and the outbox agree.

    notice = Notice(code="S17", event_key=f"evaluation:{evaluation.pk}", about=evaluation,
                    cohort=cohort)
    notice.addressees()   # on the confirmation page
    notice.send()         # on confirm, inside the service's transaction
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import dateformat, timezone

from .catalogue import CatalogueRow, row_for
from .models import OutboundEmail
from .services import (
    Addressee,
    Attachment,
    idempotency_key,
    sop_addressees,
    sop_notify,
    sop_subjects,
)


@dataclass(frozen=True)
class Notice:
    code: str
    # None for an event whose object is not made yet (a preview): it has reached nobody.
    event_key: str | None
    about: Any
    placement: Any = None
    cohort: Any = None
    context: dict = field(default_factory=dict)
    recipients_override: Sequence | None = None

    @property
    def row(self) -> CatalogueRow:
        return row_for(self.code)

    def addressees(self) -> list[Addressee]:
        """Whom sending it now would email: everyone its row names, less the addresses this
        same event has already reached (sop_notify skips those)."""
        named = sop_addressees(code=self.code, about=self.about, placement=self.placement,
                               cohort=self.cohort, recipients_override=self.recipients_override)
        if self.event_key is None:
            return named
        keys = {idempotency_key(self.event_key, addressee.email): addressee
                for addressee in named}
        sent = set(OutboundEmail.objects.filter(idempotency_key__in=keys)
                   .values_list("idempotency_key", flat=True))
        return [addressee for key, addressee in keys.items() if key not in sent]

    def subjects(self, addressees: Sequence[Addressee]) -> list[str]:
        return sop_subjects(code=self.code, addressees=addressees, about=self.about,
                            placement=self.placement, cohort=self.cohort,
                            context=dict(self.context))

    def send(self, *, attachments: Sequence[Attachment] = ()) -> list[OutboundEmail]:
        if self.event_key is None:
            raise ValueError(f"{self.code} needs its event key to be sent.")
        return sop_notify(code=self.code, event_key=self.event_key, about=self.about,
                          placement=self.placement, cohort=self.cohort,
                          context=dict(self.context), attachments=attachments,
                          recipients_override=self.recipients_override)


@dataclass
class PlannedEmail:
    """One email a confirmation page lists: to whom, which SOP row and its subject line (the
    addressee's placements say which trainees it is about)."""

    addressee: Addressee
    row: CatalogueRow
    subject: str


@dataclass
class EmailPlan:
    """Everything a set of notices would send now, for a confirmation page."""

    emails: list[PlannedEmail]

    @property
    def people(self) -> int:
        return len({email.addressee.email for email in self.emails})

    def by_address(self) -> list[tuple[Addressee, list[PlannedEmail]]]:
        """Each address once, with the emails it gets, in the order first named."""
        grouped: dict[str, list[PlannedEmail]] = {}
        for email in self.emails:
            grouped.setdefault(email.addressee.email, []).append(email)
        return [(emails[0].addressee, emails) for emails in grouped.values()]

    def as_outbox_rows(self) -> set[tuple[str, str, str]]:
        """(SOP code, address, subject) of every email, as the outbox will hold them."""
        return {(email.row.code, email.addressee.email, email.subject) for email in self.emails}

    def __len__(self) -> int:
        return len(self.emails)


def email_plan(notices: Iterable[Notice]) -> EmailPlan:
    emails = []
    for notice in notices:
        addressees = notice.addressees()
        emails += [PlannedEmail(addressee=addressee, row=notice.row, subject=subject)
                   for addressee, subject in zip(addressees, notice.subjects(addressees),
                                                 strict=True)]
    return EmailPlan(emails)


WHEN_FORMAT = r"j F Y \a\t H:i"


def done_before(what: str, *, when, by=None, then: str = "nothing was sent again") -> str:
    """What a repeated confirmation says: "<what> on 7 December 2026 at 11:30 by Dr A: nothing
    was sent again." """
    sentence = f"{what} on {dateformat.format(timezone.localtime(when), WHEN_FORMAT)}"
    return sentence + (f" by {by}" if by else "") + f": {then}."
