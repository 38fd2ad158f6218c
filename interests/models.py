"""The register of interests (the BMA GPC guide: every GP in commissioning declares conflicts
of interest and steps out of decisions where one exists; NHS England's four categories).

Who must declare: CCG Supervisors, Project Leads, PDs, the Deputy Clinical Chair and the
presentation panel (`selectors.declarers`). A declaration is an interest with its dates, or
"nothing to declare" on a date; a panel member or assessor with an interest in a trainee's CCG
records, per trainee, that they have no conflict or that they step aside."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q


class Interest(models.Model):
    class Kind(models.TextChoices):
        FINANCIAL = "financial", "Financial interest"
        NON_FINANCIAL_PROFESSIONAL = ("non_financial_professional",
                                      "Non-financial professional interest")
        NON_FINANCIAL_PERSONAL = "non_financial_personal", "Non-financial personal interest"
        INDIRECT = "indirect", "Indirect interest"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="declared_interests")
    kind = models.CharField("type of interest", max_length=30, choices=Kind.choices)
    # An organisation the service knows (a CCG or GP practice) flags on the presentation day;
    # any other is named in words.
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    organisation_name = models.CharField("another organisation", max_length=200, blank=True)
    description = models.TextField()
    starts_on = models.DateField("from")
    ends_on = models.DateField("to", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True)
                                   | Q(ends_on__gte=models.F("starts_on")),
                                   name="interest_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(organisation__isnull=False)
                                   | ~Q(organisation_name=""),
                                   name="interest_names_an_organisation"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.organisation_label}"

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    def is_current_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def concerns(self, organisation) -> bool:
        """Whether the interest is in this organisation: the same row, or its name."""
        if self.organisation_id:
            return self.organisation_id == organisation.pk
        return self.organisation_name.strip().casefold() == organisation.name.casefold()


class NothingToDeclare(models.Model):
    """A declaration that the person had no interest to declare on that date."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="nil_declarations")
    declared_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_on", "-pk"]
        verbose_name = "nothing-to-declare declaration"

    def __str__(self):
        return f"Nothing to declare, {self.declared_on:%d %B %Y}"


class DeclarationReminder(models.Model):
    """The yearly reminder sent to a person: one a year at most."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    sent_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["person", "sent_on"])]

    def __str__(self):
        return f"Declaration reminder to {self.person_id} on {self.sent_on}"


class ConflictDecision(models.Model):
    """A panel member's or assessor's answer to a flag about one trainee."""

    class Choice(models.TextChoices):
        NO_CONFLICT = "no_conflict", "I have no conflict: I take part"
        STEP_ASIDE = "step_aside", "I step aside for this trainee"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    placement = models.ForeignKey("trainees.Placement", on_delete=models.CASCADE,
                                  related_name="+")
    choice = models.CharField(max_length=20, choices=Choice.choices)
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "placement"],
                                               name="conflict_decision_once_per_trainee")]

    def __str__(self):
        return f"{self.get_choice_display()} ({self.placement})"

    @property
    def stepped_aside(self) -> bool:
        return self.choice == self.Choice.STEP_ASIDE
