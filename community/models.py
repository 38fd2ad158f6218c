"""Alumni, mentoring and the alumni directory (issue 24, item 1).

A former trainee stays on as an alumnus of their programme by an explicit choice, after
their rotation has ended: their name, email, programme and cohort are kept, with what they
choose to share in the directory, until they leave or for ALUMNI_YEARS, whichever comes
first; after that the retention rules apply as to any former trainee. Alumni may offer to
mentor; a Programme Director pairs a mentor with a trainee of a running or upcoming
cohort, and either of the pair logs their meetings, with a note only the two of them read."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from clic.accounts.models import Organisation
from rotations.models import Cohort
from trainees.models import Placement

# How long an alumnus's details outlive the retention period, unless they leave sooner.
ALUMNI_YEARS = 5


class Alumnus(models.Model):
    """One person's choice to stay on in one programme's alumni, and what they share."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="alumni")
    programme = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                  limit_choices_to={"kind": Organisation.Kind.PROGRAMME})
    # The cohort whose end made them an alumnus: the directory says which year they were.
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="+")
    joined_on = models.DateField()
    keep_until = models.DateField(help_text="The last day the choice holds, unless they leave.")
    left_on = models.DateField(null=True, blank=True)
    # What the directory shows, each only when filled in (or ticked).
    listed = models.BooleanField("Show me in the alumni directory", default=False)
    current_role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    interests = models.CharField(max_length=500, blank=True)
    happy_to_be_contacted = models.BooleanField(
        "Happy to be contacted", default=False,
        help_text="The directory shows your email address.")
    offers_mentoring = models.BooleanField("I offer to mentor a trainee", default=False)
    mentoring_offer = models.CharField(
        "What I offer as a mentor", max_length=500, blank=True,
        help_text="A sentence or two, for example: CCG project work in urgent care, "
                  "finding your feet in commissioning meetings.")

    class Meta:
        ordering = ["user__full_name"]
        verbose_name_plural = "alumni"
        constraints = [
            models.UniqueConstraint(fields=["user", "programme"], name="alumnus_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.programme})"

    def is_active(self, today) -> bool:
        return self.left_on is None and today <= self.keep_until


class MentoringPair(models.Model):
    """An alumnus mentoring a trainee of a running or upcoming cohort."""

    mentor = models.ForeignKey(Alumnus, on_delete=models.CASCADE, related_name="pairs")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE,
                                  related_name="mentoring_pairs")
    paired_on = models.DateField()
    paired_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["placement__cohort__start_date", "placement__trainee__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "placement"], name="mentoring_pair_unique"),
        ]

    def __str__(self):
        return f"{self.mentor.user} mentoring {self.placement.trainee}"


class MentoringMeeting(models.Model):
    """A meeting of a pair: its date for the Programme Directors' counts, and a private note
    that only the two of them read."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField("Date you met")
    note = models.TextField(blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-met_on", "-logged_at"]

    def __str__(self):
        return f"{self.pair} on {self.met_on}"
