"""Security headers on pages and API answers, and HSTS under production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

PAGES = ["/", "/account/login/", "/account/register/", "/cart/", "/no-such-page/"]
API = ["/api/v1/products/", "/api/v1/me/", "/api/schema/", "/api/v1/categories/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES + API)
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)

    assert response.status_code < 500
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_where_they_must_be(client, user):
    client.get("/account/login/")
    response = client.post(
        "/account/login/",
        {"email": user.email, "password": "correct-horse-battery-42"},
    )

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


# A server process on production settings answers over "HTTPS" (the proxy's
# header) and over plain HTTP; the script prints what it saw as JSON.
PRODUCTION_PROBE = """
import json
from django.test import Client
client = Client()
https = client.get("/api/schema/", headers={"X-Forwarded-Proto": "https"})
plain = client.get("/api/schema/")
health = client.get("/healthz")
print(json.dumps({
    "https_status": https.status_code,
    "hsts": https.headers.get("Strict-Transport-Security"),
    "nosniff": https.headers.get("X-Content-Type-Options"),
    "csp": https.headers.get("Content-Security-Policy"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "health_status": health.status_code,
}))
"""


def test_production_settings_send_hsts_and_redirect_plain_http():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings.production",
        "DJANGO_SECRET_KEY": "production-probe-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "STRIPE_SECRET_KEY": "sk_test_probe",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_probe",
        "STRIPE_WEBHOOK_SECRET": "whsec_probe",
        "SHOP_OFFLINE_PAYMENTS": "false",
    }
    env.pop("DJANGO_SECURE_HSTS_SECONDS", None)
    env.pop("DJANGO_SECURE_SSL_REDIRECT", None)

    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRODUCTION_PROBE}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["https_status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["nosniff"] == "nosniff"
    assert "default-src 'self'" in seen["csp"]
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://testserver/api/schema/"
    # The load balancer's health checks stay on plain HTTP.
    assert seen["health_status"] == 200


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = False

    secure = client.get("/", secure=True)
    plain = client.get("/")

    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain


PERSONAL = [
    "/orders/",
    "/cart/",
    "/checkout/",
    "/account/",
    "/account/addresses/",
    "/api/v1/me/",
    "/api/v1/me/addresses/",
    "/api/v1/cart/",
    "/api/v1/orders/",
]


@pytest.mark.parametrize("path", PERSONAL)
def test_personal_answers_are_private_and_never_stored(client, world, path):
    from rest_framework_simplejwt.tokens import AccessToken

    client.force_login(world.owner)
    headers = {}
    if path.startswith("/api/"):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(world.owner)}"

    response = client.get(path, **headers)

    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
