"""Every rate limit answers 429 with Retry-After, on the page and in the API.

Each limit is lowered to 2 a day for the test (a day's window cannot roll
over between three requests), the first two requests go through to the view,
the third is refused before it does anything.
"""

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import User
from accounts.tests.factories import PASSWORD, SellerFactory, UserFactory
from shop.models import OutboundEmail

LIMIT = "2/d"
STRONG = "lemon-grass-91-Tiffin"


@dataclass(frozen=True)
class Limit:
    name: str
    setting: str
    path: str
    api: bool
    # Request number n (from 0) sends this body.
    body: Callable
    login: str = ""  # "verified", "unverified": who makes the requests
    # What must not have happened after the refused request.
    count: Callable | None = None


def _signup(n):
    return {"email": f"new{n}@example.com", "name": "New Shopper", "password": STRONG}


LIMITS = [
    Limit("login page", "SHOP_RATE_LOGIN_ACCOUNT", "/account/login/", False,
          lambda n, u: {"email": u.email, "password": "wrong-password"}),
    Limit("login page per IP", "SHOP_RATE_LOGIN_IP", "/account/login/", False,
          lambda n, u: {"email": f"someone{n}@example.com", "password": "wrong"}),
    Limit("admin login", "SHOP_RATE_LOGIN_ACCOUNT", "/admin/login/", False,
          lambda n, u: {"username": u.email, "password": "wrong", "next": "/admin/"}),
    Limit("admin login per IP", "SHOP_RATE_LOGIN_IP", "/admin/login/", False,
          lambda n, u: {"username": f"someone{n}@example.com", "password": "wrong"}),
    Limit("token", "SHOP_RATE_LOGIN_ACCOUNT", "/api/v1/auth/token/", True,
          lambda n, u: {"email": u.email, "password": "wrong-password"}),
    Limit("token refresh", "SHOP_RATE_TOKEN_REFRESH", "/api/v1/auth/token/refresh/",
          True, lambda n, u: {"refresh": str(RefreshToken.for_user(u))}),
    Limit("sign-up page", "SHOP_RATE_SIGNUP", "/account/register/", False,
          lambda n, u: _signup(n), count=lambda: User.objects.count()),
    Limit("sign-up", "SHOP_RATE_SIGNUP", "/api/v1/auth/register/", True,
          lambda n, u: _signup(n), count=lambda: User.objects.count()),
    Limit("password reset page", "SHOP_RATE_PASSWORD_RESET",
          "/account/password-reset/", False, lambda n, u: {"email": u.email},
          count=lambda: OutboundEmail.objects.count()),
    Limit("password reset", "SHOP_RATE_PASSWORD_RESET", "/api/v1/auth/password-reset/",
          True, lambda n, u: {"email": u.email},
          count=lambda: OutboundEmail.objects.count()),
    Limit("verification resend page", "SHOP_RATE_VERIFY_RESEND",
          "/account/verify/resend/", False, lambda n, u: {}, login="unverified",
          count=lambda: OutboundEmail.objects.count()),
    Limit("verification resend", "SHOP_RATE_VERIFY_RESEND",
          "/api/v1/auth/verify-email/resend/", True, lambda n, u: {},
          login="unverified", count=lambda: OutboundEmail.objects.count()),
    Limit("checkout page", "SHOP_RATE_CHECKOUT", "/checkout/", False,
          lambda n, u: {"address": "", "slot": "", "token": "t" * 20},
          login="verified"),
    Limit("checkout", "SHOP_RATE_CHECKOUT", "/api/v1/orders/", True,
          lambda n, u: {"address": 999999, "slot": 999999}, login="verified"),
]  # fmt: skip


def _send(client, limit: Limit, user, n: int):
    body = limit.body(n, user)
    headers = {"REMOTE_ADDR": "203.0.113.7"}
    if limit.api:
        if limit.login:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(user)}"
        return client.post(limit.path, body, content_type="application/json", **headers)
    return client.post(limit.path, body, **headers)


@pytest.mark.django_db
@pytest.mark.parametrize("limit", LIMITS, ids=[limit.name for limit in LIMITS])
def test_the_request_over_the_limit_gets_429_with_retry_after(client, settings, limit):
    setattr(settings, limit.setting, LIMIT)
    if limit.login == "unverified":
        user = UserFactory(email_verified_at=None)
    else:
        user = UserFactory()
    if limit.login and not limit.api:
        client.force_login(user)

    allowed = [_send(client, limit, user, n).status_code for n in range(2)]
    before = limit.count() if limit.count else None
    refused = _send(client, limit, user, 2)

    assert all(status != 429 for status in allowed), allowed
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 24 * 3600
    if limit.api:
        assert refused.json() == {
            "code": "rate_limited",
            "detail": "Too many attempts. Please wait a little and try again.",
        }
    else:
        assert refused["Content-Type"].startswith("text/html")
        assert b"Too many" in refused.content or b"too many" in refused.content
    if limit.count:
        assert limit.count() == before


@pytest.mark.django_db
def test_the_login_limit_per_account_holds_across_page_and_api(client, settings):
    settings.SHOP_RATE_LOGIN_ACCOUNT = LIMIT
    user = UserFactory()
    wrong = {"email": user.email, "password": "wrong-password"}

    client.post("/account/login/", wrong)
    client.post("/api/v1/auth/token/", wrong, content_type="application/json")
    right = client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )

    assert right.status_code == 429
    assert "access" not in right.json()


@pytest.mark.django_db
def test_the_admin_login_counts_in_the_shops_login_limit(client, settings):
    settings.SHOP_RATE_LOGIN_ACCOUNT = LIMIT
    seller = SellerFactory()

    client.post("/account/login/", {"email": seller.email, "password": "wrong"})
    client.post("/admin/login/", {"username": seller.email, "password": "wrong"})
    right = client.post(
        "/admin/login/?next=/admin/",
        {"username": seller.email, "password": PASSWORD, "next": "/admin/"},
    )

    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_retry_after_is_the_end_of_this_keys_own_window(client, settings):
    """django-ratelimit shifts each key's window by a hash of the key."""
    settings.SHOP_RATE_LOGIN_IP = "2/h"
    ip = "198.51.100.23"
    for n in range(2):
        client.post(
            "/account/login/",
            {"email": f"a{n}@example.com", "password": "x"},
            REMOTE_ADDR=ip,
        )

    refused = client.post(
        "/account/login/", {"email": "z@example.com", "password": "x"}, REMOTE_ADDR=ip
    )
    window_end = zlib.crc32(ip.encode()) % 3600 + time.time() // 3600 * 3600
    if window_end < time.time():
        window_end += 3600

    assert refused.status_code == 429
    assert abs(int(refused["Retry-After"]) - (window_end - time.time())) <= 2
