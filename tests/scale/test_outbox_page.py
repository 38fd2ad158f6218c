"""The people a PD or PA manages, found without listing every organisation in the service."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clic.accounts.models import User
from clic.accounts.selectors import managed_organisation_ids, people_visible_to, user_memberships
from tests import factories

pytestmark = pytest.mark.django_db


def test_people_visible_to_are_those_of_the_managed_organisations_without_a_query(world):
    factories.MembershipFactory()  # someone in another programme only
    expected = set(User.objects.filter(
        memberships__organisation_id__in=managed_organisation_ids(world.pd)))
    user_memberships(world.pd)

    with CaptureQueriesContext(connection) as queries:
        people = people_visible_to(world.pd)
    assert len(queries) == 0
    assert set(people) == expected
    assert list(people_visible_to(world.trainee)) == []
