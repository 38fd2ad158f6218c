import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import User
from clic.mail.models import OutboundEmail
from clic.mail.services import build_message
from surveys import services, tasks
from surveys.models import Answer, Invitation, Question, Response, Survey
from surveys.selectors import survey_results

from .conftest import answers_for, open_survey

pytestmark = pytest.mark.django_db


def addresses(code):
    return {email.to_email for email in OutboundEmail.objects.filter(code=code)}


# Anonymity --------------------------------------------------------------------------------


def test_answer_tables_have_no_column_that_identifies_a_person():
    with connection.cursor() as cursor:
        columns = {model: {column.name for column in connection.introspection.get_table_description(
            cursor, model._meta.db_table)} for model in (Response, Answer)}

    assert columns[Response] == {"id", "survey_id", "group"}
    assert columns[Answer] == {"id", "response_id", "question_id", "rating", "text"}
    for model in (Response, Answer):
        assert model._meta.pk.get_internal_type() == "UUIDField"  # no order to match up
        assert not [field for field in model._meta.concrete_fields
                    if field.get_internal_type() in ("DateField", "DateTimeField")
                    or (field.is_relation and issubclass(field.related_model, User))]


def test_answering_keeps_the_answers_apart_from_who_answered(world, more_trainees):
    survey = open_survey(world)
    services.survey_answer(survey=survey, person=world.trainee,
                           answers=answers_for(survey, comment="More protected time"))
    services.survey_answer(survey=survey, person=world.supervisor, answers=answers_for(survey))

    assert set(Invitation.objects.filter(answered=True).values_list("person", flat=True)) == {
        world.trainee.pk, world.supervisor.pk}
    # Five trainees were asked, so theirs is kept; one CCG Supervisor's group would name them.
    assert sorted(Response.objects.values_list("group", flat=True)) == ["", "trainee"]
    assert Answer.objects.filter(text="More protected time").count() == 5  # one per priority


def test_a_second_answer_is_refused_and_nothing_is_saved(world):
    survey = open_survey(world)
    services.survey_answer(survey=survey, person=world.trainee, answers=answers_for(survey))

    with pytest.raises(ValidationError, match="already answered"):
        services.survey_answer(survey=survey, person=world.trainee,
                               answers=answers_for(survey, rating=1))
    assert Response.objects.count() == 1
    assert not Answer.objects.filter(rating=1).exists()


def test_a_second_answer_through_the_page_shows_the_refusal(client, world):
    survey = open_survey(world)
    client.force_login(world.trainee)
    form = {f"question_{q.pk}": "4" for q in survey.questions.filter(kind="scale")}
    client.post(reverse("survey_answer", args=[survey.pk]), form)

    page = client.post(reverse("survey_answer", args=[survey.pk]), form)  # the page again

    assert "You have already answered this temperature check" in page.content.decode()
    assert Response.objects.count() == 1


def test_a_rating_left_out_is_refused_on_its_field(client, world):
    survey = open_survey(world)
    client.force_login(world.trainee)
    first = survey.questions.filter(kind="scale").first()

    page = client.post(reverse("survey_answer", args=[survey.pk]), {})

    assert page.status_code == 200
    assert "Choose how much you agree." in page.content.decode()
    assert f'href="#id_question_{first.pk}' in page.content.decode()
    assert not Response.objects.exists()
    assert not Invitation.objects.filter(answered=True).exists()


def test_answers_after_closing_are_refused(world, clock):
    survey = open_survey(world, closes_in_days=3)
    clock.set(timezone.localdate() + datetime.timedelta(days=4))

    with pytest.raises(ValidationError, match="closed"):
        services.survey_answer(survey=survey, person=world.trainee, answers=answers_for(survey))
    assert not Response.objects.exists()


def test_people_not_asked_cannot_answer(client, world):
    survey = open_survey(world)
    with pytest.raises(ValidationError, match="not asked"):
        services.survey_answer(survey=survey, person=world.other_trainee,
                               answers=answers_for(survey))
    client.force_login(world.es)
    assert client.get(reverse("survey_answer", args=[survey.pk])).status_code == 404


# Opening ----------------------------------------------------------------------------------


def test_a_draft_has_the_five_priorities_and_the_pds_own_questions(world):
    survey = services.survey_create(programme=world.programme, year=2026, by=world.pd)
    services.survey_question_add(survey=survey, text="Was the induction useful?",
                                 kind=Question.Kind.SCALE, by=world.pd)

    questions = list(survey.questions.values_list("priority", "kind"))
    assert questions[:10] == [(n, kind) for n in range(1, 6) for kind in ("scale", "text")]
    assert questions[10] == (None, "scale")


