"""The end of the rotation: the presentation day and its invitations, attendee feedback,
the PD's presentation assessment and summative Case-based Discussion, reflective-entry
tracking and the anonymous programme evaluation."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def evaluation_weeks(cohort) -> tuple[int, int]:
    """The weeks the evaluation opens by itself: the rotation's second-last, or its last if
    the schedule missed that one (east Kent's 16 weeks: 15 or 16)."""
    return cohort.weeks - 1, cohort.weeks


class Capability(models.TextChoices):
    """The 13 capabilities of the RCGP curriculum."""

    FITNESS_TO_PRACTISE = "fitness_to_practise", "Fitness to practise"
    ETHICS = "ethics", "Maintaining an ethical approach"
    COMMUNICATION = "communication", "Communication and consultation"
    DATA_GATHERING = "data_gathering", "Data gathering and interpretation"
    EXAMINATION = "examination", "Clinical examination and procedural skills"
    DECISIONS = "decisions", "Making decisions"
    CLINICAL_MANAGEMENT = "clinical_management", "Clinical management"
    COMPLEXITY = "complexity", "Managing medical complexity"
    TEAMWORK = "teamwork", "Working with colleagues and in teams"
    PERFORMANCE = "performance", "Maintaining performance, learning and teaching"
    LEADERSHIP = "leadership", "Organisational management and leadership"
    HOLISTIC = "holistic", "Practising holistically, promoting health and safeguarding"
    COMMUNITY = "community", "Community orientation"


class Grade(models.TextChoices):
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", "Insufficient evidence"
    NEEDS_DEVELOPMENT = "needs_further_development", "Needs further development"
    COMPETENT = "competent", "Competent"
    EXCELLENT = "excellent", "Excellent"


# The three points the PD assesses in a presentation; attendees rate the same three.
PRESENTATION_POINTS = (
    ("relevance", "Relevance of the project to commissioning"),
    ("leadership", "Leadership learning"),
    ("communication", "Communication of the project and its outcomes"),
)

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def rating_field(verbose_name):
    return models.PositiveSmallIntegerField(verbose_name, validators=RATING_VALIDATORS)


def new_presentation_uid() -> str:
    return f"presentation-{uuid.uuid4()}@clic"


class PresentationDay(models.Model):
    """The cohort's presentation day. Its iCalendar UID never changes; SEQUENCE goes up with
    every change so that calendars replace the event rather than add a second one."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    cohort = models.ForeignKey("rotations.Cohort", on_delete=models.CASCADE,
                               related_name="presentation_days")
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    venue = models.CharField(max_length=300, blank=True)
    online_url = models.URLField("online meeting link", blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", help_text="The PD who scheduled it.")
    uid = models.CharField(max_length=120, unique=True, default=new_presentation_uid,
                           editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["cohort"], condition=models.Q(status="scheduled"),
                                    name="presentation_day_one_scheduled_per_cohort"),
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")),
                                   name="presentation_day_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"Presentation day, {self.cohort} ({self.date:%d %B %Y})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))


class PresentationSlot(models.Model):
    """One trainee's presentation in the day."""

    day = models.ForeignKey(PresentationDay, on_delete=models.CASCADE, related_name="slots")
    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="presentation_slots")
    order = models.PositiveSmallIntegerField()
    start_time = models.TimeField()
    length_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", validators=[MinValueValidator(5), MaxValueValidator(240)])
    title = models.CharField("presentation title", max_length=300, blank=True)

    class Meta:
        ordering = ["day", "order"]
        constraints = [
            models.UniqueConstraint(fields=["day", "placement"], name="slot_one_per_trainee"),
            models.UniqueConstraint(fields=["day", "order"], name="slot_unique_order"),
        ]

    def __str__(self):
        return f"{self.start_time:%H:%M} {self.placement.trainee}"

    @property
    def end_time(self) -> datetime.time:
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.start_time)
        return (start + datetime.timedelta(minutes=self.length_minutes)).time()


class PresentationInvitation(models.Model):
    """One invitee of a presentation day: why they are invited, their reply, their attendance."""

    class Response(models.TextChoices):
        PENDING = "pending", "No reply yet"
        ATTENDING = "attending", "Attending"
        APOLOGIES = "apologies", "Apologies"

    class Attendance(models.TextChoices):
        UNRECORDED = "", "Not recorded"
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    day = models.ForeignKey(PresentationDay, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="presentation_invitations")
    reasons = models.CharField(max_length=500, help_text="Why this person is invited.")
    response = models.CharField(max_length=20, choices=Response.choices,
                                default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True,
                                  default=Attendance.UNRECORDED)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")
    last_chased_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["day", "person"], name="invitation_one_per_person"),
        ]
        indexes = [models.Index(fields=["person", "day"])]

    def __str__(self):
        return f"{self.person} to {self.day}"

    @property
    def was_present(self) -> bool:
        return self.attendance == self.Attendance.PRESENT


