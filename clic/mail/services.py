"""Every write to the outbox: queueing emails (in the caller's transaction), sending them
(one row, or a batch through one connection), sweeping lost ones back into the queue, and
re-sending a failed one.

Nothing else in the service sends email: features call `sop_notify` (an SOP row),
`email_queue_template` (a templated email to given addresses) or `email_queue_rendered`
(a message rendered elsewhere, e.g. by allauth).
"""

import base64
import hashlib
import logging
import re
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import Message
from email.mime.base import MIMEBase
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.message import SafeMIMEText
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.template import Context, engines
from django.utils import timezone
from django.utils.html import strip_tags

from .catalogue import HEALTH_DATA_CONTEXT_KEYS, Recipient, row_for
from .models import OutboundEmail

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_RETRY_DELAYS = (30, 120, 600, 1800, 7200)
# Longer than CELERY_TASK_TIME_LIMIT, so a row is only taken back from a worker that died.
DEFAULT_SENDING_TIMEOUT = 300
# A fresh row's task normally sends it within a second; after this it is presumed lost.
DEFAULT_REQUEUE_AFTER = 60
DEFAULT_SWEEP_BATCH = 5000
# Emails per send task: one SMTP session and one database connection serve them all.
DEFAULT_BATCH_SIZE = 25


def _setting(name: str, default):
    return getattr(settings, name, default)


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
    from clic.accounts.models import User

    row_for(code)
    addresses = _unique_addresses(to)
    names = dict(User.objects.filter(email__in=addresses).values_list("email", "full_name"))
    addressees = [Addressee(email=address, name=names.get(address, "")) for address in addresses]
    placement, cohort = _placement_and_cohort(about)
    return _queue(code=code, event_key=event_key, addressees=addressees, about=about,
                  placement=placement, cohort=cohort, attachments=attachments,
                  render=lambda addressee: render_email(
                      template, {**context, "recipient": addressee}))


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
    """Queue an SOP row's email to everyone its roles name, as they stand now.

    `recipients_override` replaces the row's roles: Recipient values, or people (anything
    with `.email`) and plain addresses, for events such as S9 and S10 whose recipients
    are the people of one meeting or session.
    """
    row = row_for(code)
    placement, cohort, placements = _event_scope(code, about=about, placement=placement,
                                                 cohort=cohort)
    addressees = resolve_recipients(
        row.recipients if recipients_override is None else recipients_override,
        placement=placement, cohort=cohort, placements=placements)
    if not addressees:
        logger.warning("%s %s has no recipients", code, event_key)
    render = _sop_renderer(row, about=about, placement=placement, cohort=cohort,
                           placements=placements, context=context, attachments=attachments)
    return _queue(code=code, event_key=event_key, addressees=addressees, about=about,
                  placement=placement, cohort=cohort, attachments=attachments, render=render)


def _sop_renderer(row, *, about, placement, cohort, placements, context, attachments):
    """How an SOP event's email is worded for each addressee: (subject, text, HTML)."""
    event_context = dict(context or {})
    if row.health_data:
        # Sickness is special-category data: whatever the caller passed, only dates reach
        # the template, and not the absence itself (it may carry a note).
        event_context = {k: v for k, v in event_context.items() if k in HEALTH_DATA_CONTEXT_KEYS}
    base = {**event_context, "row": row, "cohort": cohort, "ccg": cohort.ccg,
            "placement": placement, "trainee": placement.trainee if placement else None,
            "placements": placements,
            "attachment_names": [_stored_attachment(a)["filename"] for a in attachments]}
    if not row.health_data:
        base["about"] = about

    def render(addressee: Addressee):
        return render_email(row.template, {**base, "recipient": addressee})

    return render


def sop_subjects(*, code: str, addressees: Sequence[Addressee], about=None, placement=None,
                 cohort=None, context: dict | None = None) -> list[str]:
    """The subject line each of these addressees would get from `sop_notify` with the same
    arguments: how a confirmation page names which email goes to whom."""
    placement, cohort, placements = _event_scope(code, about=about, placement=placement,
                                                 cohort=cohort)
    render = _sop_renderer(row_for(code), about=about, placement=placement, cohort=cohort,
                           placements=placements, context=context, attachments=())
    return [render(addressee)[0] for addressee in addressees]


