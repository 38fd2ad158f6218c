"""Publishing a timetable: a confirmation page that lists every email, then one S1 and one S3
per person about all of their trainees (issue 19, sections 1 and 3)."""

import html

import pytest
from django.urls import reverse

from rotations.selectors import cohort_publish_plan
from rotations.services import cohort_publish
from tests import factories
from trainees.services import placement_add

from .helpers import outbox

pytestmark = pytest.mark.django_db

ALLOCATION_CODES = ("S1", "S2", "S3", "S4")


def _sent() -> set[tuple[str, str, str]]:
    return set(outbox().filter(code__in=ALLOCATION_CODES).values_list("code", "to_email",
                                                                      "subject"))


@pytest.fixture
def three_trainees(world):
    """The world's cohort with two more trainees: one more for the same supervisor, one with
    a supervisor of their own."""
    factories.PlacementFactory(cohort=world.cohort, trainee__full_name="Dr Second",
                               ccg_supervisor=world.supervisor, project_lead=None)
    factories.PlacementFactory(cohort=world.cohort, trainee__full_name="Dr Third",
                               ccg_supervisor__email="third.sup@nhs.test", project_lead=None)
    return world


def test_a_supervisor_of_two_trainees_gets_one_s1_and_one_s3_naming_both(three_trainees):
    cohort_publish(cohort=three_trainees.cohort, by=three_trainees.pd)

    for code in ("S1", "S3"):
        (email,) = outbox(code, to_email="supervisor@nhs.test")
        assert "Dr Trainee" in email.body_text and "Dr Second" in email.body_text
        assert "Dr Third" not in email.body_text
    (pd_email,) = outbox("S1", to_email="pd@nhs.test")
    assert all(name in pd_email.body_text for name in ("Dr Trainee", "Dr Second", "Dr Third"))
    assert outbox("S1", to_email="ekccgs.quality@nhs.net").count() == 1
    assert outbox("S2").count() == 3  # each trainee their own welcome
    assert outbox("S3", to_email="third.sup@nhs.test").count() == 1


def test_the_publish_page_lists_exactly_the_emails_publishing_sends(client, three_trainees):
    world = three_trainees
    client.force_login(world.pd)

    page = client.get(reverse("cohort_publish", args=[world.cohort.pk])).content.decode()
    listed = cohort_publish_plan(world.cohort)
    assert not outbox().exists()  # looking sends nothing
    client.post(reverse("cohort_publish", args=[world.cohort.pk]))

    assert listed.as_outbox_rows() == _sent()
    assert f"Publish and send {len(listed)} emails" in page
    for _, address, subject in _sent():
        assert address in page and html.escape(subject) in page
    assert "S4: CCG Supervisor names the Project Lead, about Dr Trainee" in page
    assert ("S1: Cohort published or trainee allocated, about Dr Second, Dr Third and "
            "Dr Trainee") in page


def test_opening_the_publish_page_neither_publishes_nor_sends(client, world):
    client.force_login(world.pd)

    response = client.get(reverse("cohort_publish", args=[world.cohort.pk]))

    assert response.status_code == 200
    world.cohort.refresh_from_db()
    assert not world.cohort.is_published
    assert not outbox().exists()


def test_a_repeated_publish_sends_nothing_and_says_when_and_by_whom(client, world):
    client.force_login(world.pd)
    address = reverse("cohort_publish", args=[world.cohort.pk])
    client.post(address)
    sent = outbox().count()

    again = client.post(address, follow=True).content.decode()
    back = client.get(address).content.decode()

    assert outbox().count() == sent
    for page in (again, back):
        assert "The timetable was already published on " in page
        assert "by Dr Pd: nothing was sent again." in page
    assert "Publish and send" not in back


def test_a_trainee_allocated_to_a_published_cohort_is_named_alone(world):
    world.cohort = cohort_publish(cohort=world.cohort, by=world.pd)
    late = factories.UserFactory(full_name="Dr Late", email="late@nhs.test")

    placement_add(cohort=world.cohort, trainee=late, practice=world.practice,
                  educational_supervisor=world.es, ccg_supervisor=world.supervisor, by=world.pd)

    s1 = outbox("S1", to_email="supervisor@nhs.test").order_by("created_at", "id")
    assert s1.count() == 2
    assert "Dr Late" in s1.last().body_text and "Dr Trainee" not in s1.last().body_text
