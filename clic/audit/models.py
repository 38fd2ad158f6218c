from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnly(Exception):
    """An audit event was about to be changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit events are never changed.")

    def delete(self):
        raise AppendOnly("Audit events are never deleted.")


def _reference(to, **kwargs):
    """A link that never changes the event: no database constraint and nothing done when the
    person, placement or cohort is deleted (the event outlives them; pages show "removed")."""
    return models.ForeignKey(to, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+", **kwargs)


class AuditEvent(models.Model):
    """Who created, changed, deleted or viewed what, and when. Append-only: save() refuses an
    existing row, delete() refuses always, and a database trigger refuses UPDATE and DELETE
    (migration 0002). The summary never carries health details: no sickness note or reason.

    The trainee, placement, cohort and programme are kept for filtering and for scoping the
    log to the PDs of the programme; names are read through them when shown, so the log
    itself holds no names and needs no change when a former trainee is anonymised."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        VIEWED = "viewed", "Viewed"

    created_at = models.DateTimeField("when", default=timezone.now, editable=False)
    actor = _reference(settings.AUTH_USER_MODEL)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    trainee = _reference(settings.AUTH_USER_MODEL, verbose_name="about trainee")
    placement = _reference("trainees.Placement")
    cohort = _reference("rotations.Cohort")
    programme = _reference("accounts.Organisation")
    summary = models.CharField(max_length=300)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "-created_at"], name="audit_programme_idx"),
            models.Index(fields=["cohort", "-created_at"], name="audit_cohort_idx"),
            models.Index(fields=["placement", "-created_at"], name="audit_placement_idx"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type} {self.object_id}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events are never deleted.")
