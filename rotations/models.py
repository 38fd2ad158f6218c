import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models

from clic.accounts.models import Organisation

ROTATION_WEEKS = 16


class Cohort(models.Model):
    """A group of trainees on the 16-week rotation together, run by one or two PDs."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    name = models.CharField(max_length=200)
    programme = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="cohorts",
                                  limit_choices_to={"kind": Organisation.Kind.PROGRAMME})
    ccg = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ccg_cohorts",
                            verbose_name="CCG", limit_choices_to={"kind": Organisation.Kind.CCG})
    start_date = models.DateField(help_text="The Monday of week 1.")
    directors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="directed_cohorts",
                                       verbose_name="Programme Directors")
    als_facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name="Action learning set facilitator")
    teaching_venue = models.CharField(max_length=200, blank=True,
                                      help_text="Where Wednesday teaching is held.")
    ccg_venue = models.CharField("CCG base", max_length=200, blank=True,
                                 help_text="Where trainees do project work on their CCG day.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        indexes = [models.Index(fields=["programme", "start_date"]),
                   models.Index(fields=["ccg", "start_date"])]

    def __str__(self):
        return self.name

    @property
    def end_date(self):
        return self.start_date + timedelta(weeks=ROTATION_WEEKS, days=-1)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def week_of(self, day):
        """The rotation week (1-16) a date falls in, or None outside the rotation."""
        if not self.start_date <= day <= self.end_date:
            return None
        return (day - self.start_date).days // 7 + 1

    def monday_of_week(self, week: int):
        return self.start_date + timedelta(weeks=week - 1)


def new_session_uid() -> str:
    return f"{uuid.uuid4()}@clic"


class Session(models.Model):
    """One half-day (or a whole-day marker) of the timetable: for the whole cohort (Wednesdays,
    the presentation) or for one trainee's placement (their project day)."""

    class Part(models.TextChoices):
        AM = "am", "Morning"
        PM = "pm", "Afternoon"
        DAY = "day", "All day"

    class Kind(models.TextChoices):
        TEACHING = "teaching", "Teaching / workshop"
        ALS = "als", "Action learning set"
        PROJECT = "project", "Project work"
        MEETING = "meeting", "Supervision meeting"
        PRESENTATION = "presentation", "Project presentations"
        BANK_HOLIDAY = "bank_holiday", "Bank holiday"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    # Empty for cohort-wide sessions (Wednesday teaching and action learning set).
    placement = models.ForeignKey("trainees.Placement", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="sessions")
    week = models.PositiveSmallIntegerField()
    date = models.DateField()
    part = models.CharField(max_length=3, choices=Part.choices)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    kind = models.CharField("activity", max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    venue = models.CharField(max_length=200, blank=True)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="facilitated_sessions")
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # iCalendar identity: the UID never changes; SEQUENCE goes up with every change.
    uid = models.CharField(max_length=100, unique=True, default=new_session_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "start_time", "part", "placement_id"]
        indexes = [
            models.Index(fields=["cohort", "date"]),
            models.Index(fields=["placement", "date"]),
            models.Index(fields=["facilitator", "date"]),
            models.Index(fields=["date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(start_time__isnull=True) | models.Q(end_time__isnull=True)
                           | models.Q(end_time__gt=models.F("start_time"))),
                name="session_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%a %d %b %Y} {self.get_part_display().lower()})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

class CohortChange(models.Model):
    """The cohort's change log: who did what to it and its timetable, and when."""

    class Action(models.TextChoices):
        CREATED = "created", "Cohort created"
        EDITED = "edited", "Cohort details edited"
        TRAINEE_ADDED = "trainee_added", "Trainee added"
        PLACEMENT_EDITED = "placement_edited", "Placement edited"
        PUBLISHED = "published", "Timetable published"
        SESSION_EDITED = "session_edited", "Session changed"
        SESSION_CANCELLED = "session_cancelled", "Session cancelled"
        SESSION_REINSTATED = "session_reinstated", "Session reinstated"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="changes")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="changes")
    placement = models.ForeignKey("trainees.Placement", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    summary = models.CharField(max_length=500)
    # {"field label": ["old", "new"]} for edits.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cohort", "-created_at"])]

    def __str__(self):
        return self.summary


class TimetablePack(models.Model):
    """The cohort's portfolio timetables in one PDF, built in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="packs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="timetable-packs/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Timetable pack for {self.cohort} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0
