import pytest


@pytest.fixture(autouse=True)
def _scale_settings(settings):
    # Two-factor set-up is the accounts app's concern; these tests sign people straight in.
    settings.CLIC_MFA_ENFORCED = False
