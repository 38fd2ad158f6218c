"""Every write to the outbox: queueing emails (in the caller's transaction), sending them
(one row, or a batch through one connection), sweeping lost ones back into the queue, and
re-sending a failed one.

Nothing else in the service sends email: features call `sop_notify` (an SOP row),
`email_queue_template` (a templated email to given addresses) or `email_queue_rendered`
(a message rendered elsewhere, e.g. by allauth).
"""

import base64
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import smtplib
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from email.mime.base import MIMEBase
from email.utils import formataddr, parseaddr
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.template import Context, engines
from django.utils import timezone
from django.utils.html import strip_tags

from clic.accounts.models import Organisation, Role, User

from .catalogue import NAMED_PEOPLE, CatalogueRow, NamedPerson, Recipient, row_for
from .models import OutboundEmail, RoutingRow, RoutingTable
from .routing import (
    TABLE_CODES,
    TEMPLATE_SUFFIXES,
    compiled,
    current_table,
    edited_row,
    health_data_context,
    replace_table,
    routed,
    routing_row_problems,
)

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str


@dataclass
class Addressee:
    """One address an email goes to, and why: a person or a shared mailbox."""

    email: str
    name: str = ""
    roles: list[str] = field(default_factory=list)
    # Recipient values, for templates that word the request by role.
    role_codes: list[str] = field(default_factory=list)
    # The placements that make this address a recipient (e.g. the trainees a supervisor has).
    placements: list = field(default_factory=list)

    @property
    def roles_display(self) -> str:
        return ", ".join(self.roles)


class EmailNotResendable(ValueError):
    pass


# Queueing ---------------------------------------------------------------------------------


@transaction.atomic
def email_queue_template(*, code: str, to: Sequence[str], template: str, context: dict,
                         event_key: str, about=None,
                         attachments: Sequence[Attachment | tuple] = ()) -> list[OutboundEmail]:
    """Queue a templated email, one row per address, rendered for each recipient."""
    row = row_for(code)
    addresses = _unique_addresses(to)
    names = dict(User.objects.filter(email__in=addresses).values_list("email", "full_name"))
    addressees = [Addressee(email=address, name=names.get(address, "")) for address in addresses]
    placement, cohort = _placement_and_cohort(about)
    replies = reply_addressees(row, addressees=addressees, placement=placement, cohort=cohort,
                               placements=[placement] if placement is not None else [],
                               context=context)
    return _queue(code=code, event_key=event_key, addressees=addressees, about=about,
                  placement=placement, cohort=cohort, attachments=attachments,
                  reply_to=replies,
                  render=lambda addressee: render_email(
                      template, {**context, "recipient": addressee,
                                 "replies_reach": replies[addressee.email]}))


@transaction.atomic
def email_queue_rendered(*, code: str, message: EmailMessage, event_key: str) -> list[OutboundEmail]:
    """Queue a message rendered elsewhere (allauth's), one row per recipient address."""
    row_for(code)
    html = ""
    text = message.body
    if getattr(message, "content_subtype", "plain") == "html":
        html, text = message.body, strip_tags(message.body)
    for content, mimetype in getattr(message, "alternatives", ()):
        if mimetype == "text/html":
            html = content
    subject = _one_line(message.subject)
    # A ready-made MIME part cannot be stored as a row; allauth attaches none.
    attachments = [a for a in message.attachments if not isinstance(a, MIMEBase)]
    addressees = [Addressee(email=address) for address in _unique_addresses(message.recipients())]
    return _queue(code=code, event_key=event_key, addressees=addressees, about=None,
                  placement=None, cohort=None, attachments=attachments,
                  render=lambda addressee: (subject, text.strip(), html))


@transaction.atomic
def sop_notify(*, code: str, event_key: str, about, placement=None, cohort=None,
               context: dict | None = None, attachments: Sequence[Attachment | tuple] = (),
               recipients_override: Sequence | None = None) -> list[OutboundEmail]:
    """Queue an SOP row's email to everyone its roles name, as they stand now, worded and
    routed by the cohort's programme's table (each row records the table version).

    `recipients_override` replaces the row's roles: Recipient values, or people (anything
    with `.email`) and plain addresses, for events such as S9 and S10 whose recipients
    are the people of one meeting or session.
    """
    placement, cohort, placements = _event_scope(code, about=about, placement=placement,
                                                 cohort=cohort)
    row, table_row = routed(code, cohort.programme_id)
    addressees = resolve_recipients(
        row.recipients if recipients_override is None else recipients_override,
        placement=placement, cohort=cohort, placements=placements)
    if not addressees:
        logger.warning("%s %s has no recipients", code, event_key)
    render, replies = _sop_renderer(row, table_row, addressees=addressees, about=about,
                                    placement=placement, cohort=cohort, placements=placements,
                                    context=context, attachments=attachments)
    return _queue(code=code, event_key=event_key, addressees=addressees, about=about,
                  placement=placement, cohort=cohort, attachments=attachments, render=render,
                  reply_to=replies, routing_table=table_row.table if table_row else None)


