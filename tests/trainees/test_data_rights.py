"""The placements the retention job may anonymise: only those whose cohort has ended, each
by its own length."""

import datetime

import pytest

from tests.factories import lengthen
from trainees.data_rights import placements_ended_before

pytestmark = pytest.mark.django_db


def test_a_placement_is_due_only_once_its_own_rotation_has_ended(world):
    start = world.cohort.start_date
    assert world.placement in placements_ended_before(start + datetime.timedelta(weeks=17))
    lengthen(world.cohort, by=world.pd)
    assert world.placement not in placements_ended_before(start + datetime.timedelta(weeks=17))
    assert world.placement not in placements_ended_before(
        start + datetime.timedelta(weeks=20, days=-1))
    assert world.placement in placements_ended_before(start + datetime.timedelta(weeks=20))
