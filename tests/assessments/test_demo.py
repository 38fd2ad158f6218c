import pytest
from django.utils import timezone

from assessments import demo as assessments_demo
from assessments.models import PresentationDay, ReflectiveEntry
from clic.accounts import demo as accounts_demo
from trainees import demo as trainees_demo

from .helpers import addresses, emails, event_of

pytestmark = pytest.mark.django_db


def test_demo_books_the_running_cohorts_presentation_day_in_week_16():
    data = accounts_demo.load(timezone.localdate())
    trainees_demo.load(data)
    assessments_demo.load(data)

    cohort = data.extras["running_cohort"]
    day = PresentationDay.objects.get(cohort=cohort)
    assert cohort.week_of(day.date) == 16
    assert day.slots.count() == 4
    assert "supervisor@clic.test" in addresses("S13")
    assert str(event_of(emails("S13")[0])["uid"]) == day.uid
    assert day.invitations.exclude(response="pending").exists()
    assert day.invitations.filter(response="pending").exists()
    entries = ReflectiveEntry.objects.filter(placement__cohort=cohort)
    assert entries.count() > 10
    assert all(cohort.start_date <= e.date <= data.today for e in entries)