def _sop_renderer(row, table_row, *, addressees, about, placement, cohort, placements, context,
                  attachments):
    """How an SOP event's email is worded for each addressee, (subject, text, HTML), and
    whom each addressee's reply reaches."""
    event_context = dict(context or {})
    base = {**event_context, "row": row, "cohort": cohort, "ccg": cohort.ccg,
            "placement": placement, "trainee": placement.trainee if placement else None,
            "placements": placements,
            "attachment_names": [_stored_attachment(a)["filename"] for a in attachments]}
    if not row.health_data:
        base["about"] = about

    # Resolved from the caller's whole context: the person who raised a concern or decided
    # is named there even when a sickness row's template may not see it.
    replies = reply_addressees(row, addressees=addressees, placement=placement, cohort=cohort,
                               placements=placements, context=context or {})

    def render(addressee: Addressee):
        return render_sop_email(row, table_row, {**base, "recipient": addressee,
                                                 "replies_reach": replies[addressee.email]})

    return render, replies


def render_sop_email(row: CatalogueRow, table_row, context: dict) -> tuple[str, str, str]:
    """An SOP row's email from the table's wording (the catalogue's files for rows outside
    the tables). Sickness is special-category data: whatever the caller passed, its template
    is given only the dates and plain names."""
    if row.health_data:
        context = health_data_context(context)
    return render_email(row.template, context, sources=table_row)


def sop_subjects(*, code: str, addressees: Sequence[Addressee], about=None, placement=None,
                 cohort=None, context: dict | None = None) -> list[str]:
    """The subject line each of these addressees would get from `sop_notify` with the same
    arguments: how a confirmation page names which email goes to whom."""
    placement, cohort, placements = _event_scope(code, about=about, placement=placement,
                                                 cohort=cohort)
    render, _ = _sop_renderer(*routed(code, cohort.programme_id), addressees=addressees,
                              about=about,
                              placement=placement, cohort=cohort, placements=placements,
                              context=context, attachments=())
    return [render(addressee)[0] for addressee in addressees]


def sop_addressees(*, code: str, about=None, placement=None, cohort=None,
                   recipients_override: Sequence | None = None) -> list[Addressee]:
    """Exactly the addresses `sop_notify` with the same arguments would email now: what a
    preview or confirmation page names, so that the page and the outbox cannot disagree."""
    placement, cohort, placements = _event_scope(code, about=about, placement=placement,
                                                 cohort=cohort)
    return resolve_recipients(
        sop_recipients(code=code, cohort=cohort) if recipients_override is None
        else recipients_override,
        placement=placement, cohort=cohort, placements=placements)


def sop_recipients(*, code: str, cohort) -> list[Recipient]:
    """The roles an SOP row reaches in this cohort's programme now: what callers that add
    people of their own start from."""
    return list(routed(code, cohort.programme_id)[0].recipients)


def reply_addressees(row: CatalogueRow, *, addressees: Sequence[Addressee], placement, cohort,
                     placements: Sequence, context: dict) -> dict[str, list[Addressee]]:
    """Whom a reply reaches, for each addressee: the row's `reply_to` roles resolved for the
    event (for a cohort-wide event, only those about the addressee's own trainees) and the
    people the event names in its context; never the addressee themselves."""
    roles = [target for target in row.reply_to if isinstance(target, Recipient)]
    found = (resolve_recipients(roles, placement=placement, cohort=cohort, placements=placements)
             if roles and cohort is not None else [])
    for target in row.reply_to:
        person = context.get(target.context_key) if isinstance(target, NamedPerson) else None
        if getattr(person, "email", "") and person.is_active:
            found.append(Addressee(email=person.email.strip().lower(), name=person.full_name))
    replies = {}
    for addressee in addressees:
        mine = addressee.placements
        replies[addressee.email] = list({
            reply.email: reply for reply in found
            if reply.email != addressee.email
            and (not mine or not reply.placements or any(p in reply.placements for p in mine))
        }.values())
    return replies


def _reply_to_header(replies: Sequence[Addressee]) -> str:
    return ", ".join(formataddr((reply.name, reply.email)) for reply in replies)


def _event_scope(code: str, *, about, placement, cohort) -> tuple:
    """The placement (or None), cohort and placements an SOP event concerns."""
    if placement is None and cohort is None:
        placement, cohort = _placement_and_cohort(about)
    if placement is not None:
        if cohort is not None and cohort.pk != placement.cohort_id:
            raise ValueError("The placement is not in the cohort given.")
        cohort = placement.cohort
    if cohort is None:
        raise ValueError(f"{code} needs the placement or cohort it concerns.")
    placements = [placement] if placement is not None else list(_cohort_placements(cohort))
    return placement, cohort, placements