def sop_addressees(*, code: str, about=None, placement=None, cohort=None,
                   recipients_override: Sequence | None = None) -> list[Addressee]:
    """Exactly the addresses `sop_notify` with the same arguments would email now: what a
    preview or confirmation page names, so that the page and the outbox cannot disagree."""
    placement, cohort, placements = _event_scope(code, about=about, placement=placement,
                                                 cohort=cohort)
    return resolve_recipients(
        row_for(code).recipients if recipients_override is None else recipients_override,
        placement=placement, cohort=cohort, placements=placements)


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
    from clic.accounts.models import Role, User

    found: dict[str, Addressee] = {}
    everyone: list = []

    def cohort_placements():
        if not everyone:
            everyone.extend(_cohort_placements(cohort))
        return everyone

    def add(email, name, role, for_placements=()):
        email = (email or "").strip().lower()
        if not email:
            return
        addressee = found.setdefault(email, Addressee(email=email, name=name))
        label = role.label if isinstance(role, Recipient) else role
        if label not in addressee.roles:
            addressee.roles.append(label)
            addressee.role_codes.append(role.value if isinstance(role, Recipient) else "named")
        for p in for_placements:
            if p not in addressee.placements:
                addressee.placements.append(p)

    def add_person(user, role, for_placements=()):
        if user is not None and user.is_active:
            add(user.email, user.full_name, role, for_placements)

    for recipient in recipients:
        if not (isinstance(recipient, str) and recipient in Recipient.values):
            # A person or an address named by the event itself.
            if hasattr(recipient, "email"):
                add_person(recipient, "Named by the event", placements)
            else:
                add(recipient, "", "Named by the event", placements)
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


def _cohort_placements(cohort) -> list:
    return list(cohort.placements.select_related(
        "trainee", "ccg_supervisor", "project_lead", "educational_supervisor"))


def _placement_and_cohort(about):
    """The placement and cohort an object concerns, when it says (for the outbox filters)."""
    from rotations.models import Cohort
    from trainees.models import Placement

    if isinstance(about, Placement):
        return about, about.cohort
    if isinstance(about, Cohort):
        return None, about
    placement = getattr(about, "placement", None)
    if isinstance(placement, Placement):
        return placement, placement.cohort
    cohort = getattr(about, "cohort", None)
    if isinstance(cohort, Cohort):
        return None, cohort
    return None, None


def _unique_addresses(addresses) -> list[str]:
    seen: dict[str, None] = {}
    for address in addresses:
        email = parseaddr(address)[1].strip().lower()
        if email:
            seen.setdefault(email, None)
    return list(seen)


def _queue(*, code, event_key, addressees, about, placement, cohort, attachments, render):
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
            recipient_roles=addressee.roles_display[:300], subject=subject[:300],
            body_text=text, body_html=html, attachments=stored_attachments,
            created_at=now, next_attempt_at=now, enqueued_at=now,
            content_type=content_type, object_id=about.pk if about is not None else None,
            placement=only, cohort=cohort))
    if drafts:
        OutboundEmail.objects.bulk_create(drafts, ignore_conflicts=True)
    rows = {row.idempotency_key: row
            for row in OutboundEmail.objects.filter(idempotency_key__in=keys.values())}
    new_ids = [rows[d.idempotency_key].pk for d in drafts if d.idempotency_key in rows]
    if new_ids:
        transaction.on_commit(lambda: publish_send_tasks(new_ids), robust=True)
    return [rows[key] for key in keys.values() if key in rows]


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


