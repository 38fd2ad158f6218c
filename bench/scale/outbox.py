"""The outbox history of the national dataset: one sent row per recipient of every SOP event
the generated history would have caused.

Who receives each event follows the catalogue's roles exactly as
`clic.mail.services.resolve_recipients` resolves them (tests/scale checks every event of a
small dataset against it), but from people already in memory: calling the resolver itself
costs a few queries per event, which for 400,000 emails is most of the run.

The wording is each row's example from the "Who is told what" page with the trainee's name
put in: the bodies have the size and shape of real ones without rendering 400,000
templates."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from clic.mail.catalogue import BY_CODE, Recipient
from clic.mail.examples import example_email
from clic.mail.models import OutboundEmail, RoutingTable
from clic.mail.routing import routing_row
from clic.mail.services import _message_id, named_roles

from .bulk import Table

EXAMPLE_TRAINEE = "Dr Alex Example"


@dataclass
class Addressee:
    email: str
    name: str
    roles: list[str] = field(default_factory=list)
    placements: list = field(default_factory=list)


@dataclass
class CohortPeople:
    """Everyone an event of one cohort can reach, as resolve_recipients finds them."""

    cohort: object
    placements: list  # with trainee, ccg_supervisor, project_lead, educational_supervisor
    directors: list
    administrators: list  # the programme's PAs
    deputy_chairs: list  # the CCG's
    admin_mailbox: str
    committee_email: str
    routing_table: RoutingTable  # the version the programme's emails follow


def resolve(recipients, *, placement, people: CohortPeople) -> list[Addressee]:
    """resolve_recipients, from memory: the addresses the roles (or named people) reach for
    one placement, or for every placement of the cohort when `placement` is None."""
    placements = [placement] if placement is not None else people.placements
    found: dict[str, Addressee] = {}

    def add(email, name, label, for_placements):
        email = (email or "").strip().lower()
        if not email:
            return
        addressee = found.setdefault(email, Addressee(email=email, name=name))
        if label is not None and label not in addressee.roles:
            addressee.roles.append(label)
        for p in for_placements:
            if p not in addressee.placements:
                addressee.placements.append(p)

    def add_person(user, label, for_placements):
        if user is not None and user.is_active:
            add(user.email, user.full_name, label, for_placements)

    for recipient in recipients:
        if not isinstance(recipient, str):
            for role in named_roles(recipient.email, placements, lambda: people.directors) or [None]:
                add_person(recipient, role.label if role is not None else None, placements)
            continue
        role = Recipient(recipient)
        if role == Recipient.TRAINEE:
            for p in placements:
                add_person(p.trainee, role.label, [p])
        elif role in (Recipient.COHORT_TRAINEES, Recipient.PEERS):
            for p in people.placements:
                if role == Recipient.PEERS and placement is not None and p.pk == placement.pk:
                    continue
                add_person(p.trainee, role.label, [p])
        elif role == Recipient.CCG_SUPERVISOR:
            for p in placements:
                add_person(p.ccg_supervisor, role.label, [p])
        elif role == Recipient.PROJECT_LEAD:
            for p in placements:
                add_person(p.project_lead, role.label, [p])
        elif role == Recipient.ES:
            for p in placements:
                add_person(p.educational_supervisor, role.label, [p])
        elif role == Recipient.CCG_ADMIN:
            add(people.admin_mailbox or settings.CLIC_DEFAULT_CCG_ADMIN_MAILBOX, "", role.label,
                placements)
        elif role == Recipient.COMMITTEE:
            add(people.committee_email, "", role.label, placements)
        elif role == Recipient.PD:
            for user in people.directors:
                add_person(user, role.label, placements)
        elif role == Recipient.PA:
            for user in people.administrators:
                add_person(user, role.label, placements)
        elif role == Recipient.DEPUTY_CHAIR:
            for user in people.deputy_chairs:
                add_person(user, role.label, placements)
    return list(found.values())


class Outbox:
    """Writes the sent emails of each event, as clic.mail's `_queue` would have stored them."""

    COLUMNS = ["code", "idempotency_key", "message_id", "to_email", "to_name", "recipient_roles",
               "subject", "body_text", "body_html", "attachments", "status", "attempts",
               "last_error", "created_at", "next_attempt_at", "enqueued_at", "claimed_at",
               "sent_at", "content_type_id", "object_id", "placement_id", "cohort_id",
               "routing_table_id"]

    def __init__(self, *, now: datetime.datetime):
        self.now = now
        self.table = Table.of(OutboundEmail, self.COLUMNS)
        self.by_code: dict[str, int] = {}
        self._wording: dict[tuple[int, str], tuple[str, str, str, int | None]] = {}
        self._content_types: dict[type, int] = {}

    def _example(self, table: RoutingTable, code: str) -> tuple[str, str, str, int | None]:
        """The row's example as the programme's table words it, and the table version that
        produced it (none for an email outside the tables)."""
        key = (table.pk, code)
        if key not in self._wording:
            row = routing_row(code, table.programme_id)
            self._wording[key] = (*example_email(BY_CODE[code], row),
                                  row.table_id if row is not None else None)
        return self._wording[key]

    def content_type(self, model) -> int:
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model).pk
        return self._content_types[model]

    def send(self, *, code: str, event_key: str, about_model, about_id: int, people: CohortPeople,
             at: datetime.datetime, placement=None, recipients=None, attachments=()) -> int:
        """Every email of one event (the catalogue row's roles, or `recipients` when the event
        names its own), sent a few seconds after `at`. Returns how many: none for an event
        still to come."""
        if at > self.now:
            return 0
        row = BY_CODE[code]
        addressees = resolve(row.recipients if recipients is None else recipients,
                             placement=placement, people=people)
        subject, text, html, table_id = self._example(people.routing_table, code)
        trainee = placement.trainee.full_name if placement is not None else people.cohort.name
        subject = subject.replace(EXAMPLE_TRAINEE, trainee)[:300]
        text, html = text.replace(EXAMPLE_TRAINEE, trainee), html.replace(EXAMPLE_TRAINEE, trainee)
        content_type = self.content_type(about_model)
        for addressee in addressees:
            key = f"{event_key}:{addressee.email}"
            only = addressee.placements[0] if len(addressee.placements) == 1 else placement
            self.table.add(
                code, key, _message_id(key), addressee.email, addressee.name[:200],
                ", ".join(addressee.roles)[:300], subject, text, html, list(attachments),
                OutboundEmail.Status.SENT, 1, "", at, at, at, at + datetime.timedelta(seconds=1),
                at + datetime.timedelta(seconds=2), content_type, about_id,
                only.pk if only is not None else None, people.cohort.pk, table_id)
        self.by_code[code] = self.by_code.get(code, 0) + len(addressees)
        return len(addressees)


def calendar_attachment(*, uid: str, sequence: int, summary: str, start: datetime.datetime,
                        end: datetime.datetime, method: str = "REQUEST") -> dict:
    """A calendar entry of the size real invitations carry (stored as the outbox stores one)."""
    stamp = start.strftime("%Y%m%dT%H%M%S")
    text = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CLIC service//Timetable//EN",
        f"METHOD:{method}", "BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}",
        f"SUMMARY:{summary}", f"DTSTART;TZID=Europe/London:{stamp}",
        f"DTEND;TZID=Europe/London:{end.strftime('%Y%m%dT%H%M%S')}", f"DTSTAMP:{stamp}Z",
        "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR", ""])
    return {"filename": "invite.ics",
            "mimetype": f"text/calendar; method={method}; charset=UTF-8", "text": text}


def stable_token(*parts) -> str:
    """A deterministic stand-in for a random token (calendar addresses, iCalendar UIDs)."""
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:43]