def resolve_recipients(recipients: Sequence, *, placement, cohort, placements) -> list[Addressee]:
    """The addresses the roles name for this placement (or every placement of the cohort),
    de-duplicated case-insensitively, each with every role that put it there."""
    found: dict[str, Addressee] = {}
    everyone: list = []
    directors: list = []

    def cohort_placements():
        if not everyone:
            everyone.extend(_cohort_placements(cohort))
        return everyone

    def cohort_directors():
        if not directors:
            directors.extend(cohort.directors.all())
        return directors

    def add(email, name, role, for_placements=()):
        email = (email or "").strip().lower()
        if not email:
            return
        addressee = found.setdefault(email, Addressee(email=email, name=name))
        if role is not None and role.label not in addressee.roles:
            addressee.roles.append(role.label)
            addressee.role_codes.append(role.value)
        for p in for_placements:
            if p not in addressee.placements:
                addressee.placements.append(p)

    def add_person(user, role, for_placements=()):
        if user is not None and user.is_active:
            add(user.email, user.full_name, role, for_placements)

    for recipient in recipients:
        if not (isinstance(recipient, str) and recipient in Recipient.values):
            # A person or an address the event names itself (the people of one session or
            # meeting): told as whatever they are to the event's trainees, if anything.
            person = recipient if hasattr(recipient, "email") else None
            if person is not None and not person.is_active:
                continue
            email = person.email if person is not None else recipient
            name = person.full_name if person is not None else ""
            for role in named_roles(email, placements, cohort_directors) or [None]:
                add(email, name, role, placements)
            continue
        role = Recipient(recipient)
        if role == Recipient.TRAINEE:
            for p in placements:
                add_person(p.trainee, role, [p])
        elif role in (Recipient.COHORT_TRAINEES, Recipient.PEERS):
            for p in cohort_placements():
                if role == Recipient.PEERS and placement is not None and p.pk == placement.pk:
                    continue
                add_person(p.trainee, role, [p])
        elif role == Recipient.CCG_SUPERVISOR:
            for p in placements:
                add_person(p.ccg_supervisor, role, [p])
        elif role == Recipient.PROJECT_LEAD:
            for p in placements:
                add_person(p.project_lead, role, [p])
        elif role == Recipient.ES:
            for p in placements:
                add_person(p.educational_supervisor, role, [p])
        elif role == Recipient.CCG_ADMIN:
            add(cohort.ccg.admin_mailbox or settings.CLIC_DEFAULT_CCG_ADMIN_MAILBOX, "", role,
                placements)
        elif role == Recipient.COMMITTEE:
            if not cohort.ccg.committee_email:
                logger.warning("%s has no committee address", cohort.ccg)
            add(cohort.ccg.committee_email, "", role, placements)
        elif role == Recipient.PD:
            for user in cohort.directors.all():
                add_person(user, role, placements)
        elif role in (Recipient.PA, Recipient.DEPUTY_CHAIR):
            membership_role, organisation = {
                Recipient.PA: (Role.PA, cohort.programme_id),
                Recipient.DEPUTY_CHAIR: (Role.DEPUTY_CHAIR, cohort.ccg_id),
            }[role]
            for user in User.objects.filter(memberships__role=membership_role,
                                            memberships__organisation_id=organisation).distinct():
                add_person(user, role, placements)
    return list(found.values())


def named_roles(email: str, placements: Sequence, directors) -> list[Recipient]:
    """The roles a person named by an event holds for its placements: trainee, CCG
    Supervisor, Project Lead, Educational Supervisor or (`directors()`, asked only when none
    of those) Programme Director of the cohort."""
    email = (email or "").strip().lower()
    roles = [role for p in placements for role, person in (
        (Recipient.TRAINEE, p.trainee), (Recipient.CCG_SUPERVISOR, p.ccg_supervisor),
        (Recipient.PROJECT_LEAD, p.project_lead), (Recipient.ES, p.educational_supervisor))
        if person is not None and person.email.lower() == email]
    if not roles and any(user.email.lower() == email for user in directors()):
        roles.append(Recipient.PD)
    return list(dict.fromkeys(roles))


def _cohort_placements(cohort) -> list:
    return list(cohort.placements.select_related(
        "trainee", "ccg_supervisor", "project_lead", "educational_supervisor"))


def _placement_and_cohort(about):
    """The placement and cohort an object concerns, when it says (for the outbox filters)."""
    # The models the outbox refers to, without the core importing their apps.
    placement_model = OutboundEmail.placement.field.related_model
    cohort_model = OutboundEmail.cohort.field.related_model
    if isinstance(about, placement_model):
        return about, about.cohort
    if isinstance(about, cohort_model):
        return None, about
    placement = getattr(about, "placement", None)
    if isinstance(placement, placement_model):
        return placement, placement.cohort
    cohort = getattr(about, "cohort", None)
    if isinstance(cohort, cohort_model):
        return None, cohort
    return None, None


def _unique_addresses(addresses) -> list[str]:
    seen: dict[str, None] = {}
    for address in addresses:
        email = parseaddr(address)[1].strip().lower()
        if email:
            seen.setdefault(email, None)
    return list(seen)


def _queue(*, code, event_key, addressees, about, placement, cohort, attachments, render,
           reply_to: dict[str, list[Addressee]] | None = None, routing_table=None):
    """Write one row per addressee unless the event already made it; send after commit."""
    keys = {addressee.email: idempotency_key(event_key, addressee.email)
            for addressee in addressees}
    existing = set(OutboundEmail.objects.filter(idempotency_key__in=keys.values())
                   .values_list("idempotency_key", flat=True))
    stored_attachments = [_stored_attachment(a) for a in attachments]
    content_type = ContentType.objects.get_for_model(about) if about is not None else None
    now = timezone.now()
    drafts = []
    for addressee in addressees:
        key = keys[addressee.email]
        if key in existing:
            continue
        subject, text, html = render(addressee)
        only = addressee.placements[0] if len(addressee.placements) == 1 else placement
        drafts.append(OutboundEmail(
            code=code, idempotency_key=key, message_id=_message_id(key),
            to_email=addressee.email, to_name=addressee.name[:200],
            recipient_roles=addressee.roles_display[:300],
            reply_to=_reply_to_header((reply_to or {}).get(addressee.email, ())),
            subject=subject[:300],
            body_text=text, body_html=html, attachments=stored_attachments,
            created_at=now, next_attempt_at=now, enqueued_at=now,
            content_type=content_type, object_id=about.pk if about is not None else None,
            placement=only, cohort=cohort, routing_table=routing_table))
    if drafts:
        OutboundEmail.objects.bulk_create(drafts, ignore_conflicts=True)
    rows = {row.idempotency_key: row
            for row in OutboundEmail.objects.filter(idempotency_key__in=keys.values())}
    new_ids = [rows[d.idempotency_key].pk for d in drafts if d.idempotency_key in rows]
    if new_ids:
        transaction.on_commit(lambda: publish_after_commit(new_ids), robust=True)
        if (dry_run := _dry_run_queued.get()) is not None:
            dry_run.extend(new_ids)
    return [rows[key] for key in keys.values() if key in rows]


