from email.utils import formataddr, getaddresses

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


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