class PresentationFeedback(models.Model):
    """An attendee's short structured feedback on one presentation."""

    slot = models.ForeignKey(PresentationSlot, on_delete=models.CASCADE, related_name="feedback")
    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    went_well = models.TextField("what went well")
    could_be_better = models.TextField("what could be better")
    relevance = rating_field(PRESENTATION_POINTS[0][1])
    leadership = rating_field(PRESENTATION_POINTS[1][1])
    communication = rating_field(PRESENTATION_POINTS[2][1])
    anonymous = models.BooleanField(
        default=False, help_text="The trainee sees the feedback without your name.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slot", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "giver"], name="feedback_one_per_giver"),
        ]

    def __str__(self):
        return f"Feedback on {self.slot}"

    @property
    def giver_display(self) -> str:
        return "Anonymous" if self.anonymous else str(self.giver)


class PresentationAssessment(models.Model):
    """The PD's assessment of the trainee's end-of-placement presentation."""

    placement = models.OneToOneField("trainees.Placement", on_delete=models.CASCADE,
                                     related_name="presentation_assessment")
    relevance = rating_field(PRESENTATION_POINTS[0][1])
    leadership = rating_field(PRESENTATION_POINTS[1][1])
    communication = rating_field(PRESENTATION_POINTS[2][1])
    outcome = models.CharField("overall outcome", max_length=30, choices=Grade.choices)
    feedback = models.TextField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"Presentation assessment of {self.placement}"


class CaseBasedDiscussion(models.Model):
    """The summative Case-based Discussion a PD holds at the end of the placement."""

    placement = models.OneToOneField("trainees.Placement", on_delete=models.CASCADE,
                                     related_name="case_based_discussion")
    case = models.TextField("the case", help_text="A short description of the case discussed.")
    outcome = models.CharField("overall outcome", max_length=30, choices=Grade.choices)
    feedback = models.TextField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "case-based discussion"

    def __str__(self):
        return f"Case-based Discussion of {self.placement}"


class CapabilityGrade(models.Model):
    """One RCGP capability the CbD evidences (up to three), graded with a justification."""

    cbd = models.ForeignKey(CaseBasedDiscussion, on_delete=models.CASCADE,
                            related_name="capabilities")
    capability = models.CharField(max_length=40, choices=Capability.choices)
    grade = models.CharField(max_length=30, choices=Grade.choices)
    justification = models.TextField()
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["cbd", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cbd", "capability"],
                                    name="cbd_capability_once"),
            models.CheckConstraint(condition=~models.Q(justification=""),
                                   name="cbd_capability_justified"),
        ]

    def __str__(self):
        return f"{self.get_capability_display()}: {self.get_grade_display()}"


class ReflectiveEntry(models.Model):
    """A record that the trainee wrote an e-portfolio entry; never the entry's text."""

    class Kind(models.TextChoices):
        LEADERSHIP_ACTIVITY = "leadership_activity", "Leadership activity"
        LEARNING_LOG = "learning_log", "Learning log"
        SIGNIFICANT_EVENT = "significant_event", "Significant event analysis"
        CASE_REVIEW = "case_review", "Clinical case review"
        ACTION_LEARNING_SET = "action_learning_set", "Action learning set reflection"
        PROFESSIONAL_CONVERSATION = "professional_conversation", "Professional conversation"
        FEEDBACK = "feedback", "Reflection on feedback"
        OTHER = "other", "Other"

    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="reflective_entries")
    date = models.DateField("date written")
    title = models.CharField(max_length=200)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    capability = models.CharField("RCGP capability", max_length=40, choices=Capability.choices)
    portfolio_url = models.URLField("link to the RCGP portfolio entry", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "reflective entries"
        indexes = [models.Index(fields=["placement", "date"])]

    def __str__(self):
        return f"{self.title} ({self.date:%d %b %Y})"


class EvaluationRound(models.Model):
    """The cohort's programme evaluation, opened in its second-last week (or earlier by a PD)."""

    cohort = models.OneToOneField("rotations.Cohort", on_delete=models.CASCADE,
                                  related_name="evaluation_round")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  help_text="Empty when the weekly schedule opened it.")

    def __str__(self):
        return f"Evaluation of {self.cohort}"


class EvaluationCompletion(models.Model):
    """Only that a trainee has answered: there is deliberately no link to their answer."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE,
                              related_name="completions")
    placement = models.OneToOneField("trainees.Placement", on_delete=models.CASCADE,
                                     related_name="evaluation_completion")
    answered_at = models.DateTimeField()

    def __str__(self):
        return f"{self.placement} answered the evaluation"


class EvaluationResponse(models.Model):
    """One anonymous answer. No trainee, no placement and no time: a random key, so neither
    the row order nor a timestamp can be matched to an `EvaluationCompletion`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE,
                              related_name="responses")
    sessions = rating_field("Wednesday teaching sessions and workshops")
    action_learning_sets = rating_field("Action learning sets")
    ccg_support = rating_field("Support from the CCG (supervisor and project lead)")
    overall = rating_field("The rotation overall")
    went_well = models.TextField("what worked well", blank=True)
    improve = models.TextField("what could be improved", blank=True)
    other_comments = models.TextField("anything else", blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"An answer to {self.round}"


EVALUATION_RATINGS = ("sessions", "action_learning_sets", "ccg_support", "overall")
EVALUATION_COMMENTS = ("went_well", "improve", "other_comments")


class EvaluationResultsShare(models.Model):
    """The PD sent the results summary to participants and stakeholders."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="shares")
    response_count = models.PositiveIntegerField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "response_count"],
                                    name="evaluation_share_once_per_count"),
        ]

    def __str__(self):
        return f"Results of {self.round} shared"