# The ids a dry run's writes queued, while one is running in this context.
_dry_run_queued: ContextVar[list[int] | None] = ContextVar("outbox_dry_run", default=None)


class _DryRunUndone(Exception):
    """Raised inside a dry run's transaction to undo every write it made."""


def outbox_dry_run(write: Callable[[], object]) -> list[OutboundEmail]:
    """The emails `write` would queue, found by running it and rolling it back.

    For a write whose emails cannot be named beforehand (a CSV upload invites whoever is new
    and sends each trainee's SOP emails): the confirmation page lists what the same code
    queues on confirm, so the page and the outbox cannot disagree. Nothing is published:
    the rollback drops the commit hooks. A ValidationError from `write` propagates."""
    queued: list[int] = []
    token = _dry_run_queued.set(queued)
    try:
        with transaction.atomic():
            write()
            emails = list(OutboundEmail.objects.filter(pk__in=queued).order_by("pk"))
            raise _DryRunUndone
    except _DryRunUndone:
        return emails
    finally:
        _dry_run_queued.reset(token)


def idempotency_key(event_key: str, email: str) -> str:
    """The outbox row an event makes for one address: the same event never emails it twice."""
    return f"{event_key}:{email}"


def _message_id(key: str) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "clic.invalid"
    # Stable across retries, so a receiving server can spot a duplicate delivery.
    return f"<clic.{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def _stored_attachment(attachment) -> dict:
    filename, content, mimetype = (
        (attachment.filename, attachment.content, attachment.mimetype)
        if isinstance(attachment, Attachment) else tuple(attachment))
    mimetype = mimetype or "application/octet-stream"
    if isinstance(content, bytes):
        return {"filename": filename, "mimetype": mimetype,
                "base64": base64.b64encode(content).decode("ascii")}
    return {"filename": filename, "mimetype": mimetype, "text": content}


# Routing tables ---------------------------------------------------------------------------


@transaction.atomic
def routing_row_save(*, programme, code: str, recipients: Sequence[str], reply_to: Sequence[str],
                     subject: str, text: str, by) -> RoutingTable:
    """Save a new version of a programme's "who is told what" with one event's row edited:
    who receives it, whom a reply reaches, its subject and text. Refused (ValidationError by
    field, naming the rule) when it would break a rule or its templates do not work. An
    edited text drops the row's handbook HTML: the HTML part is then made from the text.
    Returns the new version, or the current one when nothing changed."""
    from clic.audit import services as audit

    # One edit of a programme's table at a time: the next version number is taken under it.
    Organisation.objects.select_for_update().filter(pk=programme.pk).first()
    catalogue_row = row_for(code)
    if code not in TABLE_CODES:
        raise ValueError(f"{code} is not in the programmes' tables.")
    current = current_table(programme.pk)
    rows = list(current.rows.all())
    before = next(row for row in rows if row.code == code)
    recipients = (list(before.recipients) if catalogue_row.recipients_from_event
                  else _in_the_same_order(before.recipients, recipients, Recipient.values))
    reply_to = _in_the_same_order(before.reply_to, reply_to,
                                  [*Recipient.values, *NAMED_PEOPLE])
    subject, text = _one_line(subject), text.replace("\r\n", "\n")
    problems = routing_row_problems(catalogue_row, recipients=recipients, reply_to=reply_to,
                                    subject=subject, text=text)
    if problems:
        raise ValidationError(problems)
    changed = [what for what, old, new in (
        ("recipients", before.recipients, recipients), ("reply-to", before.reply_to, reply_to),
        ("subject", _one_line(before.subject_template), subject),
        ("text", before.text_template, text)) if old != new]
    if not changed:
        return current
    version = (RoutingTable.objects.filter(programme=programme).aggregate(Max("version"))
               ["version__max"] or 0) + 1
    started = ("" if current.programme_id
               else f", starting from the default table's version {current.version}")
    table = RoutingTable.objects.create(
        programme=programme, version=version, created_by=by,
        change=f"{code}: {', '.join(changed)} changed{started}.")
    RoutingRow.objects.bulk_create([
        edited_row(row, table, recipients=recipients, reply_to=reply_to,
                   subject=subject if "subject" in changed else row.subject_template, text=text)
        if row.code == code else replace_table(row, table) for row in rows])
    audit.record(actor=by, action=audit.CHANGED, obj=table, programme=programme,
                 summary=f"Who is told what, version {version}: {table.change}")
    return table


def _in_the_same_order(before: Sequence[str], chosen: Sequence[str], known: Sequence[str]
                       ) -> list[str]:
    """The known values chosen: those kept in the order they had (the order people are
    emailed in), then the new ones."""
    chosen = [value for value in dict.fromkeys(chosen) if value in known]
    return [value for value in before if value in chosen] + [
        value for value in chosen if value not in before]


# Rendering --------------------------------------------------------------------------------


