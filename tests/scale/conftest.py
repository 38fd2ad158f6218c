import pytest


@pytest.fixture(autouse=True)
def _scale_settings(settings):
    # Two-factor set-up is the accounts app's concern; these tests sign people straight in.
    settings.CLIC_MFA_ENFORCED = False


@pytest.fixture(scope="module", autouse=True)
def _statistics_forgotten(django_db_blocker):
    """After a module's tests (and their rollbacks), the planner's statistics as a fresh test
    database has them: see plans.forget_statistics."""
    from .plans import forget_statistics

    yield
    with django_db_blocker.unblock():
        forget_statistics()
