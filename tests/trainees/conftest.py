import pytest

from rotations.services import cohort_publish


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    """These tests are about timetables, not sign-in: PDs need not set up MFA first."""
    settings.CLIC_MFA_ENFORCED = False


@pytest.fixture
def published(world):
    """The world, with its cohort's timetable published."""
    cohort_publish(cohort=world.cohort, by=world.pd)
    world.cohort.refresh_from_db()
    return world