def render_email(template: str | None, context: dict, *,
                 sources: RoutingRow | None = None) -> tuple[str, str, str]:
    """Subject, plain text and HTML from the template trio, or from a routing table row's
    sources; links start at SITE_URL. A row with no HTML source (its text was edited) gets
    the rendered text as its HTML part, in paragraphs with its links, inside the standard
    email page."""
    context = {"site_url": settings.SITE_URL,
               "link": settings.SITE_URL + context.get("path", "/"), **context}
    engine = engines["django"]

    def render(part, autoescape):
        compiled_part = (compiled(getattr(sources, f"{part}_template")) if sources is not None
                         else engine.get_template(f"{template}{TEMPLATE_SUFFIXES[part]}").template)
        return compiled_part.render(Context(context, autoescape=autoescape))

    subject = _one_line(render("subject", autoescape=False))
    text = re.sub(r"\n{3,}", "\n\n", render("text", autoescape=False)).strip() + "\n"
    if sources is not None and not sources.html_template:
        html = engine.get_template("mail/_text_as_html.html").template.render(
            Context({"text": text}, autoescape=True)).strip()
    else:
        html = render("html", autoescape=True).strip()
    return subject, text, html


def _one_line(text: str) -> str:
    return " ".join(text.split())


# Sending ----------------------------------------------------------------------------------


class BrokerPause:
    """After the broker refused a task, requests leave their emails to the sweeper for
    CLIC_MAIL_BROKER_PAUSE seconds rather than each waiting for the broker's connect timeout
    again. Per process; the sweeper ignores it and lifts it once the broker answers."""

    def __init__(self):
        self.until = 0.0

    def active(self) -> bool:
        return time.monotonic() < self.until

    def start(self) -> None:
        self.until = time.monotonic() + settings.CLIC_MAIL_BROKER_PAUSE

    def clear(self) -> None:
        self.until = 0.0


broker_pause = BrokerPause()


def publish_after_commit(email_ids: Sequence[int]) -> list[int]:
    """Publish the send tasks of a committed change, unless the broker was just found down:
    a request never waits for a broker that is not there."""
    if broker_pause.active():
        _leave_for_the_sweeper(email_ids)
        return []
    return publish_send_tasks(email_ids)


def publish_send_tasks(email_ids: Sequence[int]) -> list[int]:
    """Ask the workers to send these rows, a batch per task (one SMTP and database connection
    for many emails). Never raises into the caller: while the broker is down the rows stay
    queued with no task, and the sweeper publishes them later."""
    from kombu.exceptions import OperationalError

    from .tasks import outbox_send, outbox_send_batch

    size = settings.CLIC_MAIL_BATCH_SIZE
    published: list[int] = []
    for start in range(0, len(email_ids), size):
        batch = list(email_ids[start:start + size])
        try:
            if len(batch) == 1:
                outbox_send.apply_async((batch[0],), retry=False)
            else:
                outbox_send_batch.apply_async((batch,), retry=False)
        except (OperationalError, ConnectionError, OSError):
            logger.warning("Broker unreachable: %d email(s) left for the sweeper",
                           len(email_ids) - len(published))
            broker_pause.start()
            break
        except Exception:
            logger.exception("Could not publish the send task for emails %s", batch)
            continue
        broker_pause.clear()
        published.extend(batch)
    done = set(published)
    _leave_for_the_sweeper([email_id for email_id in email_ids if email_id not in done])
    return published


def _leave_for_the_sweeper(email_ids: Sequence[int]) -> None:
    if not email_ids:
        return
    try:
        OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.QUEUED).update(
            enqueued_at=None)
    except DatabaseError:
        logger.exception("Could not mark emails %s for the sweeper", email_ids)


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_header], reply_to=email.reply_to_addresses,
        headers={"Message-ID": email.message_id, "X-CLIC-SOP": email.code,
                 "Auto-Submitted": "auto-generated"})
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(_mime_part(attachment))
    return message


