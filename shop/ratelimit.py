"""Rate limits from settings, on the shared cache, for pages and the API.

django-ratelimit counts; this module names the limits after settings and
raises `RateLimited` with the wait, which the 429 page and the API's error
handler turn into an answer with a `Retry-After` header.
"""

import time

from django.conf import settings
from django_ratelimit.core import _get_ip, _split_rate, is_ratelimited

from shop.errors import RateLimited


def _retry_after(rate: str) -> int:
    _count, period = _split_rate(rate)
    # django-ratelimit windows are aligned to multiples of the period.
    return max(1, period - int(time.time()) % period)


def client_ip(request) -> str:
    """Return the client's address as the "ip" limits key it (a Django or DRF
    request), so every per-client rule counts the same client."""
    return _get_ip(getattr(request, "_request", request))


def check_rate(request, *, group: str, rate_setting: str, key="ip") -> None:
    """Count this request against a limit; raise RateLimited once it is over.

    `key` is a django-ratelimit key ("ip", "user_or_ip") or a callable
    `key(group, request) -> str`; a request is a Django or DRF request.
    """
    django_request = getattr(request, "_request", request)
    rate = getattr(settings, rate_setting)
    if is_ratelimited(
        django_request,
        group=group,
        key=key,
        rate=rate,
        method=is_ratelimited.ALL,
        increment=True,
    ):
        raise RateLimited(retry_after=_retry_after(rate))
