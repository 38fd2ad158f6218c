"""What each person sees is found by id, through indexes, from what their roles reach."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clic.accounts.selectors import DIRECTS, user_memberships, user_roles

pytestmark = pytest.mark.django_db


def test_memberships_and_directed_cohorts_are_one_query_for_the_request(world):
    with CaptureQueriesContext(connection) as queries:
        memberships = user_memberships(world.pd)
        roles = user_roles(world.pd)
        user_roles(world.pd)

    assert len(queries) == 1
    assert roles == {"pd"}
    assert (DIRECTS, world.cohort.pk) in memberships
