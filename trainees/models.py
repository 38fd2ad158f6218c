from django.conf import settings
from django.db import models

from clic.accounts.models import Organisation
from rotations.models import Cohort


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class Placement(models.Model):
    """One trainee's rotation in a cohort: who supervises them and their CCG project day."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="placements")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="placements")
    practice = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="GP practice",
                                 limit_choices_to={"kind": Organisation.Kind.PRACTICE})
    educational_supervisor = models.ForeignKey(settings.AUTH_USER_MODEL,
                                               on_delete=models.PROTECT, related_name="+")
    ccg_supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="CCG Supervisor")
    project_lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name="Project Lead")
    project_day = models.IntegerField(choices=Weekday.choices, default=Weekday.THURSDAY)
    # Another weekday than Thursday needs the PD, ES and CCG Supervisor to agree.
    project_day_agreed_by_pd = models.BooleanField(default=False)
    project_day_agreed_by_es = models.BooleanField(default=False)
    project_day_agreed_by_supervisor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "trainee__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainee"], name="placement_unique"),
            models.CheckConstraint(condition=~models.Q(project_day=Weekday.WEDNESDAY),
                                   name="placement_project_day_not_wednesday"),
        ]
        indexes = [
            models.Index(fields=["ccg_supervisor"]),
            models.Index(fields=["project_lead"]),
            models.Index(fields=["educational_supervisor"]),
        ]

    def __str__(self):
        return f"{self.trainee} in {self.cohort}"

    @property
    def ccg(self):
        return self.cohort.ccg
