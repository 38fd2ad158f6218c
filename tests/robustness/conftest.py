import pytest
from django.core.management import call_command

from .scene import build_scene


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """The demo and its extras, committed once per module; each test's changes roll back."""
    with django_db_blocker.unblock():
        built = build_scene()
    yield built
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    """PDs, PAs and CCG admin must set up two-factor sign-in first; not the subject here."""
    settings.CLIC_MFA_ENFORCED = False
