"""Every write of the temperature check: a draft with the framework's questions, the PD's own
questions, opening it (inviting its audience through the outbox), the anonymous answers,
the weekly reminders, closing it and its PDF summary."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clic.accounts.models import Organisation, User
from clic.audit import services as audit
from clic.disclosure import SMALLEST_GROUP
from clic.mail.services import email_queue_template
from clic.pdf import build_in_background

from .models import Answer, Invitation, Question, Response, Summary, Survey
from .questions import Agreement, fixed_questions
from .selectors import (
    INVITATION_TEMPLATE,
    REMINDER_TEMPLATE,
    survey_audience,
    survey_email_context,
)

logger = logging.getLogger(__name__)

COMMENT_MAX_LENGTH = 2000
QUESTION_MAX_LENGTH = Question._meta.get_field("text").max_length
# A reminder goes to those who have not answered once in each full week after opening.
REMINDER_DAYS = 7


def answer_field(question: Question) -> str:
    """The form field (and error key) of a question's answer."""
    return f"question_{question.pk}"


@transaction.atomic
def survey_create(*, programme: Organisation, year: int, by: User) -> Survey:
    """A draft temperature check with the framework's fixed questions."""
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError({"year": f"Give a year from 2000 to {this_year + 1}."})
    if Survey.objects.filter(programme=programme, year=year).exists():
        raise ValidationError({"year": f"{programme} already has a temperature check for "
                                       f"{year}."})
    survey = Survey.objects.create(programme=programme, year=year, created_by=by)
    Question.objects.bulk_create([
        Question(survey=survey, priority=fixed.priority, kind=fixed.kind, text=fixed.text,
                 position=position) for position, fixed in enumerate(fixed_questions(), 1)])
    audit.record(actor=by, action=audit.CREATED, obj=survey, programme=programme,
                 summary=f"Temperature check {year} drafted")
    return survey


def _still_a_draft(survey: Survey) -> None:
    if not survey.is_draft:
        raise ValidationError(f"The temperature check opened on "
                              f"{timezone.localtime(survey.opened_at):%d %B %Y}: its questions "
                              "can no longer change.")


@transaction.atomic
def survey_question_add(*, survey: Survey, text: str, kind: str, by: User) -> Question:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _still_a_draft(survey)
    text = " ".join((text or "").split())
    errors = {}
    if not text:
        errors["text"] = "Write the question."
    elif len(text) > QUESTION_MAX_LENGTH:
        errors["text"] = f"Keep the question to {QUESTION_MAX_LENGTH} characters."
    if kind not in Question.Kind.values:
        errors["kind"] = "Choose how people answer."
    if errors:
        raise ValidationError(errors)
    last = survey.questions.aggregate(last=Max("position"))["last"] or 0
    question = Question.objects.create(survey=survey, kind=kind, text=text, position=last + 1)
    audit.record(actor=by, action=audit.CHANGED, obj=survey, programme=survey.programme,
                 summary=f"Question added to the temperature check {survey.year}")
    return question


@transaction.atomic
def survey_open(*, survey: Survey, closes_on: datetime.date, by: User) -> list[Invitation]:
    """Open the survey until its closing date and email everyone its audience names today
    (selectors.survey_audience, which the confirmation page counted)."""
    survey = Survey.objects.select_for_update().select_related("programme").get(pk=survey.pk)
    _still_a_draft(survey)
    today = timezone.localdate()
    if closes_on < today:
        raise ValidationError({"closes_on": "The closing date cannot be in the past."})
    audience = survey_audience(survey.programme, today)
    if not audience:
        raise ValidationError("Nobody is in the programme's current cohorts yet: there is "
                              "nobody to ask.")
    survey.opened_at, survey.opened_by, survey.closes_on = timezone.now(), by, closes_on
    survey.save(update_fields=["opened_at", "opened_by", "closes_on"])
    invitations = Invitation.objects.bulk_create([
        Invitation(survey=survey, person=member.person, group=member.group)
        for member in audience])
    email_queue_template(code="SURVEY", to=[member.person.email for member in audience],
                         template=INVITATION_TEMPLATE,
                         context=survey_email_context(survey, by=by),
                         event_key=f"survey:{survey.pk}", about=survey)
    audit.record(actor=by, action=audit.CHANGED, obj=survey, programme=survey.programme,
                 summary=f"Temperature check {survey.year} opened: {len(audience)} people "
                         f"asked, closing {closes_on:%d %B %Y}")
    return invitations


def _answer_errors(questions, answers: dict) -> dict[str, str]:
    errors = {}
    for question in questions:
        value = answers.get(question.pk)
        if question.kind == Question.Kind.SCALE:
            if value not in Agreement.values:
                errors[answer_field(question)] = "Choose how much you agree."
        elif not isinstance(value or "", str):
            errors[answer_field(question)] = "Write your comment as text."
        elif len(value or "") > COMMENT_MAX_LENGTH:
            errors[answer_field(question)] = (f"Keep your comment to {COMMENT_MAX_LENGTH} "
                                              "characters.")
    return errors


