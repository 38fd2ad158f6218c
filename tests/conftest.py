import pytest

pytest_plugins = ["tests.fixtures.people", "tests.fixtures.browser", "tests.fixtures.services"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
