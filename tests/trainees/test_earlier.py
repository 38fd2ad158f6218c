"""Home pages list the trainees of current cohorts, however many years a supervisor or PD has
been with the service; earlier cohorts' trainees are on a list of their own, a page at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clic.paging import PAGE_SIZE
from tests import factories
from tests.factories import this_monday

pytestmark = pytest.mark.django_db


def _earlier_cohort(world, trainees: int, *, weeks_ago: int = 60, label: str = "Earlier"):
    """A cohort of the world's programme and CCG that ended long ago, the world's supervisor
    supervising every trainee."""
    cohort = factories.CohortFactory(programme=world.programme, ccg=world.ccg,
                                     directors=[world.pd], start_date=this_monday(weeks_ago))
    return [factories.PlacementFactory(
        cohort=cohort, ccg_supervisor=world.supervisor,
        trainee=factories.UserFactory(full_name=f"{label} Trainee {n:03d}"))
        for n in range(trainees)]


@pytest.mark.parametrize("who", ["supervisor", "pd", "ccg_admin"])
def test_home_lists_current_trainees_and_links_to_earlier_ones(client, world, who):
    _earlier_cohort(world, 2)
    client.force_login(getattr(world, who))

    home = client.get(reverse("home")).content.decode()
    assert world.trainee.full_name in home
    assert "Earlier Trainee" not in home
    assert f'href="{reverse("earlier_trainees")}"' in home

    earlier = client.get(reverse("earlier_trainees")).content.decode()
    assert "Earlier Trainee 000" in earlier and "Earlier Trainee 001" in earlier
    assert world.trainee.full_name not in earlier


def test_a_cohort_that_ended_within_four_weeks_is_still_current(client, world):
    [recent] = _earlier_cohort(world, 1, weeks_ago=16 + 3, label="Recent")
    client.force_login(world.supervisor)
    assert recent.trainee.full_name in client.get(reverse("home")).content.decode()
    assert "None yet." in client.get(reverse("earlier_trainees")).content.decode()


def test_a_longer_cohort_is_current_by_its_own_length(client, world):
    """A 20-week cohort 23 weeks in ended three weeks ago; one 25 weeks in, five."""
    [recent] = _earlier_cohort(world, 1, weeks_ago=20 + 3 - 1, label="Recent")
    [ended] = _earlier_cohort(world, 1, weeks_ago=20 + 5 - 1, label="Ended")
    for placement in (recent, ended):
        factories.lengthen(placement.cohort, by=world.pd)
    client.force_login(world.supervisor)
    home = client.get(reverse("home")).content.decode()
    assert recent.trainee.full_name in home and ended.trainee.full_name not in home
    earlier = client.get(reverse("earlier_trainees")).content.decode()
    assert ended.trainee.full_name in earlier and recent.trainee.full_name not in earlier


def test_a_supervisors_link_appears_once_a_trainee_of_theirs_ended_over_four_weeks_ago(
        client, world):
    """Known from the placements the supervisor reaches and those their panels list."""
    _earlier_cohort(world, 1, weeks_ago=16 + 3, label="Recent")
    client.force_login(world.supervisor)
    assert reverse("earlier_trainees") not in client.get(reverse("home")).content.decode()
    _earlier_cohort(world, 1, weeks_ago=16 + 5, label="Ended")
    assert reverse("earlier_trainees") in client.get(reverse("home")).content.decode()


def test_no_link_without_earlier_trainees_nor_for_a_trainee(client, world):
    _earlier_cohort(world, 1)
    for person in (world.other_ccg_supervisor, world.trainee):
        client.force_login(person)
        assert reverse("earlier_trainees") not in client.get(reverse("home")).content.decode()


def test_a_trainee_never_finds_their_own_or_others_placements_there(client, world):
    [old] = _earlier_cohort(world, 1)
    client.force_login(old.trainee)
    assert "None yet." in client.get(reverse("earlier_trainees")).content.decode()
    client.force_login(world.other_ccg_supervisor)
    assert "Earlier Trainee" not in client.get(reverse("earlier_trainees")).content.decode()


def test_earlier_trainees_come_a_page_at_a_time_with_the_same_queries(client, world):
    def queries(page: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("earlier_trainees"), {"page": page})
        assert response.status_code == 200
        return len(captured), response.content.decode()

    _earlier_cohort(world, 3, label="First")
    client.force_login(world.supervisor)
    few, _ = queries("1")
    _earlier_cohort(world, PAGE_SIZE, weeks_ago=40, label="Second")
    many, first = queries("1")
    assert many == few
    assert first.count("Second Trainee") == PAGE_SIZE and "First Trainee" not in first
    _, second = queries("2")
    assert "First Trainee 000" in second and "Page 1 of 2" in second
    # A page number that is not one shows the first page, not an error.
    assert "Second Trainee 000" in queries("x")[1]
