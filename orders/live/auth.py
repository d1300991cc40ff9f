"""Who is on a WebSocket: the access JWT, or the page's session cookie.

The token comes in the `Sec-WebSocket-Protocol` header (`bearer.<token>`
beside `freshcart.v1`) or in the first message, never in the URL, which
servers and proxies log. It is checked by the API's own authentication, so
an expired token, a revoked `token_version` or an inactive user are refused
alike. A session counts only when the Origin is one of the shop's hosts, so
another site's page cannot open a socket with the shopper's cookie.
"""

import time
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth
from django.http.request import validate_host
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from accounts.jwt import VersionedJWTAuthentication

SUBPROTOCOL = "freshcart.v1"
BEARER_PREFIX = "bearer."


def token_from_subprotocols(subprotocols: list[str]) -> str | None:
    """Return the token offered as a `bearer.<token>` subprotocol, if any."""
    for offered in subprotocols:
        if offered.startswith(BEARER_PREFIX):
            return offered.removeprefix(BEARER_PREFIX)
    return None


def origin_is_the_shop(scope: dict) -> bool:
    """Return whether the socket was opened by a page of one of the shop's hosts."""
    origin = dict(scope.get("headers", [])).get(b"origin")
    if not origin:
        return False
    host = urlsplit(origin.decode("latin-1")).hostname
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def _user_of_token(raw: str):
    authentication = VersionedJWTAuthentication()
    try:
        validated = authentication.get_validated_token(raw)
        return authentication.get_user(validated), float(validated["exp"])
    except (InvalidToken, TokenError, AuthenticationFailed):
        return None, None


def socket_user(scope: dict, token: str | None):
    """Return the signed-in user and when their token expires (None: a session).

    Return (None, None) for a bad, expired or revoked token, and for a socket
    with neither a token nor a session of the shop's own pages. Reads the
    database: call from a thread, not the event loop.
    """
    if token is not None:
        user, expires = _user_of_token(token)
        if user is None or expires <= time.time():
            return None, None
        return user, expires
    key = scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)
    if not key or not origin_is_the_shop(scope):
        return None, None
    # Read here, once: a socket never changes its session, and Channels'
    # session middleware would look at it again on every frame sent.
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    # Django's own check of a session's user (its backend, its password hash).
    user = auth.get_user(SimpleNamespace(session=session))
    if not user.is_authenticated or not user.is_active:
        return None, None
    return user, None