# Rendering --------------------------------------------------------------------------------


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML from the template trio; links start at SITE_URL."""
    context = {"site_url": settings.SITE_URL,
               "link": settings.SITE_URL + context.get("path", "/"), **context}
    engine = engines["django"]

    def render(name, autoescape):
        return engine.get_template(name).template.render(Context(context, autoescape=autoescape))

    subject = _one_line(render(f"{template}_subject.txt", autoescape=False))
    text = re.sub(r"\n{3,}", "\n\n", render(f"{template}.txt", autoescape=False)).strip() + "\n"
    html = render(f"{template}.html", autoescape=True).strip()
    return subject, text, html


def _one_line(text: str) -> str:
    return " ".join(text.split())


# Sending ----------------------------------------------------------------------------------


def publish_send_tasks(email_ids: Sequence[int]) -> list[int]:
    """Ask the workers to send these rows, a batch per task (one SMTP and database connection
    for many emails). Never raises into the caller: while the broker is down the rows stay
    queued with no task, and the sweeper publishes them later."""
    from kombu.exceptions import OperationalError

    from .tasks import outbox_send, outbox_send_batch

    size = _setting("CLIC_MAIL_BATCH_SIZE", DEFAULT_BATCH_SIZE)
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
            break
        except Exception:
            logger.exception("Could not publish the send task for emails %s", batch)
            continue
        published.extend(batch)
    done = set(published)
    missed = [email_id for email_id in email_ids if email_id not in done]
    if missed:
        try:
            OutboundEmail.objects.filter(pk__in=missed, status=OutboundEmail.Status.QUEUED).update(
                enqueued_at=None)
        except DatabaseError:
            logger.exception("Could not mark emails %s for the sweeper", missed)
    return published


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_header], reply_to=list(settings.CLIC_REPLY_TO),
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
    delays = _setting("CLIC_MAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)
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
    one row in doubt. Returns each row's new status (None: not ours to send)."""
    Status = OutboundEmail.Status
    emails = OutboundEmail.objects.filter(status=Status.QUEUED).in_bulk(email_ids)
    results: dict[int, str | None] = dict.fromkeys(email_ids)
    connection = get_connection(fail_silently=False)
    unreachable: Exception | None = None
    try:
        for email_id in email_ids:
            email = emails.get(email_id)
            if email is None or not _claim(email):
                continue
            error = unreachable
            if error is None:
                try:
                    connection.open()
                except Exception as exc:
                    # The server cannot be reached: the rest of the batch would only wait for
                    # the same timeout, so each takes this attempt's failure as its own.
                    error = unreachable = exc
            if error is None:
                try:
                    connection.send_messages([build_message(email)])
                except Exception as exc:
                    error = exc
                    if not isinstance(exc, smtplib.SMTPResponseException
                                      | smtplib.SMTPRecipientsRefused):
                        connection.close()  # a broken session: the next email reconnects
            results[email_id] = _record(email, error)
            if isinstance(error, SoftTimeLimitExceeded):
                # The hard limit is near: stop here. The rows not yet claimed are still
                # queued and the sweeper publishes them again.
                break
    finally:
        connection.close()
    return results


def _claim(email: OutboundEmail) -> bool:
    """queued -> sending, only if nobody else has touched the row since it was read."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email.pk, status=OutboundEmail.Status.QUEUED, attempts=email.attempts,
        next_attempt_at__lte=now,
    ).update(status=OutboundEmail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if claimed:
        email.status, email.attempts, email.claimed_at = (OutboundEmail.Status.SENDING,
                                                          email.attempts + 1, now)
    return bool(claimed)


def _record(email: OutboundEmail, error: Exception | None) -> str:
    Status = OutboundEmail.Status
    # Only this claim's outcome: a row the sweeper took back meanwhile is not overwritten.
    mine = OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING,
                                        claimed_at=email.claimed_at)
    if error is None:
        mine.update(status=Status.SENT, sent_at=timezone.now(), last_error="")
        return Status.SENT
    description = describe_error(error)
    if is_temporary(error) and email.attempts < _setting("CLIC_MAIL_MAX_ATTEMPTS",
                                                         DEFAULT_MAX_ATTEMPTS):
        logger.warning("Email %s attempt %s failed, will retry: %s", email.pk, email.attempts,
                       description)
        mine.update(status=Status.QUEUED, last_error=description, enqueued_at=None,
                    next_attempt_at=timezone.now() + retry_delay(email.attempts))
        return Status.QUEUED
    logger.error("Email %s failed after %s attempt(s): %s", email.pk, email.attempts,
                 description)
    mine.update(status=Status.FAILED, last_error=description)
    return Status.FAILED


def outbox_sweep() -> dict[str, int]:
    """Take back rows from workers that died mid-send, then publish a task for every due
    queued row that has none (broker was down, worker lost it, or a retry is due)."""
    now = timezone.now()
    timeout = timedelta(seconds=_setting("CLIC_MAIL_SENDING_TIMEOUT", DEFAULT_SENDING_TIMEOUT))
    stuck = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING,
                                         claimed_at__lte=now - timeout)
    gave_up = stuck.filter(
        attempts__gte=_setting("CLIC_MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS),
    ).update(status=OutboundEmail.Status.FAILED,
             last_error="The worker stopped while sending and no attempts are left.")
    recovered = stuck.update(status=OutboundEmail.Status.QUEUED, next_attempt_at=now,
                             enqueued_at=None,
                             last_error="The worker stopped while sending; queued again.")
    requeue_after = timedelta(seconds=_setting("CLIC_MAIL_REQUEUE_AFTER", DEFAULT_REQUEUE_AFTER))
    due = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - requeue_after))
        .order_by("next_attempt_at").values_list("pk", flat=True)
        [:_setting("CLIC_MAIL_SWEEP_BATCH", DEFAULT_SWEEP_BATCH)])
    published = publish_send_tasks(due)
    if published:
        OutboundEmail.objects.filter(pk__in=published, status=OutboundEmail.Status.QUEUED).update(
            enqueued_at=now)
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
    transaction.on_commit(lambda: publish_send_tasks([email.pk]), robust=True)
    email.refresh_from_db()
    return email
