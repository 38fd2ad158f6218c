"""The annual temperature check (Gloucestershire's framework, action 2.1): a survey of a
programme's people on the framework's five priorities, answered anonymously.

Who was asked and whether they answered (`Invitation`) and what was answered (`Response`,
`Answer`) are separate tables with no link between them: an answer holds no person, no
time and no sequential id, so neither its columns nor its order lead back to anyone."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from clic.accounts.models import Organisation
from clic.pdf import BackgroundPdf


class Survey(models.Model):
    """One programme's temperature check for one year: a draft while its PD adds questions,
    open from `opened_at` until its closing date (or until closed early), then closed."""

    programme = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="surveys",
                                  limit_choices_to={"kind": Organisation.Kind.PROGRAMME})
    year = models.PositiveSmallIntegerField()
    closes_on = models.DateField("closing date", null=True, blank=True,
                                 help_text="Set when it is opened.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True,
                                     help_text="Set when closed before its closing date.")

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"],
                                               name="one_survey_per_programme_and_year")]

    def __str__(self):
        return f"Temperature check {self.year}"

    @property
    def is_draft(self) -> bool:
        return self.opened_at is None

    @property
    def is_open(self) -> bool:
        return (self.opened_at is not None and self.closed_at is None
                and timezone.localdate() <= self.closes_on)

    @property
    def status(self) -> str:
        return "Draft" if self.is_draft else "Open" if self.is_open else "Closed"


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", "Agreement, from strongly disagree to strongly agree"
        TEXT = "text", "A comment in their own words"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    # The framework priority (1 to 5) the question asks about; empty for a PD's own question.
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.text


class Invitation(models.Model):
    """Who was asked (and as which group), and only whether they have answered: to refuse a
    second answer and to remind those who have not. Nothing here says what they answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="survey_invitations")
    group = models.CharField(max_length=30)
    answered = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "person"],
                                               name="one_invitation_per_person")]

    def __str__(self):
        return f"{self.person} asked in {self.survey}"


class Response(models.Model):
    """One person's answers, without the person: a random key and no time. The group is kept
    only where the group had enough people asked for its breakdown ever to be shown."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"An answer to {self.survey}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"An answer to {self.question}"


class Summary(BackgroundPdf):
    """The results as a PDF, built in the background with its progress shown."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="summaries")
    file = models.FileField(upload_to="survey-summaries/", blank=True)

    class Meta(BackgroundPdf.Meta):
        pass

    def __str__(self):
        return f"Summary of {self.survey} ({self.get_status_display()})"
