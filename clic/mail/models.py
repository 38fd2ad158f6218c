from email.utils import formataddr, getaddresses

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


def version_label(*, programme_id, version) -> str:
    """How the outbox names a table version: "version 2", "default version 1"."""
    return f"{'' if programme_id else 'default '}version {version}"


class RoutingTable(models.Model):
    """One version of a programme's "who is told what": for every SOP event, who receives
    its email, whom a reply reaches and its wording (the rows). A version is never changed:
    each edit saves a new one, and outbox rows name the version that produced them.

    The default table (no programme) is the handbook's SOP, loaded from the catalogue and its
    template files; a programme reads it until a PD first edits the programme's own."""

    programme = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="routing_tables")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    change = models.CharField("what changed", max_length=500, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"],
                                    name="mail_routing_programme_version"),
            models.UniqueConstraint(fields=["version"], condition=models.Q(programme__isnull=True),
                                    name="mail_routing_default_version"),
        ]

    def __str__(self):
        return f"{self.programme.name if self.programme_id else 'Default'} table, version {self.version}"

    @property
    def label(self) -> str:
        return version_label(programme_id=self.programme_id, version=self.version)


class RoutingRow(models.Model):
    """One event's routing in a table version: recipient roles and reply-to targets (catalogue
    values) and the Django template sources of its subject, text and HTML. An empty HTML
    source means the HTML part is made from the rendered text (an edited text body)."""

    table = models.ForeignKey(RoutingTable, on_delete=models.CASCADE, related_name="rows")
    code = models.CharField("SOP code", max_length=20)
    recipients = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject_template = models.TextField()
    text_template = models.TextField()
    html_template = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "code"],
                                               name="mail_routing_row_code")]

    def __str__(self):
        return f"{self.code} in {self.table}"


class OutboundEmail(models.Model):
    """One email to one address, written in the transaction of the change that causes it.

    A Celery task claims the row (queued -> sending) and records the outcome; the sweeper
    re-queues rows whose task was lost, so an outage delays mail but never loses it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    code = models.CharField("SOP code", max_length=20)
    # event + recipient: raising the same event twice never makes a second email.
    idempotency_key = models.CharField(max_length=500, unique=True)
    message_id = models.CharField(max_length=200)
    to_email = models.EmailField("to", help_text="Stored in lower case.")
    to_name = models.CharField(max_length=200, blank=True)
    recipient_roles = models.CharField(max_length=300, blank=True,
                                       help_text="Why this address receives the email.")
    # Whom a reply reaches, resolved from the catalogue row when the email was queued (an
    # address list as the header writes it); empty: no Reply-To header. The database default
    # serves rows written with COPY (bench.scale).
    reply_to = models.TextField("reply to", blank=True, default="", db_default="")
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename", "mimetype", "text" | "base64"}]
    attachments = models.JSONField(default=list, blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a send task was last published; null means none is pending (the sweeper's cue).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The worker process sending the email ("host:pid") and when it last said it was alive:
    # the sweeper takes back a claim whose heartbeat has stopped.
    claimed_by = models.CharField(max_length=200, blank=True, default="", db_default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    resent_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    # Kept beside `about` so the outbox filters by cohort and trainee without generic joins;
    # the audit trail outlives a deleted placement.
    placement = models.ForeignKey("trainees.Placement", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="outbound_emails")
    cohort = models.ForeignKey("rotations.Cohort", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="outbound_emails")
    # The "who is told what" version that routed and worded it; null for emails outside any
    # programme's table (invitations, alerts, account emails) and rows from before tables.
    routing_table = models.ForeignKey(RoutingTable, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outbound email"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_due_idx",
                         condition=models.Q(status="queued")),
            models.Index(fields=["claimed_at"], name="mail_sending_idx",
                         condition=models.Q(status="sending")),
            models.Index(fields=["-created_at", "-id"], name="mail_created_idx"),
            models.Index(fields=["code", "-created_at"], name="mail_code_idx"),
            models.Index(fields=["to_email"], name="mail_to_idx"),
            models.Index(fields=["content_type", "object_id"], name="mail_about_idx"),
        ]

    def __str__(self):
        return f"{self.code} to {self.to_email}: {self.subject}"

    @property
    def to_header(self) -> str:
        return formataddr((self.to_name, self.to_email)) if self.to_name else self.to_email

    @property
    def reply_to_addresses(self) -> list[str]:
        """The Reply-To header's addresses, each as "Name <address>"; none: no header."""
        return [formataddr(pair) for pair in getaddresses([self.reply_to]) if pair[1]]
