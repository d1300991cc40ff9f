"""Where a form may send the shopper after it is done: a page of this site."""

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def post_only(view):
    """Refuse anything but POST, and mark the view as no place to come back to.

    A `next` naming such a view would turn the shopper's next click into a
    GET that answers 405; `safe_next` refuses it.
    """
    guarded = require_POST(view)
    guarded.post_only = True
    return guarded


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Return the request's `next` if it is a page of this site a GET can show.

    Anything else (another host, an unknown path, a POST-only view) gives
    `fallback`.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not (
        target
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return fallback
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return fallback
    if getattr(match.func, "post_only", False):
        return fallback
    return target
