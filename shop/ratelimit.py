"""Rate limits from settings, on the shared cache, for pages and the API.

django-ratelimit counts; this module names the limits after settings and
raises `RateLimited` with the wait, which the 429 page and the API's error
handler turn into an answer with a `Retry-After` header.

When the cache cannot count (Redis is down), a limit either lets the request
through (`open_without_cache=True`, the default: logins, token refresh and
checkout keep the shop usable) or refuses it for a minute (limits guarding
email sends and sign-ups, which can wait). docs/operations.md lists each.
"""

import logging

from django.conf import settings
from django_ratelimit.core import ALL, _get_ip, get_usage

from shop.errors import RateLimited

logger = logging.getLogger(__name__)

# The wait a refused request is told when the cache could not count it.
CACHE_DOWN_RETRY_AFTER = 60


def client_ip(request) -> str:
    """Return the client's address as the "ip" limits key it (a Django or DRF
    request), so every per-client rule counts the same client."""
    return _get_ip(getattr(request, "_request", request))


def check_rate(
    request,
    *,
    group: str,
    rate_setting: str,
    key="ip",
    open_without_cache: bool = True,
) -> None:
    """Count this request against a limit; raise RateLimited once it is over.

    `key` is a django-ratelimit key ("ip", "user_or_ip") or a callable
    `key(group, request) -> str`; a request is a Django or DRF request. The
    wait is the end of this key's own window: django-ratelimit shifts each
    key's window by a hash of the key, so it is not a multiple of the period.
    """
    django_request = getattr(request, "_request", request)
    usage = get_usage(
        django_request,
        group=group,
        key=key,
        rate=getattr(settings, rate_setting),
        method=ALL,
        increment=True,
    )
    if usage is None:
        return
    if usage["time_left"] < 0:
        # django-ratelimit's sign that the cache did not answer.
        logger.warning("rate limit %s not counted: the cache is unavailable", group)
        if open_without_cache:
            return
        raise RateLimited(retry_after=CACHE_DOWN_RETRY_AFTER)
    if usage["should_limit"]:
        raise RateLimited(retry_after=max(1, usage["time_left"]))
