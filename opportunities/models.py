"""The leadership opportunities board: roles a programme's PDs or a Deputy Clinical Chair
publish, who is interested in each, the weekly digest's subscribers, and the anonymous
equality monitoring of those who express interest.

`MonitoringResponse` is deliberately unjoinable to a person: it has no foreign key to a user
or an interest, a random primary key (so the order rows were written in cannot be matched
with the order of interests) and only the month it was answered in. tests/opportunities/
test_models.py fails if a column that could name someone is added."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clic.accounts.models import Organisation


class Opportunity(models.Model):
    programme = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": Organisation.Kind.PROGRAMME},
        help_text="Whose trainees see it: the programme it is published to.")
    title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200,
                                    help_text="Where the role is: a CCG, ICB, PCN or trust.")
    time_commitment = models.CharField(max_length=200)
    closing_date = models.DateField(help_text="Open to the end of this day.")
    apply_url = models.URLField(max_length=500, blank=True)
    apply_email = models.EmailField(blank=True)
    description = models.TextField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["closing_date", "title", "pk"]
        indexes = [models.Index(fields=["programme", "closing_date"]),
                   models.Index(fields=["published_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(apply_url="") | ~Q(apply_email=""),
                                   name="opportunity_says_how_to_apply"),
        ]

    def __str__(self):
        return f"{self.title}, {self.organisation}"

    def is_open(self, today) -> bool:
        return self.closing_date >= today


class Interest(models.Model):
    """A person said "I am interested": the publisher sees who. Whether they answered the
    monitoring questions is kept only to stop a second set of answers, never what they were."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="interests")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    expressed_on = models.DateField(default=timezone.localdate)
    monitoring_done = models.BooleanField(
        default=False, help_text="Answered or declined the equality monitoring questions.")

    class Meta:
        ordering = ["expressed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "person"],
                                               name="interest_once_per_person")]

    def __str__(self):
        return f"Interest in {self.opportunity_id} on {self.expressed_on}"


class DigestSubscription(models.Model):
    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    subscribed_at = models.DateTimeField(default=timezone.now)
    # The digest lists the roles published since the last one it sent (at first, the last
    # seven days'), so a week with nothing new loses nothing and no role is listed twice.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Digest subscription {self.pk}"


class Profession(models.TextChoices):
    GP = "gp", "GP or GP trainee"
    DOCTOR = "doctor", "Doctor in another specialty"
    NURSE = "nurse", "Nurse or midwife"
    AHP = "ahp", "Allied health professional"
    PHARMACIST = "pharmacist", "Pharmacist"
    SOCIAL_CARE = "social_care", "Social care professional"
    OTHER = "other", "Another profession"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", "Under 25"
    FROM_25 = "25_34", "25 to 34"
    FROM_35 = "35_44", "35 to 44"
    FROM_45 = "45_54", "45 to 54"
    FROM_55 = "55_64", "55 to 64"
    FROM_65 = "65_over", "65 or over"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class SexualOrientation(models.TextChoices):
    HETEROSEXUAL = "heterosexual", "Heterosexual or straight"
    GAY_LESBIAN = "gay_lesbian", "Gay or lesbian"
    BISEXUAL = "bisexual", "Bisexual"
    OTHER = "other", "Another sexual orientation"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class EthnicGroup(models.TextChoices):
    """The census's five high-level groups: finer groups would be too small to report."""

    WHITE = "white", "White"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    OTHER = "other", "Other ethnic group"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class Religion(models.TextChoices):
    NONE = "none", "No religion"
    BUDDHIST = "buddhist", "Buddhist"
    CHRISTIAN = "christian", "Christian"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Another religion or belief"
    PREFER_NOT = "prefer_not", "Prefer not to say"


class MonitoringResponse(models.Model):
    """One set of equality monitoring answers for a role: no person, no interest, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="monitoring_responses")
    answered_in = models.DateField(help_text="The first day of the month it was answered in.")
    profession = models.CharField(max_length=20, choices=Profession.choices)
    age_band = models.CharField("Age", max_length=20, choices=AgeBand.choices)
    sex = models.CharField(max_length=20, choices=Sex.choices)
    gender_same_as_birth = models.CharField(
        "Is your gender identity the same as the sex you were registered at birth?",
        max_length=20, choices=YesNo.choices)
    sexual_orientation = models.CharField(max_length=20, choices=SexualOrientation.choices)
    ethnic_group = models.CharField(max_length=20, choices=EthnicGroup.choices)
    religion = models.CharField("Religion or belief", max_length=20, choices=Religion.choices)
    disability = models.CharField(
        "Do you consider yourself to have a disability or long-term condition?",
        max_length=20, choices=YesNo.choices)

    def __str__(self):
        return f"Monitoring answers for role {self.opportunity_id}"


# The questions, in the order the form asks them and the reports list them.
MONITORING_QUESTIONS = ("profession", "age_band", "sex", "gender_same_as_birth",
                        "sexual_orientation", "ethnic_group", "religion", "disability")