@transaction.atomic
def survey_answer(*, survey: Survey, person: User, answers: dict) -> None:
    """Keep one anonymous set of answers (`answers`: question id to a rating or a comment)
    and, separately, that the person has answered. Returns nothing, so that no caller holds
    the two together."""
    invitation = (Invitation.objects.select_for_update()
                  .filter(survey_id=survey.pk, person_id=person.pk).first())
    if invitation is None:
        raise ValidationError("You were not asked to answer this temperature check.")
    if invitation.answered:
        raise ValidationError("You have already answered this temperature check: it can be "
                              "answered once, and nothing more was saved.")
    survey = Survey.objects.get(pk=survey.pk)
    if not survey.is_open:
        raise ValidationError("This temperature check is closed: answers are no longer taken.")
    questions = list(survey.questions.all())
    errors = _answer_errors(questions, answers)
    if errors:
        raise ValidationError(errors)
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    # A group too small ever to be shown is not kept with the answers, where it would say
    # whose they are.
    asked = Invitation.objects.filter(survey=survey, group=invitation.group).count()
    response = Response.objects.create(
        survey=survey, group=invitation.group if asked >= SMALLEST_GROUP else "")
    Answer.objects.bulk_create([
        Answer(response=response, question=question,
               rating=answers[question.pk] if question.kind == Question.Kind.SCALE else None,
               text=(answers.get(question.pk) or "").strip()
               if question.kind == Question.Kind.TEXT else "")
        for question in questions])


def survey_reminders_send() -> int:
    """The daily beat: in each full week after an open survey opened, remind everyone who
    has not answered, once (the week is in the outbox's idempotency key, so the days after
    the first in a week send nothing new). Returns how many surveys are in a reminder week."""
    today = timezone.localdate()
    reminding = 0
    for survey in Survey.objects.filter(opened_at__isnull=False, closed_at__isnull=True,
                                        closes_on__gte=today).select_related("programme",
                                                                             "opened_by"):
        week, _ = divmod((today - timezone.localdate(survey.opened_at)).days, REMINDER_DAYS)
        if week < 1:
            continue
        waiting = list(survey.invitations.filter(answered=False, person__is_active=True)
                       .values_list("person__email", flat=True))
        email_queue_template(code="SURVEY-REMIND", to=waiting, template=REMINDER_TEMPLATE,
                             context=survey_email_context(survey, by=survey.opened_by),
                             event_key=f"survey-reminder:{survey.pk}:week{week}", about=survey)
        reminding += 1
    return reminding


@transaction.atomic
def survey_close(*, survey: Survey, by: User) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_open:
        raise ValidationError("The temperature check is not open.")
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at"])
    audit.record(actor=by, action=audit.CHANGED, obj=survey, programme=survey.programme,
                 summary=f"Temperature check {survey.year} closed early")
    return survey


# The PDF summary ----------------------------------------------------------------------------


@transaction.atomic
def survey_summary_request(*, survey: Survey, by: User) -> Summary:
    """Ask for the results as a PDF; a background task builds it."""
    if survey.is_draft:
        raise ValidationError("The temperature check has not opened: there are no results.")
    summary = Summary.objects.create(survey=survey, requested_by=by)
    transaction.on_commit(lambda: _dispatch_summary(summary.pk))
    return summary


def _dispatch_summary(summary_id: int) -> None:
    from .tasks import survey_summary_build_task

    build_in_background(survey_summary_build_task, summary_id)


def survey_summary_build(*, summary_id: int) -> Summary:
    """Work out the results, then lay out the PDF, recording progress as it goes. Not atomic
    on purpose: progress is committed step by step so the page can show it."""
    from .exporters import summary_pdf

    claimed = Summary.objects.filter(pk=summary_id, status=Summary.Status.QUEUED).update(
        status=Summary.Status.RUNNING, progress=0, total=3)
    summary = Summary.objects.select_related("survey", "survey__programme").get(pk=summary_id)
    if not claimed:
        return summary
    try:
        content = summary_pdf(summary.survey, progress=lambda done: Summary.objects.filter(
            pk=summary_id).update(progress=done))
        summary.file.save(f"temperature-check-{summary.survey.year}-{summary.pk}.pdf",
                          ContentFile(content), save=False)
        summary.status, summary.progress = Summary.Status.DONE, summary.total
        summary.finished_at = timezone.now()
        summary.save(update_fields=["file", "status", "progress", "finished_at"])
    except Exception as error:  # noqa: BLE001 - recorded for the page; the PD can ask again
        logger.exception("Survey summary %s failed", summary_id)
        Summary.objects.filter(pk=summary_id).update(
            status=Summary.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now())
        summary.refresh_from_db()
    return summary