def _mime_part(attachment: dict) -> MIMEBase:
    header = Message()
    header["Content-Type"] = attachment["mimetype"]
    maintype, subtype = header.get_content_maintype(), header.get_content_subtype()
    params = dict(header.get_params()[1:])
    if "text" in attachment and maintype == "text":
        part = SafeMIMEText(attachment["text"], subtype, params.get("charset", "utf-8"))
        # Keep the caller's parameters and their order, e.g. text/calendar; method=REQUEST.
        del part["Content-Type"]
        part["Content-Type"] = (attachment["mimetype"] if "charset" in params
                                else f"{attachment['mimetype']}; charset=utf-8")
    else:
        content = (base64.b64decode(attachment["base64"]) if "base64" in attachment
                   else attachment["text"].encode())
        part = MIMEBase(maintype, subtype, **params)
        part.set_payload(base64.b64encode(content).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def retry_delay(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: growing, capped at the last delay."""
    delays = settings.CLIC_MAIL_RETRY_DELAYS
    return timedelta(seconds=delays[min(max(attempts, 1), len(delays)) - 1])


def is_temporary(exc: BaseException) -> bool:
    """Connection trouble and 4xx replies are worth retrying; 5xx replies are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(not 500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # Our credentials, not the message: retry once an operator has fixed them.
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return not 500 <= exc.smtp_code < 600
    return isinstance(exc, OSError | SoftTimeLimitExceeded)


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {_text(reply)}"
                         for address, (code, reply) in exc.recipients.items())[:2000]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def outbox_email_send(*, email_id: int) -> str | None:
    """Claim a queued row and send it once; returns the new status, or None when the row
    was not ours to send (already sent, being sent, or not yet due)."""
    return outbox_emails_send(email_ids=[email_id])[email_id]


def outbox_emails_send(*, email_ids: Sequence[int]) -> dict[int, str | None]:
    """Send queued rows one by one through one connection, each claimed just before it is
    sent and its outcome recorded just after, so a worker that dies mid-batch leaves at most
    one row in doubt. Returns each row's new status (None: not ours to send).

    Raises DatabaseError when the database is down (the task retries later): rows not yet
    claimed stay queued, and a row the SMTP server accepted is marked sent, now or, after
    CLIC_MAIL_RECORD_PATIENCE, by the journal's replay."""
    Status = OutboundEmail.Status
    sent_journal_replay()
    emails = OutboundEmail.objects.filter(status=Status.QUEUED).in_bulk(email_ids)
    results: dict[int, str | None] = dict.fromkeys(email_ids)
    smtp = get_connection(fail_silently=False)
    unreachable: Exception | None = None
    try:
        with in_flight.holding([email_id for email_id in email_ids if email_id in emails]):
            for email_id in email_ids:
                email = emails.get(email_id)
                if email is None or not _claim(email):
                    continue
                error = unreachable
                if error is None:
                    try:
                        smtp.open()
                    except Exception as exc:
                        # The server cannot be reached: the rest of the batch would only wait
                        # for the same timeout, so each takes this attempt's failure as its own.
                        error = unreachable = exc
                if error is None:
                    try:
                        smtp.send_messages([build_message(email)])
                    except Exception as exc:
                        error = exc
                        if not isinstance(exc, smtplib.SMTPResponseException
                                          | smtplib.SMTPRecipientsRefused):
                            smtp.close()  # a broken session: the next email reconnects
                results[email_id] = _record(email, error)
                if isinstance(error, SoftTimeLimitExceeded):
                    # The hard limit is near: stop here. The rows not yet claimed are still
                    # queued, and their heartbeat stops: the sweeper publishes them again.
                    break
    finally:
        smtp.close()
    return results


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(email: OutboundEmail) -> bool:
    """queued -> sending, only if nobody else has touched the row since it was read."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email.pk, status=OutboundEmail.Status.QUEUED, attempts=email.attempts,
        next_attempt_at__lte=now,
    ).update(status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now,
             claimed_by=worker_id(), heartbeat_at=now)
    if claimed:
        email.status, email.attempts, email.claimed_at = (OutboundEmail.Status.SENDING,
                                                          email.attempts + 1, now)
    return bool(claimed)


class InFlight:
    """The rows this process has taken to send (its batch, queued or being sent), and a
    thread that refreshes their heartbeat every CLIC_MAIL_HEARTBEAT_INTERVAL seconds while
    there are any. When the heartbeat stops (the worker died) the sweeper takes the rows
    back after CLIC_MAIL_HEARTBEAT_TIMEOUT; a slow send keeps its rows."""

    def __init__(self):
        self.lock = threading.Lock()
        # Counted: two tasks in this process may hold the same row (a task published twice).
        self.ids: Counter[int] = Counter()
        self.thread: threading.Thread | None = None
        self.pid = 0

    @contextlib.contextmanager
    def holding(self, email_ids: Sequence[int]):
        # The batch's first row is claimed at once (the claim marks it): only the rest wait.
        waiting = email_ids[1:]
        OutboundEmail.objects.filter(pk__in=waiting, status=OutboundEmail.Status.QUEUED).update(
            claimed_by=worker_id(), heartbeat_at=timezone.now())
        with self.lock:
            self.ids.update(email_ids)
            if self.pid != os.getpid() or self.thread is None or not self.thread.is_alive():
                # First batch in this process (a pool's child forks without its parent's
                # threads).
                self.pid = os.getpid()
                self.thread = threading.Thread(target=self._beat, name="outbox-heartbeat",
                                               daemon=True)
                self.thread.start()
        try:
            yield
        finally:
            with self.lock:
                self.ids.subtract(email_ids)
                self.ids = +self.ids  # only the rows still held
        # Rows the batch did not send (not due yet) are let go: a heartbeat left to go stale
        # would read as a dead worker's. After an exception the database may be down: then
        # their heartbeat goes stale and the sweeper publishes them again, which is right.
        OutboundEmail.objects.filter(
            pk__in=waiting, status=OutboundEmail.Status.QUEUED, claimed_by=worker_id(),
        ).update(claimed_by="", heartbeat_at=None)

    def _beat(self) -> None:
        Status = OutboundEmail.Status
        while True:
            time.sleep(settings.CLIC_MAIL_HEARTBEAT_INTERVAL)
            with self.lock:
                ids = list(self.ids)
            if not ids:
                continue
            try:
                OutboundEmail.objects.filter(
                    pk__in=ids, status__in=[Status.QUEUED, Status.SENDING],
                    claimed_by=worker_id(),
                ).update(heartbeat_at=timezone.now())
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                logger.warning("Could not refresh the heartbeat of emails %s", ids)
            finally:
                _reconnect()  # no connection held between beats


in_flight = InFlight()


def _reconnect() -> None:
    """Drop this thread's database connection, so the next query opens a fresh one."""
    with contextlib.suppress(DatabaseError):
        connection.close()


def _until_the_database_answers(write, *, what: str) -> None:
    """Run `write` until the database takes it, for up to CLIC_MAIL_RECORD_PATIENCE seconds
    (a restart, a failover); then raise its error."""
    deadline = time.monotonic() + settings.CLIC_MAIL_RECORD_PATIENCE
    pause = 0.1
    failures = 0
    while True:
        try:
            write()
            if failures:
                logger.warning("Database back: recorded %s after %d failed tries", what,
                               failures)
            return
        except DatabaseError as exc:
            if time.monotonic() + pause > deadline:
                raise
            if not failures:
                logger.warning("Database unavailable while recording %s, trying again for "
                               "up to %s s: %s", what, settings.CLIC_MAIL_RECORD_PATIENCE, exc)
            failures += 1
            _reconnect()
            time.sleep(pause)
            # Short: once the database is back, the row is marked sent at once.
            pause = min(pause * 2, 0.5)


def _record(email: OutboundEmail, error: Exception | None) -> str:
    Status = OutboundEmail.Status
    if error is None:
        _record_sent(email)
        return Status.SENT
    # Only this claim's outcome: a row the sweeper took back meanwhile is not overwritten.
    mine = OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING,
                                        claimed_at=email.claimed_at)
    description = describe_error(error)
    if is_temporary(error) and email.attempts < settings.CLIC_MAIL_MAX_ATTEMPTS:
        logger.warning("Email %s attempt %s failed, will retry: %s", email.pk, email.attempts,
                       description)
        status, changes = Status.QUEUED, {
            "last_error": description, "enqueued_at": None,
            "next_attempt_at": timezone.now() + retry_delay(email.attempts)}
    else:
        logger.error("Email %s failed after %s attempt(s): %s", email.pk, email.attempts,
                     description)
        status, changes = Status.FAILED, {"last_error": description}
    _until_the_database_answers(lambda: mine.update(status=status, **changes),
                                what=f"the outcome of email {email.pk}")
    return status


def _record_sent(email: OutboundEmail) -> None:
    """The SMTP server accepted the email: it is sent, whatever became of the claim meanwhile
    (a sweeper that took the row back must not send it again). If the database stays away
    longer than our patience, the fact goes to the journal rather than being lost."""
    Status = OutboundEmail.Status
    sent_at = timezone.now()
    try:
        _until_the_database_answers(
            lambda: OutboundEmail.objects.filter(pk=email.pk).exclude(status=Status.SENT)
            .update(status=Status.SENT, sent_at=sent_at, last_error=""),
            what=f"email {email.pk} as sent")
    except (DatabaseError, SoftTimeLimitExceeded):
        sent_journal_append(email_id=email.pk, sent_at=sent_at)
        raise


def _journal_path() -> Path:
    return Path(settings.CLIC_MAIL_SENT_JOURNAL)


def sent_journal_append(*, email_id: int, sent_at: datetime) -> None:
    """Write down, durably, that the SMTP server accepted this email (an id and a time: no
    personal data)."""
    path = _journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "a", encoding="utf-8") as journal:
            fcntl.flock(journal, fcntl.LOCK_EX)
            journal.write(json.dumps({"id": email_id, "sent_at": sent_at.isoformat()}) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
        logger.error("Database unavailable: email %s recorded as sent in %s", email_id, path)
    except OSError:
        logger.critical("Email %s was accepted by the SMTP server but neither the database "
                        "nor the journal %s could record it: it may be sent again",
                        email_id, path, exc_info=True)


def sent_journal_replay() -> int:
    """Mark sent every email the journal holds, then empty it; returns how many it held.
    Raises DatabaseError (keeping the journal) while the database is down."""
    path = _journal_path()
    try:
        if path.stat().st_size == 0:
            return 0
    except FileNotFoundError:
        return 0
    Status = OutboundEmail.Status
    with open(path, "r+", encoding="utf-8") as journal:
        fcntl.flock(journal, fcntl.LOCK_EX)
        entries = []
        for line in journal.read().splitlines():
            with contextlib.suppress(ValueError, KeyError):  # a line torn by a crash
                entry = json.loads(line)
                entries.append((int(entry["id"]), datetime.fromisoformat(entry["sent_at"])))
        for email_id, sent_at in entries:
            OutboundEmail.objects.filter(pk=email_id).exclude(status=Status.SENT).update(
                status=Status.SENT, sent_at=sent_at, last_error="")
        journal.seek(0)
        journal.truncate()
    if entries:
        logger.warning("Replayed the sent-email journal: %d email(s) marked sent", len(entries))
    return len(entries)


def _database_up_since() -> datetime | None:
    """When the PostgreSQL server started (None for another database: taken as long ago)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()")
        return cursor.fetchone()[0]


def outbox_sweep() -> dict[str, int]:
    """Replay this host's sent-email journal, take back rows whose worker died mid-send (its
    heartbeat stopped, or the claim is older than the sending timeout), then publish a task
    for every due queued row that has none (broker was down, worker lost it, or a retry is
    due)."""
    sent_journal_replay()
    now = timezone.now()
    Status = OutboundEmail.Status
    stale_since = now - timedelta(seconds=settings.CLIC_MAIL_HEARTBEAT_TIMEOUT)
    # No heartbeat could be written while the database was down: until it has been up for the
    # heartbeat timeout, a missed one says nothing about its worker.
    up_since = _database_up_since()
    stale = (Q(heartbeat_at__lte=stale_since) if up_since is None or up_since <= stale_since
             else Q(pk__in=[]))
    # A worker died holding rows: the tasks it had received but not started died with it.
    # Their rows were published before its last heartbeat (or within one interval of it).
    last_beat_of_the_dead = OutboundEmail.objects.filter(
        stale, status__in=[Status.QUEUED, Status.SENDING]).aggregate(Max("heartbeat_at"))[
        "heartbeat_at__max"]
    lost_with_a_dead_worker = (
        Q(enqueued_at__lte=last_beat_of_the_dead
          + timedelta(seconds=settings.CLIC_MAIL_HEARTBEAT_INTERVAL))
        if last_beat_of_the_dead else Q(pk__in=[]))
    stuck = OutboundEmail.objects.filter(status=Status.SENDING).filter(
        stale | Q(claimed_at__lte=now - timedelta(seconds=settings.CLIC_MAIL_SENDING_TIMEOUT)))
    gave_up = stuck.filter(attempts__gte=settings.CLIC_MAIL_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        last_error="The worker stopped while sending and no attempts are left.")
    recovered = stuck.update(status=Status.QUEUED, next_attempt_at=now, enqueued_at=None,
                             claimed_by="", heartbeat_at=None,
                             last_error="The worker stopped while sending; queued again.")
    requeue_after = timedelta(seconds=settings.CLIC_MAIL_REQUEUE_AFTER)
    # Due and with no live task: none published, the task presumed lost, the worker that
    # took the row into its batch stopped beating, or the task may have died with a worker
    # (a row whose task is in fact still waiting gets a second one, which finds it sent).
    due = list(
        OutboundEmail.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - requeue_after) | stale
                | lost_with_a_dead_worker)
        .order_by("next_attempt_at").values_list("pk", flat=True)
        [:settings.CLIC_MAIL_SWEEP_BATCH])
    published = publish_send_tasks(due)
    if published:
        OutboundEmail.objects.filter(pk__in=published, status=Status.QUEUED).update(
            enqueued_at=now, claimed_by="", heartbeat_at=None)
    if gave_up or recovered or due:
        logger.info("Outbox sweep: %s recovered, %s failed, %s of %s due published",
                    recovered, gave_up, len(published), len(due))
    return {"recovered": recovered, "failed": gave_up, "due": len(due),
            "published": len(published)}


@transaction.atomic
def outbox_email_resend(*, email: OutboundEmail, by) -> OutboundEmail:
    """Give a failed email a fresh set of attempts and send it now."""
    now = timezone.now()
    updated = OutboundEmail.objects.filter(pk=email.pk, status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.QUEUED, attempts=0, next_attempt_at=now, enqueued_at=now,
        resent_at=now, resent_by=by)
    if not updated:
        raise EmailNotResendable("Only a failed email can be sent again.")
    transaction.on_commit(lambda: publish_after_commit([email.pk]), robust=True)
    email.refresh_from_db()
    return email


# Watching the outbox ---------------------------------------------------------------------

ALERT_CODE = "OUTBOX-ALERT"


def outbox_figures() -> dict:
    """The outbox's health, counts only: emails queued, the age in seconds of the oldest
    (null when none), and emails that failed in the last day (their last attempt's claim)."""
    Status = OutboundEmail.Status
    now = timezone.now()
    queued = OutboundEmail.objects.filter(status=Status.QUEUED).aggregate(
        count=Count("pk"), oldest=Min("created_at"))
    return {"queued": queued["count"],
            "oldest_queued_seconds": (int((now - queued["oldest"]).total_seconds())
                                      if queued["oldest"] else None),
            "failed_last_day": OutboundEmail.objects.filter(
                status=Status.FAILED, claimed_at__gte=now - timedelta(days=1)).count()}


@transaction.atomic
def outbox_alert_raise() -> list[OutboundEmail]:
    """Tell the Programme Directors and Administrators, through the outbox, when emails have
    failed since the last such alert, or when the oldest queued email has waited longer than
    CLIC_MAIL_ALERT_QUEUE_AGE: once per incident (a failure alert names the newest failed
    row, a queue alert the oldest waiting one, and the event key makes each once). The alerts
    themselves are not watched, so an SMTP outage cannot feed itself; it is logged at ERROR,
    and /healthz shows the figures."""
    Status = OutboundEmail.Status
    now = timezone.now()
    watched = OutboundEmail.objects.exclude(code=ALERT_CODE)
    last_failure_alert = (OutboundEmail.objects.filter(
        code=ALERT_CODE, idempotency_key__startswith="outbox-alert:failed:")
        .aggregate(at=Max("created_at"))["at"] or now - timedelta(days=1))
    failed = watched.filter(status=Status.FAILED, claimed_at__gt=last_failure_alert)
    newest_failed = failed.order_by("-pk").values_list("pk", flat=True).first()
    stuck = (watched.filter(status=Status.QUEUED,
                            created_at__lt=now - timedelta(seconds=settings.CLIC_MAIL_ALERT_QUEUE_AGE))
             .order_by("created_at", "pk").first())
    incidents = []
    if newest_failed is not None:
        incidents.append((f"outbox-alert:failed:{newest_failed}",
                          {"failed": failed.count()}))
    if stuck is not None:
        incidents.append((f"outbox-alert:stuck:{stuck.pk}",
                          {"waiting_minutes": int((now - stuck.created_at).total_seconds() // 60)}))
    staff = sorted(set(User.objects.filter(
        is_active=True, memberships__role__in=[Role.PD, Role.PA]).values_list("email", flat=True)))
    rows = []
    for event_key, context in incidents:
        if OutboundEmail.objects.filter(idempotency_key__startswith=f"{event_key}:").exists():
            continue
        logger.error("Outbox alert %s: %s", event_key, context)
        rows += email_queue_template(code=ALERT_CODE, to=staff, template="mail/outbox_alert",
                                     context={**context, **outbox_figures(),
                                              "path": "/outbox/"},
                                     event_key=event_key)
    return rows
