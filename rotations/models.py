import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models

from clic.accounts.models import Organisation
from clic.pdf import BackgroundPdf

# East Kent's handbook length (the invented cohort of the example emails).
ROTATION_WEEKS = 16
# The longest programme a template may describe.
LONGEST_ROTATION_WEEKS = 52


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class ProgrammeTemplate(models.Model):
    """A programme's timetable pattern (its handbook), kept as numbered versions. The one
    without a programme is east Kent's handbook, loaded by a migration: the starting point
    every programme can use or copy until it has its own."""

    programme = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="timetable_templates",
                                  limit_choices_to={"kind": Organisation.Kind.PROGRAMME})
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class TemplateVersion(models.Model):
    """One version of a template. Once a cohort uses it, it never changes: an edit makes the
    next version, so a running cohort keeps the timetable it was planned from.

    `teaching_sessions`: the cohort-wide sessions, [{"weekday", "part", "start", "end",
    "title", "kind", "weeks"}] with times "HH:MM" and `weeks` empty for every week.
    `activities`: one [morning, afternoon] pair of {"kind", "title"} per week (an empty
    title: no session that half-day)."""

    template = models.ForeignKey(ProgrammeTemplate, on_delete=models.CASCADE,
                                 related_name="versions")
    number = models.PositiveSmallIntegerField()
    weeks = models.PositiveSmallIntegerField("length in weeks")
    teaching_sessions = models.JSONField(default=list)
    project_weekday = models.PositiveSmallIntegerField(
        "default project day", choices=Weekday.choices, default=Weekday.THURSDAY)
    other_project_day_allowed = models.BooleanField(
        "another weekday may be agreed", default=True)
    afternoon_weekday = models.PositiveSmallIntegerField(
        "afternoon half on", choices=Weekday.choices, null=True, blank=True,
        help_text="For project days split into two half-days: the weekday of the afternoon "
                  "half. Empty: both halves on the project day.")
    morning_start = models.TimeField()
    morning_end = models.TimeField()
    afternoon_start = models.TimeField()
    afternoon_end = models.TimeField()
    activities = models.JSONField(default=list)
    meeting_weeks = models.JSONField("SOP meeting weeks", default=list)
    presentation_week = models.PositiveSmallIntegerField()
    presentation_title = models.CharField(max_length=200)
    entries_per_week = models.PositiveSmallIntegerField("reflective entries expected a week")
    organisation_word = models.CharField(
        "the commissioning organisation is called", max_length=40,
        help_text='For example "CCG", "ICB" or "host organisation".')
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"],
                                               name="template_version_unique")]

    def __str__(self):
        return f"{self.template} (version {self.number})"

    @property
    def teaching_weekdays(self) -> list[int]:
        return sorted({spec["weekday"] for spec in self.teaching_sessions})

    @property
    def teaching_days_label(self) -> str:
        """How pages name the teaching day(s): "Wednesdays", "Tuesdays and Thursdays"."""
        days = [f"{Weekday(day).label}s" for day in self.teaching_weekdays]
        return " and ".join(filter(None, [", ".join(days[:-1]), *days[-1:]]))


class WeeksLater(models.Func):
    """A date plus a number of weeks, in SQL (neither database multiplies a duration alike)."""

    arity = 2
    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection,
                              template="(%(expressions)s * INTERVAL '7 days')::date",
                              arg_joiner=" + ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection,
                              template="date(%(expressions)s) || ' days')",
                              arg_joiner=", '+' || (7 * ", **extra_context)


def day_after_rotation(path: str = "") -> WeeksLater:
    """The day after a cohort's last day (`Cohort.end_date` + 1), in SQL, from its own
    length; `path` reaches the cohort from another model ("cohort__")."""
    return WeeksLater(models.F(f"{path}start_date"), models.F(f"{path}weeks"))


class Cohort(models.Model):
    """A group of trainees on a rotation together, run by one or two PDs, planned from one
    version of their programme's template."""

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
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT,
                                         related_name="cohorts", verbose_name="timetable template")
    # The version's length, kept on the cohort so its dates need no join.
    weeks = models.PositiveSmallIntegerField(editable=False)
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

    def save(self, *args, **kwargs):
        if self.weeks is None:
            self.weeks = self.template_version.weeks
        super().save(*args, **kwargs)

    @property
    def end_date(self):
        return self.start_date + timedelta(weeks=self.weeks, days=-1)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def week_of(self, day):
        """The rotation week (1 to `weeks`) a date falls in, or None outside the rotation."""
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


class TimetablePack(BackgroundPdf):
    """The cohort's portfolio timetables in one PDF, built in the background."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="packs")
    file = models.FileField(upload_to="timetable-packs/", blank=True)

    class Meta(BackgroundPdf.Meta):
        pass

    def __str__(self):
        return f"Timetable pack for {self.cohort} ({self.get_status_display()})"
