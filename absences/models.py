from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Absence(models.Model):
    """One report by (or for) a trainee: a sickness, a leave request, a session they cannot
    attend, or a note that they are running late. Which days it covers, and who is told of
    each, comes from the timetable (absences.routing).

    The note is visible only to the trainee, PAs and PDs: sickness is special-category
    data, so emails and CCG views say "sickness absence" and the dates, nothing more."""

    class Kind(models.TextChoices):
        SICKNESS = "sickness", "Sickness"
        ANNUAL_LEAVE = "annual_leave", "Annual leave"
        STUDY_LEAVE = "study_leave", "Study leave"
        CANNOT_ATTEND = "cannot_attend", "Cannot attend an educational session"
        RUNNING_LATE = "running_late", "Running late"

    class Part(models.TextChoices):
        DAY = "day", "All day"
        AM = "am", "Morning"
        PM = "pm", "Afternoon"

    class State(models.TextChoices):
        REPORTED = "reported", "Reported"
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="absences")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    first_day = models.DateField("first day")
    # Empty only for a sickness whose end is not known yet; "I'm back" fills it in.
    last_day = models.DateField("last day", null=True, blank=True)
    part = models.CharField("part of the day", max_length=3, choices=Part.choices,
                            default=Part.DAY)
    # The session a cannot-attend or running-late report is about.
    session = models.ForeignKey("rotations.Session", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="absences")
    # Or the SOP meeting (projects app) a running-late note is about.
    meeting = models.ForeignKey("projects.Meeting", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="late_notes")
    expected_arrival = models.TimeField("expected arrival", null=True, blank=True)
    note = models.TextField(blank=True, help_text="Seen only by the trainee, PAs and PDs.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.REPORTED)
    decision_comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # Goes up with every change its people are told of: part of each email's event key.
    version = models.PositiveIntegerField(default=1)
    # The SOP codes (S5...S9) whose people have been told of this report so far.
    notified_codes = models.JSONField(default=list, blank=True)
    # The preview page a report was confirmed from: confirming it again (a double click, a
    # second tab) finds this report rather than making and sending another.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_day", "-created_at"]
        indexes = [
            models.Index(fields=["placement", "first_day"]),
            models.Index(fields=["first_day", "last_day"]),
            models.Index(fields=["state", "kind"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__isnull=True) | Q(last_day__gte=F("first_day")),
                name="absence_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(last_day__isnull=False) | Q(kind="sickness", part="day"),
                name="absence_only_sickness_is_open_ended"),
            models.CheckConstraint(
                condition=Q(part="day") | Q(last_day=F("first_day")),
                name="absence_part_day_is_one_day"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.placement.trainee} from {self.first_day}"

    @property
    def is_open(self) -> bool:
        return self.last_day is None

    @property
    def is_live(self) -> bool:
        """Still standing: not withdrawn, and not a declined request."""
        return self.state not in (self.State.WITHDRAWN, self.State.DECLINED)


LEAVE_KINDS = (Absence.Kind.ANNUAL_LEAVE, Absence.Kind.STUDY_LEAVE)
# Reports that take the trainee away for whole or half days (running late does not).
DAY_KINDS = (Absence.Kind.SICKNESS, Absence.Kind.ANNUAL_LEAVE, Absence.Kind.STUDY_LEAVE,
             Absence.Kind.CANNOT_ATTEND)
# States in which a report still stands (and so blocks another report of the same day).
LIVE_STATES = (Absence.State.REPORTED, Absence.State.PENDING, Absence.State.APPROVED)


class AbsenceEvent(models.Model):
    """The report's history: who reported, changed, withdrew or decided it, and when.
    The summary never repeats the note."""

    class Action(models.TextChoices):
        REPORTED = "reported", "Reported"
        CHANGED = "changed", "Changed"
        CLOSED = "closed", "Back at work"
        WITHDRAWN = "withdrawn", "Withdrawn"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        EXTENDED = "extended", "Still absent: more people told"

    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.summary