def test_one_survey_per_programme_and_year(world):
    services.survey_create(programme=world.programme, year=2026, by=world.pd)
    with pytest.raises(ValidationError, match="already has a temperature check for 2026"):
        services.survey_create(programme=world.programme, year=2026, by=world.pd)


def test_questions_cannot_change_once_open(world):
    survey = open_survey(world)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.survey_question_add(survey=survey, text="Late", kind="text", by=world.pd)
    assert survey.questions.count() == 10


def test_opening_emails_the_programmes_trainees_supervisors_and_leads_once(world):
    survey = open_survey(world)

    assert addresses("SURVEY") == {"trainee@nhs.test", "supervisor@nhs.test", "lead@nhs.test"}
    email = OutboundEmail.objects.get(code="SURVEY", to_email="trainee@nhs.test")
    assert reverse("survey_answer", args=[survey.pk]) in email.body_text
    assert "anonymous" in email.body_text
    assert build_message(email).reply_to == ["Dr Pd <pd@nhs.test>"]
    assert set(Invitation.objects.values_list("person__email", "group")) == {
        ("trainee@nhs.test", "trainee"), ("supervisor@nhs.test", "ccg_supervisor"),
        ("lead@nhs.test", "project_lead")}


def test_opening_refuses_a_closing_date_in_the_past_and_sends_nothing(world):
    survey = services.survey_create(programme=world.programme, year=2026, by=world.pd)
    with pytest.raises(ValidationError, match="cannot be in the past"):
        services.survey_open(survey=survey, by=world.pd,
                             closes_on=timezone.localdate() - datetime.timedelta(days=1))
    survey.refresh_from_db()
    assert survey.is_draft
    assert not OutboundEmail.objects.filter(code="SURVEY").exists()
    assert not Invitation.objects.exists()


def test_the_confirmation_counts_the_people_before_anything_is_sent(client, world):
    survey = services.survey_create(programme=world.programme, year=2026, by=world.pd)
    client.force_login(world.pd)
    url = reverse("survey_open", args=[survey.pk])

    page = client.get(url).content.decode()
    assert "3 people will be emailed" in page
    assert "1 Trainee" in page and "1 CCG Supervisor" in page and "1 CCG Project Lead" in page
    assert "supervisor@nhs.test" in page
    assert not OutboundEmail.objects.filter(code="SURVEY").exists()

    closes = timezone.localdate() + datetime.timedelta(days=10)
    client.post(url, {"closes_on": closes.isoformat()})
    assert len(addresses("SURVEY")) == 3
    client.post(url, {"closes_on": closes.isoformat()})
    assert OutboundEmail.objects.filter(code="SURVEY").count() == 3


def test_the_confirmation_refuses_a_past_closing_date_on_its_field(client, world):
    survey = services.survey_create(programme=world.programme, year=2026, by=world.pd)
    client.force_login(world.pd)
    past = timezone.localdate() - datetime.timedelta(days=1)

    page = client.post(reverse("survey_open", args=[survey.pk]), {"closes_on": past.isoformat()})

    assert "The closing date cannot be in the past." in page.content.decode()
    assert Survey.objects.get().is_draft
    assert not addresses("SURVEY")


# Reminders --------------------------------------------------------------------------------


def test_reminders_go_once_a_week_to_those_who_have_not_answered(world, clock):
    opened = timezone.localdate()
    survey = open_survey(world, closes_in_days=20)
    services.survey_answer(survey=survey, person=world.lead, answers=answers_for(survey))

    reminders = OutboundEmail.objects.filter(code="SURVEY-REMIND")

    clock.set(opened + datetime.timedelta(days=6))
    tasks.survey_reminders_send()
    assert not reminders.exists()
    clock.set(opened + datetime.timedelta(days=7))
    tasks.survey_reminders_send()
    assert sorted(reminders.values_list("to_email", flat=True)) == [
        "supervisor@nhs.test", "trainee@nhs.test"]
    assert reverse("survey_answer", args=[survey.pk]) in reminders.first().body_text
    clock.set(opened + datetime.timedelta(days=13))
    tasks.survey_reminders_send()
    assert reminders.count() == 2

    services.survey_answer(survey=survey, person=world.trainee, answers=answers_for(survey))
    clock.set(opened + datetime.timedelta(days=14))
    tasks.survey_reminders_send()
    assert sorted(reminders.values_list("to_email", flat=True)) == [
        "supervisor@nhs.test", "supervisor@nhs.test", "trainee@nhs.test"]
    clock.set(opened + datetime.timedelta(days=21))  # closed the day before
    tasks.survey_reminders_send()
    assert reminders.count() == 3


