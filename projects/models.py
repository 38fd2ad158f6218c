"""Projects and supervision: the trainee's CCG project, the SOP meetings, the progress log,
the HR checklist, concerns, and the project summaries sent to the CCG committee."""

import datetime
import functools
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from rotations.models import LONGEST_ROTATION_WEEKS


class CommissioningStage(models.TextChoices):
    """The NHS commissioning cycle (NHS England): three stages, each with its activities."""

    STRATEGIC_PLANNING = "strategic_planning", (
        "Strategic planning: assess needs, review current services, decide priorities")
    PROCUREMENT = "procurement", (
        "Procuring services: design services, shape the structure of supply, contracting")
    MONITORING = "monitoring", (
        "Monitoring and evaluation: manage performance, seek patient and public views")
    WHOLE_CYCLE = "whole_cycle", "More than one stage of the cycle"


class Project(models.Model):
    """One trainee's CCG project: proposed by the trainee, agreed by the CCG Supervisor."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    placement = models.OneToOneField("trainees.Placement", on_delete=models.CASCADE,
                                     related_name="project")
    title = models.CharField(max_length=200)
    ccg_priority = models.CharField(
        "CCG priority it serves", max_length=300,
        help_text="From the CCG's annual report or a governing body paper.")
    priority_source_url = models.URLField(
        "Link to the annual report or governing body paper", max_length=500, blank=True)
    aims = models.TextField()
    commissioning_stage = models.CharField("Commissioning cycle stage", max_length=30,
                                           choices=CommissioningStage.choices)
    clinical_lead_name = models.CharField(
        "CCG Clinical Lead for the area", max_length=200, blank=True,
        help_text="The clinician who leads this area at the CCG, if there is one.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_at = models.DateTimeField()
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The PD "ensures the project is appropriate": their confirmation, reset by any change.
    confirmed_at = models.DateTimeField("confirmed appropriate at", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["placement"]

    def __str__(self):
        return self.title

    @property
    def is_agreed(self) -> bool:
        return self.status != self.Status.PROPOSED


# Fields whose change after agreement needs the CCG Supervisor to agree the project again.
PROJECT_SUBSTANCE_FIELDS = ("title", "ccg_priority", "aims", "commissioning_stage")


@dataclass(frozen=True)
class MeetingSpec:
    """A meeting the SOP expects: when, who arranges it, who is there, who hears if it is late."""

    kind: str
    label: str
    first_week: int
    last_week: int
    # Placement role that should arrange it: "ccg_supervisor", "project_lead" or "trainee".
    arranger: str
    # Roles that attend by default, besides the trainee.
    attendees: tuple[str, ...]
    optional: bool = False

    def opens_on(self, cohort) -> datetime.date:
        return cohort.monday_of_week(self.first_week)

    def due_by(self, cohort) -> datetime.date:
        """The Friday of the last week it should happen in."""
        return cohort.monday_of_week(self.last_week) + datetime.timedelta(days=4)

    def remind_on(self, cohort) -> datetime.date:
        """The Monday of the week it falls due: the reminder goes if it is not yet held."""
        return cohort.monday_of_week(self.last_week)

    def escalate_on(self, cohort) -> datetime.date:
        return self.remind_on(cohort) + datetime.timedelta(weeks=1)

    @property
    def weeks_label(self) -> str:
        if self.first_week == self.last_week:
            return f"week {self.first_week}"
        return f"weeks {self.first_week} to {self.last_week}"


# A review is named by the week it falls in ("review_8": "Week 8 review"), so a programme's
# template can put its reviews in any week.
MeetingKind = models.TextChoices("MeetingKind", [
    ("FIRST_SUPERVISOR", ("first_supervisor", "First meeting with the CCG Supervisor")),
    ("PROJECT_LEAD", ("project_lead", "Meeting with the Project Lead to define the project")),
    *[(f"REVIEW_{week}", (f"review_{week}", f"Week {week} review"))
      for week in range(2, LONGEST_ROTATION_WEEKS + 1)],
    ("DEPUTY_CHAIR_START", ("deputy_chair_start", "Meeting the Deputy Clinical Chair (start)")),
    ("DEPUTY_CHAIR_END", ("deputy_chair_end", "Meeting the Deputy Clinical Chair (end)")),
])


@functools.lru_cache(maxsize=64)
def _meeting_specs_for(meeting_weeks: tuple[int, ...]) -> tuple[MeetingSpec, ...]:
    weeks = sorted(set(meeting_weeks))
    if not weeks:
        return ()
    # The run of consecutive weeks the list opens with is the start of the placement: the
    # first supervisor meeting in its first week, the Project Lead's by its last (east Kent:
    # weeks 1 and 2). Every later week is a review; the Deputy Clinical Chair is met again
    # in the last review's week or the week before.
    opening = 1
    while opening < len(weeks) and weeks[opening] == weeks[opening - 1] + 1:
        opening += 1
    first, settled, last = weeks[0], weeks[opening - 1], weeks[-1]
    return (
        MeetingSpec(MeetingKind.FIRST_SUPERVISOR, MeetingKind.FIRST_SUPERVISOR.label,
                    first, first, "ccg_supervisor", ("ccg_supervisor",)),
        MeetingSpec(MeetingKind.PROJECT_LEAD, MeetingKind.PROJECT_LEAD.label, first, settled,
                    "project_lead", ("project_lead",)),
        MeetingSpec(MeetingKind.DEPUTY_CHAIR_START, MeetingKind.DEPUTY_CHAIR_START.label,
                    first, settled, "trainee", ("deputy_chair",), optional=True),
        *(MeetingSpec(MeetingKind(f"review_{week}"), MeetingKind(f"review_{week}").label,
                      week, week, "ccg_supervisor", ("ccg_supervisor", "project_lead"))
          for week in weeks[opening:]),
        MeetingSpec(MeetingKind.DEPUTY_CHAIR_END, MeetingKind.DEPUTY_CHAIR_END.label,
                    max(first, last - 1), last, "trainee", ("deputy_chair",), optional=True),
    )


def meeting_specs(cohort) -> tuple[MeetingSpec, ...]:
    """The meetings the SOP expects of the cohort's placements, in rotation order, from the
    meeting weeks of its template version (select `cohort__template_version` with it)."""
    return _meeting_specs_for(tuple(cohort.template_version.meeting_weeks))


def meeting_spec(cohort, kind: str) -> MeetingSpec | None:
    return next((spec for spec in meeting_specs(cohort) if spec.kind == kind), None)


def new_meeting_uid() -> str:
    return f"meeting-{uuid.uuid4()}@clic"


class Meeting(models.Model):
    """One SOP meeting of a placement, once someone schedules it or records it as held."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="meetings")
    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="clic_meetings",
                                       blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(blank=True)
    agreed_actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    # iCalendar identity for the diary and feeds: the UID never changes, SEQUENCE counts edits.
    uid = models.CharField(max_length=100, unique=True, default=new_meeting_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="meeting_one_per_kind"),
            models.CheckConstraint(
                condition=(models.Q(start_time__isnull=True) | models.Q(end_time__isnull=True)
                           | models.Q(end_time__gt=models.F("start_time"))),
                name="meeting_ends_after_it_starts"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date:%d %b %Y})"

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def title(self) -> str:
        """The diary and calendar title: what the meeting is and whose it is."""
        return f"CLIC: {self.get_kind_display()} – {self.placement.trainee}"


