import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services, tasks
from assessments.models import (
    EvaluationCompletion,
    EvaluationResponse,
    EvaluationResultsShare,
    EvaluationRound,
)
from tests.factories import lengthen

from .helpers import addresses, emails

pytestmark = pytest.mark.django_db

ANSWER = {"sessions": "4", "action_learning_sets": "5", "ccg_support": "3", "overall": "4",
          "went_well": "The action learning sets", "improve": "More CCG meetings",
          "other_comments": ""}


def test_week_15_opens_the_evaluation_and_sends_s17_once(world, peer, clock):
    week14 = world.cohort.monday_of_week(14)
    clock.set(week14)
    assert tasks.evaluation_invitations_send() == 0
    week15 = world.cohort.monday_of_week(15) + datetime.timedelta(days=1)
    # Both of the world's cohorts started the same Monday, so both open.
    clock.set(week15)
    assert tasks.evaluation_invitations_send() == 2
    assert addresses("S17") == {"trainee@nhs.test", "peer@nhs.test", "othertrainee@nhs.test"}
    survey = reverse("evaluation_answer", args=[world.cohort.pk])
    mine = [e for e in emails("S17") if e.to_email == "trainee@nhs.test"]
    assert survey in mine[0].body_text
    clock.set(week15 + datetime.timedelta(days=1))
    tasks.evaluation_invitations_send()
    assert len(emails("S17")) == 3
    assert EvaluationRound.objects.count() == 2


def test_a_longer_rotation_opens_its_evaluation_in_its_own_second_last_week(client, world,
                                                                            clock):
    lengthen(world.cohort, by=world.pd)
    clock.set(world.cohort.monday_of_week(15) + datetime.timedelta(days=1))
    tasks.evaluation_invitations_send()
    assert not EvaluationRound.objects.filter(cohort=world.cohort).exists()
    client.force_login(world.pd)
    page = client.get(reverse("evaluation_open", args=[world.cohort.pk])).content.decode()
    assert "opens by itself in week 19" in page
    clock.set(world.cohort.monday_of_week(19))
    tasks.evaluation_invitations_send()
    assert EvaluationRound.objects.filter(cohort=world.cohort).exists()


def test_pd_can_open_the_evaluation_early(client, world):
    client.force_login(world.pd)
    client.post(reverse("evaluation_open", args=[world.cohort.pk]))
    client.post(reverse("evaluation_open", args=[world.cohort.pk]))
    assert EvaluationRound.objects.get().opened_by == world.pd
    assert addresses("S17") == {"trainee@nhs.test"}
    assert len(emails("S17")) == 1


@pytest.mark.parametrize("who", ["pa", "trainee", "supervisor", "other_pd"])
def test_only_pds_open_or_read_the_evaluation(client, world, who):
    client.force_login(getattr(world, who))
    assert client.post(reverse("evaluation_open", args=[world.cohort.pk])).status_code == 404
    assert client.get(reverse("evaluation_results", args=[world.cohort.pk])).status_code == 404
    assert not EvaluationRound.objects.exists()


def test_trainee_answers_once_and_anonymously(client, world):
    services.evaluation_open(cohort=world.cohort, by=world.pd)
    client.force_login(world.trainee)
    url = reverse("evaluation_answer", args=[world.cohort.pk])
    assert client.post(url, ANSWER).status_code == 302

    response = EvaluationResponse.objects.get()
    completion = EvaluationCompletion.objects.get()
    assert completion.placement == world.placement
    # Nothing in the answer points at the trainee: no person, placement or time.
    related = {f.related_model for f in EvaluationResponse._meta.get_fields() if f.is_relation}
    assert related == {EvaluationRound}
    assert not any(f.get_internal_type() in ("DateTimeField", "DateField")
                   for f in EvaluationResponse._meta.concrete_fields)
    assert not any(f.is_relation and f.related_model is EvaluationResponse
                   for f in EvaluationCompletion._meta.get_fields())
    assert str(response.pk) != str(completion.pk)
    assert response.sessions == 4 and response.went_well == "The action learning sets"

    again = client.post(url, ANSWER | {"overall": "1"})
    assert again.status_code == 200
    assert EvaluationResponse.objects.count() == 1
    assert "You have answered the evaluation" in client.get(url).content.decode()
    with pytest.raises(ValidationError, match="already answered"):
        services.evaluation_answer(placement=world.placement, sessions=1,
                                   action_learning_sets=1, ccg_support=1, overall=1)
    assert EvaluationResponse.objects.count() == 1


def test_answering_before_the_evaluation_opens_is_refused(world):
    with pytest.raises(ValidationError, match="not open"):
        services.evaluation_answer(placement=world.placement, sessions=3,
                                   action_learning_sets=3, ccg_support=3, overall=3)
    assert not EvaluationCompletion.objects.exists()


def test_a_bad_rating_saves_nothing(world):
    services.evaluation_open(cohort=world.cohort)
    with pytest.raises(ValidationError):
        services.evaluation_answer(placement=world.placement, sessions=7,
                                   action_learning_sets=3, ccg_support=3, overall=3)
    assert not EvaluationCompletion.objects.exists()
    assert not EvaluationResponse.objects.exists()


def test_only_the_cohorts_trainees_answer(client, world):
    services.evaluation_open(cohort=world.cohort)
    for who in (world.other_trainee, world.pd, world.supervisor):
        client.force_login(who)
        assert client.post(reverse("evaluation_answer", args=[world.cohort.pk]),
                           ANSWER).status_code == 404
    assert not EvaluationResponse.objects.exists()


def test_pd_sees_counts_averages_and_comments_and_shares_them(client, world, peer):
    services.evaluation_open(cohort=world.cohort)
    for placement, score in ((world.placement, 4), (peer, 5)):
        services.evaluation_answer(placement=placement, sessions=score, action_learning_sets=3,
                                   ccg_support=2, overall=score, improve=f"Idea {score}")
    client.force_login(world.pd)
    page = client.get(reverse("evaluation_results", args=[world.cohort.pk]))
    results = page.context["results"]
    assert (results["answered"], results["invited"]) == (2, 2)
    averages = {r["name"]: r["average"] for r in results["ratings"]}
    assert averages == {"sessions": 4.5, "action_learning_sets": 3, "ccg_support": 2,
                        "overall": 4.5}
    assert "Idea 4" in page.content.decode() and "Idea 5" in page.content.decode()
    assert "Dr Trainee" not in page.content.decode().split("Share the results")[0].split(
        "<h1>")[1]

    client.post(reverse("evaluation_share", args=[world.cohort.pk]),
                {"message": "Thank you", "confirm": "1"})
    recipients = addresses("S17R")
    assert {"trainee@nhs.test", "peer@nhs.test", "supervisor@nhs.test", "lead@nhs.test",
            "es@nhs.test", "chair@nhs.test", "pd@nhs.test", "pa@nhs.test"} <= recipients
    body = emails("S17R")[0].body_text
    assert "4.5" in body and "Idea 4" not in body
    # A second click with no new answers sends nothing more.
    client.post(reverse("evaluation_share", args=[world.cohort.pk]),
                {"message": "", "confirm": "1"})
    assert EvaluationResultsShare.objects.count() == 1
    assert len(emails("S17R")) == len(recipients)


def test_sharing_with_no_answers_is_refused(world):
    evaluation = services.evaluation_open(cohort=world.cohort)
    with pytest.raises(ValidationError, match="Nobody"):
        services.evaluation_results_share(evaluation=evaluation, by=world.pd)
    assert not emails("S17R")