def test_a_survey_closed_early_sends_no_reminders(world, clock):
    opened = timezone.localdate()
    survey = open_survey(world)
    services.survey_close(survey=survey, by=world.pd)
    clock.set(opened + datetime.timedelta(days=7))
    tasks.survey_reminders_send()

    assert not OutboundEmail.objects.filter(code="SURVEY-REMIND").exists()


# Results ----------------------------------------------------------------------------------


def test_group_breakdowns_are_shown_only_from_five_answers(world, more_trainees):
    survey = open_survey(world)
    trainees = [world.trainee, *more_trainees]
    for person in trainees[:4]:
        services.survey_answer(survey=survey, person=person,
                               answers=answers_for(survey, rating=5, comment="Trainee view"))
    services.survey_answer(survey=survey, person=world.supervisor,
                           answers=answers_for(survey, rating=1, comment="Supervisor view"))

    four = survey_results(survey)
    statement = four["sections"][0][1][0]
    assert statement.spread.counts == [1, 0, 0, 0, 4]
    assert statement.by_group == []
    assert [(g.label, g.answered) for g in four["suppressed"]] == [("Trainee", 4),
                                                                   ("CCG Supervisor", 1)]
    assert sorted(four["sections"][0][1][1].comments) == [("Supervisor view", "")] + [
        ("Trainee view", "")] * 4

    services.survey_answer(survey=survey, person=trainees[4],
                           answers=answers_for(survey, rating=4, comment="Trainee view"))
    five = survey_results(survey)
    statement = five["sections"][0][1][0]
    assert [(label, spread.counts) for label, spread in statement.by_group] == [
        ("Trainee", [0, 0, 0, 1, 4])]
    assert [g.label for g in five["suppressed"]] == ["CCG Supervisor"]
    assert sorted(five["sections"][0][1][1].comments) == [("Supervisor view", "")] + [
        ("Trainee view", "Trainee")] * 5


def test_results_page_notes_the_suppressed_groups(client, world, more_trainees):
    survey = open_survey(world)
    for person in [world.trainee, *more_trainees]:
        services.survey_answer(survey=survey, person=person, answers=answers_for(survey))
    services.survey_answer(survey=survey, person=world.supervisor, answers=answers_for(survey))
    client.force_login(world.pd)

    page = client.get(reverse("survey_results", args=[survey.pk])).content.decode()

    assert "6 of 7</strong> people asked have answered" in page
    assert "Not shown: CCG Supervisor (1 answered)" in page
    assert '<th scope="col" class="nhsuk-table__header nhsuk-table__header--numeric">Trainee</th>' in page
    assert "CCG Supervisor</th>" not in page


def test_results_compare_with_the_programmes_previous_survey(world, more_trainees):
    year = timezone.localdate().year
    last = open_survey(world, year=year - 1)
    for person, rating in [(world.trainee, 2), (world.supervisor, 3)]:
        services.survey_answer(survey=last, person=person, answers=answers_for(last, rating))
    services.survey_close(survey=last, by=world.pd)
    this = open_survey(world, year=year)
    for person, rating in [(world.trainee, 4), (world.lead, 5)]:
        services.survey_answer(survey=this, person=person, answers=answers_for(this, rating))

    results = survey_results(this)

    assert results["previous"] == last
    statement = results["sections"][0][1][0]
    assert (statement.previous_average, statement.spread.average) == (2.5, 4.5)
    assert statement.change_words == "up 2.0"
    assert survey_results(last)["previous"] is None


# The PDF summary --------------------------------------------------------------------------


def test_the_pdf_summary_builds_with_its_progress(client, world, django_capture_on_commit_callbacks):
    import subprocess

    survey = open_survey(world)
    services.survey_answer(survey=survey, person=world.trainee,
                           answers=answers_for(survey, comment="Mentoring helped"))
    client.force_login(world.pd)
    response = client.post(reverse("survey_summary_request", args=[survey.pk]))
    summary = survey.summaries.get()
    assert response.url == reverse("survey_summary", args=[survey.pk, summary.pk])
    assert "Waiting to start" in client.get(response.url).content.decode()

    summary = services.survey_summary_build(summary_id=summary.pk)

    assert (summary.status, summary.progress, summary.total) == ("done", 3, 3)
    download = client.get(reverse("survey_summary_download", args=[survey.pk, summary.pk]))
    content = b"".join(download.streaming_content)
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()
    assert f"Temperature check {survey.year}" in text
    assert "Mentoring helped" in text
