from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from clic.accounts.models import Organisation
from rotations.models import Cohort, Weekday


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
    updated_at = models.DateTimeField(auto_now=True)

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

    @property
    def project_day_is_agreed(self) -> bool:
        return (self.project_day == Weekday.THURSDAY
                or (self.project_day_agreed_by_pd and self.project_day_agreed_by_es
                    and self.project_day_agreed_by_supervisor))

    def clean(self):
        errors = project_day_errors(self.project_day, self.project_day_agreed_by_pd,
                                    self.project_day_agreed_by_es,
                                    self.project_day_agreed_by_supervisor)
        if errors:
            raise ValidationError({"project_day": errors})


def project_day_errors(day, agreed_by_pd: bool, agreed_by_es: bool,
                       agreed_by_supervisor: bool) -> list[str]:
    """Thursday by default; Wednesday is the teaching day; any other weekday needs the PD,
    the Educational Supervisor and the CCG Supervisor to have agreed."""
    if day == Weekday.WEDNESDAY:
        return ["Wednesday is the teaching and action learning set day: choose another "
                "project day."]
    if day not in Weekday.values:
        return ["The project day must be a weekday, Monday to Friday."]
    if day != Weekday.THURSDAY and not (agreed_by_pd and agreed_by_es and agreed_by_supervisor):
        return [f"A {Weekday(day).label} project day needs the Programme Director, the "
                "Educational Supervisor and the CCG Supervisor to agree: record all three."]
    return []