class MeetingNotice(models.Model):
    """A reminder or escalation sent about an SOP meeting: at most one of each per meeting."""

    class Stage(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="meeting_notices")
    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    sent_on = models.DateField()
    recipients = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind", "stage"],
                                    name="meeting_notice_once_per_stage"),
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.get_kind_display()}"


class ProgressEntry(models.Model):
    """A dated entry in the trainee's progress log."""

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="progress_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["placement", "-date"])]
        verbose_name_plural = "progress entries"

    def __str__(self):
        return f"Progress {self.date:%d %b %Y}"


class ProgressComment(models.Model):
    """The CCG Supervisor's or Project Lead's comment on a progress entry."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment by {self.author}"


@dataclass(frozen=True)
class HRItem:
    key: str
    label: str
    hint: str


# The trainee's HR checklist (the SOP's "HR processes").
HR_ITEMS: tuple[HRItem, ...] = (
    HRItem("project_day_agreed", "Project day agreed with the CCG",
           "Thursday unless the Programme Director, Educational Supervisor and CCG "
           "Supervisor agreed another weekday."),
    HRItem("diary_shared", "Diary shared with the CCG Supervisor, Project Lead and CCG admin",
           "Share your Outlook diary, or give them your CLIC calendar feed."),
    HRItem("knows_sickness_reporting", "I know how to report sickness and absence",
           "A CCG project day: CCG Supervisor, Project Lead and CCG admin. Any other day: "
           "Programme Administrator and Programme Director."),
    HRItem("knows_running_late", "I know to tell the people of a meeting if I am running late",
           "Use the service's 'running late' message, or email them."),
    HRItem("it_arranged", "My own IT equipment is arranged",
           "You bring your own IT for the CCG days."),
    HRItem("confidentiality_signed", "CCG confidentiality agreement signed",
           "You may upload the signed agreement below."),
)
HR_ITEM_KEYS = tuple(item.key for item in HR_ITEMS)


def upload_path(instance, filename: str) -> str:
    """A random name in a per-placement folder: the person's file name is kept separately."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"projects/{instance.placement_id}/{uuid.uuid4().hex}.{extension}"


