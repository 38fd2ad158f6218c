"""The demo's timetable: the running cohort is published (dates relative to today, so it
is in week 6 now) and one session has been changed, so an S10 sits in the outbox. Last
year's cohort was published too; the upcoming cohort has its trainees (trainees.demo) and
stays a draft, so the PD can try publishing it: its confirmation page lists every email."""

import datetime

from django.db.models import Q
from django.utils import timezone

from clic.accounts.demo import PROGRAMME_NAME, DemoData

from .models import Cohort, Session, day_after_rotation
from .services import cohort_publish, session_update

CHANGED_WEEK = 7


def load(data: DemoData) -> None:
    running = data.extras["running_cohort"]
    pd = data.people["pd"]
    cohort_publish(cohort=data.extras["earlier_cohort"], by=pd)
    cohort_publish(cohort=running, by=pd)
    # Next week's Wednesday teaching gets its topic and moves to the CCG's offices.
    teaching = Session.objects.get(cohort=running, placement__isnull=True, week=CHANGED_WEEK,
                                   kind=Session.Kind.TEACHING)
    session_update(
        session=teaching, by=pd, kind=teaching.kind,
        title="Workshop: population health management and the CCG's priorities",
        date=teaching.date, start_time=datetime.time(10, 0), end_time=teaching.end_time,
        venue=data.ccg.address or running.ccg_venue, facilitator=data.people["pd2"],
        notes="Bring a one-page outline of your project idea.")
    data.extras["changed_session"] = teaching


def running_cohort() -> Cohort:
    """The demo's cohort in week 6 (for the tests, the load test and the benchmark that
    start from load_demo): last year's is published too."""
    today = timezone.localdate()
    return (Cohort.objects.alias(day_after_rotation=day_after_rotation())
            .get(status=Cohort.Status.PUBLISHED, start_date__lte=today,
                 day_after_rotation__gt=today, programme__name=PROGRAMME_NAME))


def clear(*, organisations, people) -> None:
    """An earlier demo's cohorts (and what hangs off them) go with its organisations."""
    Cohort.objects.filter(Q(programme__in=organisations) | Q(ccg__in=organisations)).delete()
