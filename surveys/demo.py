"""The demo's temperature checks, through the services: last year's, answered by the
programme's trainees (enough for their group's breakdown) and two CCG people (too few: their
group is suppressed), then closed; this year's open, answered by a few, so trainee 1 can
answer it and the year-on-year comparison has two years."""

import datetime
import random

from clic.accounts.demo import DemoData

from .models import Question
from .selectors import survey_audience
from .services import survey_answer, survey_close, survey_create, survey_open

COMMENTS = [
    "The Wednesday sessions showed me how the CCG decides; I would like to sit on a committee.",
    "Hard to protect the project day when the practice is short of GPs.",
    "More mentoring from last year's trainees would help.",
    "I did not know where leadership roles are advertised.",
    "",
]


def _answers(survey, rng: random.Random, lean: int) -> dict:
    """Answers around `lean` on the scale, with a comment now and then."""
    answers = {}
    for question in survey.questions.all():
        if question.kind == Question.Kind.SCALE:
            answers[question.pk] = max(1, min(5, lean + rng.choice((-1, 0, 0, 1))))
        else:
            answers[question.pk] = rng.choice(COMMENTS)
    return answers


def load(data: DemoData) -> None:
    pd, today = data.people["pd"], data.today
    rng = random.Random(2026)
    last_year = survey_create(programme=data.programme, year=today.year - 1, by=pd)
    survey_open(survey=last_year, closes_on=today, by=pd)
    audience = survey_audience(data.programme, today)
    trainees = [member.person for member in audience if member.group == "trainee"]
    ccg_people = [member.person for member in audience if member.group != "trainee"][:2]
    for person in trainees + ccg_people:
        survey_answer(survey=last_year, person=person, answers=_answers(last_year, rng, 3))
    survey_close(survey=last_year, by=pd)

    this_year = survey_create(programme=data.programme, year=today.year, by=pd)
    survey_open(survey=this_year, closes_on=today + datetime.timedelta(weeks=4), by=pd)
    for person in trainees[1:4] + ccg_people[:1]:
        survey_answer(survey=this_year, person=person, answers=_answers(this_year, rng, 4))
