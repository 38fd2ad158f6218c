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
    # Another weekday than the template's default (east Kent: Thursday) needs the PD, ES and
    # CCG Supervisor to agree.
    project_day_agreed_by_pd = models.BooleanField(default=False)
    project_day_agreed_by_es = models.BooleanField(default=False)
    project_day_agreed_by_supervisor = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "trainee__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainee"], name="placement_unique"),
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
        return (self.project_day == self.cohort.template_version.project_weekday
                or (self.project_day_agreed_by_pd and self.project_day_agreed_by_es
                    and self.project_day_agreed_by_supervisor))

    def clean(self):
        errors = project_day_errors(self.project_day, self.project_day_agreed_by_pd,
                                    self.project_day_agreed_by_es,
                                    self.project_day_agreed_by_supervisor,
                                    version=self.cohort.template_version)
        if errors:
            raise ValidationError({"project_day": errors})


def project_day_errors(day, agreed_by_pd: bool, agreed_by_es: bool,
                       agreed_by_supervisor: bool, *, version) -> list[str]:
    """As the cohort's template version says (east Kent: Thursday by default, Wednesday the
    teaching day): never a teaching day; another weekday than the default only where the
    template allows one, and once the PD, the Educational Supervisor and the CCG Supervisor
    have agreed."""
    if day in version.teaching_weekdays:
        return [f"{Weekday(day).label} is the teaching day: choose another project day."]
    if day not in Weekday.values:
        return ["The project day must be a weekday, Monday to Friday."]
    if day != version.project_weekday and not version.other_project_day_allowed:
        return [f"The programme's project day is {Weekday(version.project_weekday).label}: "
                "its template allows no other weekday."]
    if day != version.project_weekday and not (agreed_by_pd and agreed_by_es
                                               and agreed_by_supervisor):
        return [f"A {Weekday(day).label} project day needs the Programme Director, the "
                "Educational Supervisor and the CCG Supervisor to agree: record all three."]
    return []
