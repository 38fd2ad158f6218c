import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clic.accounts.models import Role
from tests import factories
from tests.fixtures.people import give_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("query", "found", "shown"), [
    ("\x00", {"Dr Pd", "Dr Trainee"}, "People 1 to"),  # nothing left to search for: everyone
    ("Pd\x00", {"Dr Pd"}, "People 1 to 1 of 1 matching \u201cPd\u201d"),
    ("x" * 5000, set(), "Nobody matches"),
])
def test_people_search_with_a_nul_or_a_long_query_is_answered(client, world, settings, query,
                                                               found, shown):
    settings.CLIC_MFA_ENFORCED = False
    client.force_login(world.pd)
    response = client.get(reverse("people"), {"q": query})
    page = response.content.decode()
    assert response.status_code == 200
    assert shown in page
    listed = set(re.findall(r'/people/\d+/">([^<]+)</a>', page))
    assert found <= listed
    assert found or not listed


def _supervisors(world, count, name):
    for number in range(count):
        give_role(factories.UserFactory(full_name=f"{name} {number:03d}"), Role.CCG_SUPERVISOR,
                  world.ccg)


def test_people_are_listed_fifty_a_page_with_the_search_kept(client, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    _supervisors(world, 110, "Zed Paged")
    client.force_login(world.pd)

    first = client.get(reverse("people"), {"q": "Zed Paged"}).content.decode()
    last = client.get(reverse("people"), {"q": "Zed Paged", "page": 3}).content.decode()

    assert "People 1 to 50 of 110 matching" in first
    assert "Zed Paged 000" in first and "Zed Paged 050" not in first
    assert '?q=Zed+Paged&amp;page=2"' in first  # the next page keeps the search
    assert "People 101 to 110 of 110" in last and "Zed Paged 109" in last
    assert "Zed Paged 099" not in last


def test_a_page_of_people_costs_the_same_queries_however_many_there_are(
        client, world, settings):
    settings.CLIC_MFA_ENFORCED = False
    client.force_login(world.pd)
    _supervisors(world, 60, "Few")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("people"))
    _supervisors(world, 240, "Many")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("people")).content.decode()

    assert len(many) == len(few)
    assert len(re.findall(r'href="/people/\d+/"', page)) == 50
