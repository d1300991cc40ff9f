"""The request after each accounts limit gets 429 with Retry-After.

`tight_rates` sets every accounts limit to 2 per hour, so requests one and
two pass and the third is refused.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.mailbox import STRONG_PASSWORD
from shop.errors import RATE_LIMIT_MESSAGE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tight_rates")]


def assert_api_429(response):
    assert response.status_code == 429
    assert response.json() == {"code": "rate_limited", "detail": RATE_LIMIT_MESSAGE}
    assert 1 <= int(response["Retry-After"]) <= 3600


def assert_page_429(response):
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert 1 <= int(response["Retry-After"]) <= 3600


# Login


def test_page_login_is_limited_per_ip(client):
    for n in range(2):
        client.post("/account/login/", {"email": f"a{n}@example.com", "password": "x"})

    response = client.post(
        "/account/login/", {"email": "z@example.com", "password": "x"}
    )

    assert_page_429(response)


def _login_via(client, n: int, *, remote: str, forwarded: str):
    return client.post(
        "/account/login/",
        {"email": f"a{n}@example.com", "password": "x"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_shoppers_behind_the_trusted_proxy_have_their_own_budgets(client, settings):
    settings.SHOP_TRUSTED_PROXIES = ["172.28.0.10"]
    proxy = {"remote": "172.28.0.10"}

    statuses = [
        _login_via(client, n, **proxy, forwarded="203.0.113.1").status_code
        for n in range(3)
    ]
    other = _login_via(client, 3, **proxy, forwarded="203.0.113.2")

    # 400: wrong password, counted; 429: over the limit.
    assert statuses == [400, 400, 429]
    assert other.status_code == 400


def test_a_forged_forwarded_for_from_outside_buys_no_fresh_budget(client, settings):
    settings.SHOP_TRUSTED_PROXIES = ["172.28.0.10"]

    statuses = [
        _login_via(
            client, n, remote="198.51.100.9", forwarded=f"203.0.113.{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [400, 400, 429]


def test_page_login_is_limited_per_account_across_ips(client, user):
    for n in range(2):
        client.post(
            "/account/login/",
            {"email": user.email, "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{n}",
        )

    # Even the right password from a fresh IP waits once the account is limited.
    response = client.post(
        "/account/login/",
        {"email": user.email.upper(), "password": PASSWORD},
        REMOTE_ADDR="10.0.0.99",
    )

    assert_page_429(response)
    assert SESSION_KEY not in client.session


def test_unknown_emails_are_limited_like_known_ones(client):
    for n in range(2):
        client.post(
            "/account/login/",
            {"email": "ghost@example.com", "password": "x"},
            REMOTE_ADDR=f"10.0.1.{n}",
        )

    response = client.post(
        "/account/login/",
        {"email": "ghost@example.com", "password": "x"},
        REMOTE_ADDR="10.0.1.99",
    )

    assert_page_429(response)


def test_api_token_is_limited_per_ip(api_client, user):
    for n in range(2):
        api_client.post(
            "/api/v1/auth/token/",
            {"email": f"a{n}@example.com", "password": "x"},
            format="json",
        )

    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD},
        format="json",
    )

    assert_api_429(response)


def test_api_token_is_limited_per_account_across_ips(api_client, user):
    for n in range(2):
        api_client.post(
            "/api/v1/auth/token/",
            {"email": user.email, "password": "wrong"},
            format="json",
            REMOTE_ADDR=f"10.0.2.{n}",
        )

    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.2.99",
    )

    assert_api_429(response)
    assert "access" not in response.json()


def test_page_and_api_logins_share_the_account_limit(client, api_client, user):
    client.post("/account/login/", {"email": user.email, "password": "wrong"})
    api_client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": "wrong"},
        format="json",
        REMOTE_ADDR="10.0.3.1",
    )

    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": user.email, "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.3.2",
    )

    assert_api_429(response)


# Sign-up


def test_page_sign_up_is_limited(client, send_emails):
    for n in range(2):
        client.post("/account/register/", {"email": f"bad{n}", "name": "x"})

    with send_emails():
        response = client.post(
            "/account/register/",
            {"email": "ok@example.com", "name": "Ok", "password": STRONG_PASSWORD},
        )

    assert_page_429(response)
    assert not User.objects.exists()
    assert mail.outbox == []


def test_api_sign_up_is_limited(api_client, send_emails):
    for n in range(2):
        api_client.post("/api/v1/auth/register/", {"email": f"bad{n}"}, format="json")

    with send_emails():
        response = api_client.post(
            "/api/v1/auth/register/",
            {"email": "ok@example.com", "name": "Ok", "password": STRONG_PASSWORD},
            format="json",
        )

    assert_api_429(response)
    assert not User.objects.exists()
    assert mail.outbox == []


# Password reset


def test_page_password_reset_is_limited(client, user, send_emails):
    for n in range(2):
        client.post("/account/password-reset/", {"email": f"x{n}@example.com"})

    with send_emails():
        response = client.post("/account/password-reset/", {"email": user.email})

    assert_page_429(response)
    assert mail.outbox == []


def test_api_password_reset_is_limited_per_ip(api_client, user, send_emails):
    for n in range(2):
        api_client.post(
            "/api/v1/auth/password-reset/",
            {"email": f"x{n}@example.com"},
            format="json",
        )

    with send_emails():
        response = api_client.post(
            "/api/v1/auth/password-reset/", {"email": user.email}, format="json"
        )

    assert_api_429(response)
    assert mail.outbox == []


def test_api_password_reset_is_limited_per_email_across_ips(
    api_client, user, send_emails
):
    for n in range(2):
        api_client.post(
            "/api/v1/auth/password-reset/",
            {"email": user.email},
            format="json",
            REMOTE_ADDR=f"10.0.4.{n}",
        )

    with send_emails():
        response = api_client.post(
            "/api/v1/auth/password-reset/",
            {"email": user.email},
            format="json",
            REMOTE_ADDR="10.0.4.99",
        )

    assert_api_429(response)
    assert mail.outbox == []


# Token refresh


def test_token_refresh_is_limited(api_client, user):
    refresh = str(RefreshToken.for_user(user))
    for _ in range(2):
        refresh = api_client.post(
            "/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json"
        ).json()["refresh"]

    response = api_client.post(
        "/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json"
    )

    assert_api_429(response)


# Verification resend


def test_page_verification_resend_is_limited(client, send_emails):
    unverified = UserFactory(email_verified_at=None)
    client.force_login(unverified)

    for _ in range(2):
        client.post("/account/verify/resend/")

    with send_emails():
        response = client.post("/account/verify/resend/")

    assert_page_429(response)
    assert mail.outbox == []


def test_api_verification_resend_is_limited(api_client, jwt_pair, send_emails):
    unverified = UserFactory(email_verified_at=None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_pair(unverified)[0]}")

    for _ in range(2):
        api_client.post("/api/v1/auth/verify-email/resend/")

    with send_emails():
        response = api_client.post("/api/v1/auth/verify-email/resend/")

    assert_api_429(response)
    assert mail.outbox == []


# Password checks of signed-in users count like logins


def test_password_change_attempts_are_limited(auth_api_client, user):
    for _ in range(2):
        auth_api_client.post(
            "/api/v1/me/password/",
            {"old_password": "guess", "new_password": STRONG_PASSWORD},
            format="json",
        )

    response = auth_api_client.post(
        "/api/v1/me/password/",
        {"old_password": PASSWORD, "new_password": STRONG_PASSWORD},
        format="json",
    )

    assert_api_429(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_limit_resets_in_a_fresh_window(client, settings):
    settings.SHOP_RATE_LOGIN_IP = "1/h"
    client.post("/account/login/", {"email": "a@example.com", "password": "x"})
    assert_page_429(
        client.post("/account/login/", {"email": "b@example.com", "password": "x"})
    )

    # Another IP has its own window.
    response = client.post(
        "/account/login/",
        {"email": "c@example.com", "password": "x"},
        REMOTE_ADDR="10.9.9.9",
    )

    assert response.status_code == 400
