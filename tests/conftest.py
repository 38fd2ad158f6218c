import os

import pytest
from hypothesis import settings as hypothesis_settings

# CI replays the same generated examples every run, so a landing never hangs on a new draw;
# elsewhere each run draws afresh and keeps finding new bad input.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

pytest_plugins = [
    "tests.fixtures.people", "tests.fixtures.browser", "tests.fixtures.services",
    "tests.fixtures.clock", "tests.fixtures.templates",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_not_paused():
    """A test that found the broker down leaves this process's publishing paused
    (clic.mail.services.broker_pause); each test starts with it lifted."""
    from clic.mail.services import broker_pause

    broker_pause.clear()
