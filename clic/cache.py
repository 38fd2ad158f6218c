"""The cache backend of a deployment with Redis: Redis, or this process's memory while Redis
cannot be reached, so that a Redis outage slows nothing and breaks nothing that uses the
cache (sign-in's rate limits, cached calendar feeds and PDFs)."""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Once Redis has failed, the process's memory serves for this long before Redis is tried
# again: a request during an outage pays for at most one refused connection.
RETRY_REDIS_AFTER = 10.0


def redis_answers(url: str) -> bool:
    """Whether the Redis at `url` answers a PING at once (no retries: a health check)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1,
                                  retry=Retry(NoBackoff(), 0))
    try:
        return bool(client.ping())
    except RedisError:
        return False
    finally:
        client.close()


def _fail_safe(name: str):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self.redis_down_until:
            try:
                return getattr(super(FailSafeRedisCache, self), name)(*args, **kwargs)
            except RedisError as exc:
                self.redis_down_until = time.monotonic() + RETRY_REDIS_AFTER
                logger.warning("Cache: Redis unreachable (%s); this process's memory serves "
                               "for %.0f s (rate limits are per process meanwhile)", exc,
                               RETRY_REDIS_AFTER)
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class FailSafeRedisCache(RedisCache):
    """Django's Redis cache that falls back to a per-process memory cache while Redis is
    down, and says so in the log. Set up by clic.settings.base.cache_from_env."""

    def __init__(self, server, params):
        super().__init__(server, params)
        # One quick try per operation: the fallback is the retry.
        self._options = {"socket_connect_timeout": 0.5, "socket_timeout": 1,
                         "retry": Retry(NoBackoff(), 0), **self._options}
        self.fallback = LocMemCache(f"clic-fallback-{id(self)}", params)
        self.redis_down_until = 0.0

    def redis_reachable(self) -> bool:
        return all(redis_answers(server) for server in self._servers)

    add = _fail_safe("add")
    get = _fail_safe("get")
    set = _fail_safe("set")
    touch = _fail_safe("touch")
    delete = _fail_safe("delete")
    get_many = _fail_safe("get_many")
    has_key = _fail_safe("has_key")
    incr = _fail_safe("incr")
    set_many = _fail_safe("set_many")
    delete_many = _fail_safe("delete_many")
    clear = _fail_safe("clear")
