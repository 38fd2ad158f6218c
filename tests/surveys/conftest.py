import datetime

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import Question
from tests import factories


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


@pytest.fixture
def more_trainees(world):
    """Four more trainees in the world's cohort, each with the world's CCG Supervisor and
    Project Lead: five trainees in all, enough for their group's breakdown."""
    return [factories.PlacementFactory(cohort=world.cohort, ccg_supervisor=world.supervisor,
                                       project_lead=world.lead,
                                       trainee=factories.UserFactory(email=f"t{n}@nhs.test"))
            .trainee for n in range(4)]


def open_survey(world, *, year=None, closes_in_days=14):
    survey = services.survey_create(programme=world.programme,
                                    year=year or timezone.localdate().year, by=world.pd)
    services.survey_open(survey=survey, by=world.pd, closes_on=timezone.localdate()
                         + datetime.timedelta(days=closes_in_days))
    return survey


def answers_for(survey, rating=4, comment="") -> dict:
    return {question.pk: rating if question.kind == Question.Kind.SCALE else comment
            for question in survey.questions.all()}
