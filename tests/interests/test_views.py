import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clic.accounts.models import Role
from interests.models import Interest, NothingToDeclare
from tests import factories
from tests.assessments.helpers import schedule
from tests.fixtures.people import give_role

from .helpers import declare, interest_post

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def _get(client, person, name, *args):
    client.force_login(person)
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize("who", ["supervisor", "lead", "pd", "chair", "other_pd"])
def test_everyone_who_must_declare_opens_their_own_register(client, world, who):
    response = _get(client, getattr(world, who), "interests_mine")
    assert response.status_code == 200
    assert "Your register of interests" in response.content.decode()


@pytest.mark.parametrize("who", ["trainee", "es", "pa", "ccg_admin"])
def test_people_who_do_not_declare_get_404(client, world, who):
    assert _get(client, getattr(world, who), "interests_mine").status_code == 404
    assert _get(client, getattr(world, who), "interest_declare").status_code == 404


def test_an_educational_supervisor_on_a_panel_declares(client, world):
    schedule(world.cohort, world.pd)
    assert _get(client, world.es, "interests_mine").status_code == 200


def test_own_register_lists_own_interests_only(client, world):
    declare(world.supervisor, organisation_name="Own Trust", starts_on=DAY)
    declare(world.lead, organisation_name="Someone Else's Ltd", starts_on=DAY)
    page = _get(client, world.supervisor, "interests_mine").content.decode()
    assert "Own Trust" in page
    assert "Someone Else" not in page


def test_declaring_through_the_form_saves_the_interest(client, world):
    client.force_login(world.supervisor)
    response = client.post(reverse("interest_declare"), interest_post())
    assert response.status_code == 302
    interest = Interest.objects.get()
    assert (interest.person, interest.organisation_name, interest.starts_on, interest.ends_on) == (
        world.supervisor, "Kent Community Health NHS Foundation Trust", datetime.date(2025, 3, 1),
        None)


def test_declaring_a_ccg_from_the_list_saves_the_organisation(client, world):
    client.force_login(world.supervisor)
    client.post(reverse("interest_declare"),
                interest_post(organisation=str(world.ccg.pk), organisation_name=""))
    assert Interest.objects.get().organisation == world.ccg


def test_dates_out_of_order_are_refused_on_the_field_and_nothing_is_saved(client, world):
    client.force_login(world.supervisor)
    response = client.post(reverse("interest_declare"), interest_post(
        **{"ends_on-day": "1", "ends_on-month": "1", "ends_on-year": "2025"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert ('<a href="#id_ends_on-day">The end date must be the same as or after the date it '
            'began.</a>') in page
    assert "The end date must be the same as or after the date it began." in page
    assert not Interest.objects.exists()


def test_no_organisation_is_refused_on_the_field(client, world):
    client.force_login(world.supervisor)
    response = client.post(reverse("interest_declare"), interest_post(organisation_name=""))
    assert "Choose the organisation, or name another one." in response.content.decode()
    assert not Interest.objects.exists()


def test_editing_an_interest_saves_the_end_date(client, world):
    interest = declare(world.supervisor, organisation_name="Own Trust", starts_on=DAY)
    client.force_login(world.supervisor)
    page = client.get(reverse("interest_edit", args=[interest.pk])).content.decode()
    assert "Own Trust" in page
    client.post(reverse("interest_edit", args=[interest.pk]), interest_post(
        organisation_name="Own Trust", **{"starts_on-day": "2", "starts_on-month": "3",
                                          "starts_on-year": "2026", "ends_on-day": "30",
                                          "ends_on-month": "6", "ends_on-year": "2026"}))
    interest.refresh_from_db()
    assert interest.ends_on == datetime.date(2026, 6, 30)


def test_someone_elses_interest_is_404(client, world):
    interest = declare(world.supervisor, organisation_name="Own Trust", starts_on=DAY)
    assert _get(client, world.lead, "interest_edit", interest.pk).status_code == 404
    client.force_login(world.pd)
    client.post(reverse("interest_edit", args=[interest.pk]), interest_post())
    interest.refresh_from_db()
    assert interest.organisation_name == "Own Trust"


def test_nothing_to_declare_button_records_it(client, world, clock):
    clock.set(DAY)
    client.force_login(world.chair)
    response = client.post(reverse("interests_nothing_to_declare"), follow=True)
    assert "recorded with today&#x27;s date" in response.content.decode()
    assert NothingToDeclare.objects.get().declared_on == DAY
    assert "2 March 2026" in _get(client, world.chair, "interests_mine").content.decode()


def test_nothing_to_declare_with_a_current_interest_is_refused_with_a_message(client, world,
                                                                                clock):
    clock.set(DAY)
    declare(world.chair, organisation=world.ccg, starts_on=DAY)
    client.force_login(world.chair)
    response = client.post(reverse("interests_nothing_to_declare"), follow=True)
    assert "1 interest current today" in response.content.decode()
    assert not NothingToDeclare.objects.exists()


def test_programme_register_shows_the_pds_people_and_not_others(client, world, clock):
    clock.set(DAY)
    declare(world.supervisor, organisation_name="Own Trust", starts_on=DAY)
    declare(world.other_ccg_supervisor, organisation_name="Elsewhere Trust", starts_on=DAY)
    client.force_login(world.chair)
    client.post(reverse("interests_nothing_to_declare"))
    page = _get(client, world.pd, "interests_register").content.decode()
    assert "Own Trust" in page
    assert "Dr Chair" in page and "Nothing to declare: 2 March 2026" in page
    assert "Dr Lead" in page
    assert "Elsewhere Trust" not in page and "Dr Othersupervisor" not in page
    other = _get(client, world.other_pd, "interests_register").content.decode()
    assert "Own Trust" not in other


@pytest.mark.parametrize("who", ["trainee", "supervisor", "chair", "pa", "es"])
def test_programme_register_is_404_for_anyone_but_a_pd(client, world, who):
    assert _get(client, getattr(world, who), "interests_register").status_code == 404


def _programme_with(size: int):
    programme = factories.ProgrammeFactory()
    pd = give_role(factories.UserFactory(), Role.PD, programme)
    cohort = factories.CohortFactory(programme=programme, directors=[pd])
    for _ in range(size):
        placement = factories.PlacementFactory(cohort=cohort)
        declare(placement.ccg_supervisor, organisation_name="A Trust", starts_on=DAY)
        declare(placement.ccg_supervisor, organisation_name="Another Trust", starts_on=DAY)
    return pd


def test_programme_register_queries_do_not_grow_with_the_people(client):
    counts = []
    for size in (2, 8):
        client.force_login(_programme_with(size))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("interests_register"))
        assert response.content.decode().count("Another Trust") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