class HRChecklist(models.Model):
    """The six HR items of one placement, each with the date the trainee ticked it."""

    placement = models.OneToOneField("trainees.Placement", on_delete=models.CASCADE,
                                     related_name="hr_checklist")
    project_day_agreed_on = models.DateField(null=True, blank=True)
    diary_shared_on = models.DateField(null=True, blank=True)
    knows_sickness_reporting_on = models.DateField(null=True, blank=True)
    knows_running_late_on = models.DateField(null=True, blank=True)
    it_arranged_on = models.DateField(null=True, blank=True)
    confidentiality_signed_on = models.DateField(null=True, blank=True)
    confidentiality_agreement = models.FileField(upload_to=upload_path, blank=True)
    confidentiality_agreement_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "HR checklist"

    def __str__(self):
        return f"HR checklist for {self.placement_id}"

    def done_on(self, key: str) -> datetime.date | None:
        return getattr(self, f"{key}_on")

    @property
    def items(self) -> list[tuple[HRItem, datetime.date | None]]:
        return [(item, self.done_on(item.key)) for item in HR_ITEMS]

    @property
    def outstanding(self) -> list[HRItem]:
        return [item for item in HR_ITEMS if self.done_on(item.key) is None]


class Concern(models.Model):
    """A concern about a trainee raised by the CCG Supervisor (S14) or the Project Lead (S15)."""

    class RaisedAs(models.TextChoices):
        CCG_SUPERVISOR = "ccg_supervisor", "CCG Supervisor"
        PROJECT_LEAD = "project_lead", "Project Lead"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_HAND = "in_hand", "In hand"
        CLOSED = "closed", "Closed"

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="concerns")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    raised_as = models.CharField(max_length=20, choices=RaisedAs.choices)
    summary = models.CharField(max_length=200)
    details = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    shared_with_trainee = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.summary


class ConcernNote(models.Model):
    """A note on a concern, with the status it left the concern in."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Concern.Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Note by {self.author}"


class SummaryUpload(models.Model):
    """The trainee's project outcome summary and one-slide summary (S11). Each upload is kept;
    the latest is the current one."""

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="summary_uploads")
    outcome_file = models.FileField(upload_to=upload_path)
    outcome_name = models.CharField(max_length=200)
    slide_file = models.FileField(upload_to=upload_path)
    slide_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        get_latest_by = "uploaded_at"

    def __str__(self):
        return f"Summaries of {self.uploaded_at:%d %b %Y}"


class CommitteeSubmission(models.Model):
    """The one-slide summary sent to the CCG's Clinical Assurance Strategy Committee (S12)."""

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="committee_submissions")
    upload = models.ForeignKey(SummaryUpload, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    to_email = models.EmailField()

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"Slide sent to {self.to_email}"
