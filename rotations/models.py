from datetime import timedelta

from django.conf import settings
from django.db import models

from clic.accounts.models import Organisation

ROTATION_WEEKS = 16


class Cohort(models.Model):
    """A group of trainees on the 16-week rotation together, run by one or two PDs."""

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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        indexes = [models.Index(fields=["programme", "start_date"]),
                   models.Index(fields=["ccg", "start_date"])]

    def __str__(self):
        return self.name

    @property
    def end_date(self):
        return self.start_date + timedelta(weeks=ROTATION_WEEKS, days=-1)

    def week_of(self, day):
        """The rotation week (1-16) a date falls in, or None outside the rotation."""
        if not self.start_date <= day <= self.end_date:
            return None
        return (day - self.start_date).days // 7 + 1
