import pytest

from community import services

from .helpers import ended_placement, mentor_from


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


@pytest.fixture
def former(world):
    """Last year's trainee, at the world's trainee's practice."""
    return ended_placement(world, "former", practice=world.practice)


@pytest.fixture
def mentor(former):
    return mentor_from(former)


@pytest.fixture
def pair(world, mentor):
    return services.mentoring_pair_create(mentor=mentor, placement=world.placement, by=world.pd)
