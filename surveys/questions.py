"""What every temperature check asks: Gloucestershire's framework for clinical and care
professional leadership (May 2022) names five priorities, and its action 2.1 an annual survey
"to test progress across the five priorities". Each priority has one statement to rate and
one comment; a PD adds questions of their own before opening."""

from dataclasses import dataclass

from django.db import models

PRIORITIES = {
    1: "A full range of professionals are integrated into decision making",
    2: "A culture that embraces shared learning and supports collaboration",
    3: "Leaders that have protected time, support and infrastructure for their roles",
    4: "Dedicated leadership and development for clinical and care professional leads",
    5: "Transparent recruitment and a diverse talent pipeline for future leaders",
}

STATEMENTS = {
    1: "Clinical leaders from every profession and background take part in the CCG's "
       "decisions, and hear back what was decided.",
    2: "I can learn from colleagues, share what works and work with patients and partners "
       "on the programme's projects.",
    3: "I have protected time, support and the help I need (data, finance, administration) "
       "for my leadership work.",
    4: "The leadership training, mentoring and coaching on offer are easy to find and suit "
       "what I need.",
    5: "Leadership roles are advertised openly and anyone, whatever their profession or "
       "background, can apply.",
}

COMMENT = "Anything you would like to say about this priority"


class Agreement(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEITHER = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


@dataclass(frozen=True)
class FixedQuestion:
    priority: int
    kind: str
    text: str


def fixed_questions() -> list[FixedQuestion]:
    """The statement and the comment of each priority, in the framework's order."""
    return [question for number in PRIORITIES for question in (
        FixedQuestion(number, "scale", STATEMENTS[number]),
        FixedQuestion(number, "text", COMMENT))]
