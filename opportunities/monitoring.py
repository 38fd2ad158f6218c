"""Equality monitoring reported only in aggregate, with small numbers suppressed.

A group of fewer than SMALLEST_GROUP people is shown as "fewer than 5". Suppressing only the
small groups is not enough: a question's groups add up to everyone who answered, so a single
hidden group could be worked out from the others. So while the hidden groups together hold
between 1 and SMALLEST_GROUP - 1 people, the smallest shown group is hidden too."""

from dataclasses import dataclass

from django.db.models import Count

from clic.disclosure import SMALLEST_GROUP

from .models import MONITORING_QUESTIONS, MonitoringResponse


@dataclass(frozen=True)
class Group:
    label: str
    count: int | None  # None: suppressed


@dataclass(frozen=True)
class Question:
    label: str
    groups: list[Group]


def suppress(counts: dict[str, int]) -> dict[str, int | None]:
    """Each group's count, or None where showing it could single people out."""
    shown = {key: count for key, count in counts.items() if count >= SMALLEST_GROUP}
    hidden_total = sum(count for key, count in counts.items() if key not in shown)
    while 0 < hidden_total < SMALLEST_GROUP and shown:
        smallest = min(shown, key=lambda key: (shown[key], key))
        hidden_total += shown.pop(smallest)
    return {key: shown.get(key) for key in counts}


def question_label(name: str) -> str:
    return str(MonitoringResponse._meta.get_field(name).verbose_name).capitalize()


def monitoring_report(responses) -> list[Question]:
    """Every question with each answer's suppressed count, over these responses (a queryset
    of MonitoringResponse already scoped to the roles the reader manages): one query per
    question, counting in the database, never reading a row."""
    report = []
    for name in MONITORING_QUESTIONS:
        field = MonitoringResponse._meta.get_field(name)
        found = dict(responses.order_by().values_list(name).annotate(n=Count("pk")))
        counts = {value: found.get(value, 0) for value, _ in field.choices}
        shown = suppress(counts)
        report.append(Question(
            label=question_label(name),
            groups=[Group(label=str(label), count=shown[value]) for value, label in field.choices]))
    return report
