import pytest


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False
