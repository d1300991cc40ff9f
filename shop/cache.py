"""The Redis cache, where an unreachable Redis is a cache miss, not an error.

Pages, the API, sessions (cached_db) and the category tree read through the
cache. When Redis does not answer, a read returns its default, a write
reports failure (`add` False, `set` nothing stored) and `incr` raises the
ValueError a missing key raises, which django-ratelimit reads as "could not
count" (shop/ratelimit.py decides per limit). After a failure the process
does not ask Redis again for RETRY_AFTER_SECONDS, so an outage costs each
request nothing, whatever the connect timeout.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0


class CacheUnavailable(ValueError):
    """Redis did not answer; a ValueError, as for a missing key in `incr`."""


def _when_down(miss):
    """Answer `miss(*args)` instead of the method while Redis does not answer."""

    def decorator(method):
        @functools.wraps(method)
        def wrapped(self, *args):
            if time.monotonic() < self.down_until:
                return miss(*args)
            try:
                return method(self, *args)
            except RedisError as exc:
                logger.warning("cache unavailable, treated as a miss: %r", exc)
                self.down_until = time.monotonic() + RETRY_AFTER_SECONDS
                return miss(*args)

        return wrapped

    return decorator


def _incr_refused(key, delta):
    raise CacheUnavailable(f"The cache could not count {key!r}.")


class ResilientRedisCacheClient(RedisCacheClient):
    down_until = 0.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django makes a redis.Redis for every operation, which costs about
        # 140 µs (its table of reply parsers) against 200 µs for reading a
        # whole page; one per connection pool serves them all, as redis-py
        # clients share their pool's connections safely.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    add = _when_down(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _when_down(lambda key, default: default)(RedisCacheClient.get)
    set = _when_down(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _when_down(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _when_down(lambda key: False)(RedisCacheClient.delete)
    get_many = _when_down(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _when_down(lambda key: False)(RedisCacheClient.has_key)
    incr = _when_down(_incr_refused)(RedisCacheClient.incr)
    set_many = _when_down(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _when_down(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _when_down(lambda: False)(RedisCacheClient.clear)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache on the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
