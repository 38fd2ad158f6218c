import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import demo as assessments_demo
from clic.accounts import demo as accounts_demo
from interests import demo as interests_demo
from interests.models import Interest, NothingToDeclare
from trainees import demo as trainees_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    data = accounts_demo.load(timezone.localdate())
    trainees_demo.load(data)
    assessments_demo.load(data)
    interests_demo.load(data)
    return data


def test_demo_declares_interests_and_a_nothing_to_declare(demo):
    declared = set(Interest.objects.values_list("person__email", flat=True))
    assert declared == {"supervisor@clic.test", "lead@clic.test", "pd@clic.test",
                        "pd2@clic.test"}
    assert NothingToDeclare.objects.get().person == demo.people["chair"]


def test_demo_interest_flags_on_the_presentation_day_for_its_pd(client, demo, settings):
    settings.CLIC_MFA_ENFORCED = False
    day = demo.extras["presentation_day"]
    client.force_login(demo.people["pd2"])
    page = client.get(reverse("presentation_day", args=[day.pk])).content.decode()
    assert "Dr Sarah Collins, for" in page
    client.force_login(demo.people["pd"])
    own = client.get(reverse("interests_mine")).content.decode()
    assert own.count("Confirm no conflict or step aside") == day.slots.count()
