import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

ME = "/api/v1/me/"
REFRESH = "/api/v1/auth/token/refresh/"


def b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(user, token_type="access", **extra) -> dict:
    now = int(timezone.now().timestamp())
    return {
        "token_type": token_type,
        "exp": now + 300,
        "iat": now,
        "jti": "0123456789abcdef0123456789abcdef",
        "user_id": str(user.pk),
        **extra,
    }


def get_me(api_client, token: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client.get(ME)


def assert_401(response):
    assert response.status_code == 401
    body = response.json()
    assert body == {
        "code": "token_not_valid",
        "detail": "Given token not valid for any token type",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_a_valid_access_token_is_accepted(api_client, user):
    response = get_me(api_client, str(AccessToken.for_user(user)))

    assert response.status_code == 200
    assert response.json()["id"] == user.pk


@pytest.mark.django_db
def test_an_alg_none_token_is_401(api_client, user):
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(user))}."

    assert_401(get_me(api_client, token))


@pytest.mark.django_db
def test_a_token_signed_with_another_key_is_401(api_client, user):
    token = jwt.encode(claims(user), "another-key-" + "x" * 32, algorithm="HS256")

    assert_401(get_me(api_client, token))


@pytest.mark.django_db
def test_a_token_with_a_changed_payload_is_401(api_client, user, other_user):
    header, _payload, signature = str(AccessToken.for_user(user)).split(".")
    forged = f"{header}.{b64(claims(other_user))}.{signature}"

    assert_401(get_me(api_client, forged))


@pytest.mark.django_db
def test_an_expired_access_token_is_401(api_client, user):
    token = AccessToken.for_user(user)
    # Lifetimes frozen in the past: issued two hours ago, five minutes to live.
    token.set_exp(from_time=timezone.now() - timedelta(hours=2))

    response = get_me(api_client, str(token))

    assert_401(response)


@pytest.mark.django_db
def test_a_refresh_token_is_not_an_access_token(api_client, user):
    assert_401(get_me(api_client, str(RefreshToken.for_user(user))))


@pytest.mark.django_db
def test_garbage_is_401(api_client):
    assert_401(get_me(api_client, "not.a.jwt"))


@pytest.mark.django_db
def test_no_token_is_401(api_client):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_an_expired_refresh_token_is_401(api_client, user):
    refresh = RefreshToken.for_user(user)
    refresh.set_exp(from_time=timezone.now() - timedelta(days=30))

    response = api_client.post(REFRESH, {"refresh": str(refresh)}, format="json")

    assert response.status_code == 401
    assert response.json() == {"code": "token_not_valid", "detail": "Token is expired"}


@pytest.mark.django_db
def test_an_alg_none_refresh_token_is_401(api_client, user):
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(user, 'refresh'))}."

    response = api_client.post(REFRESH, {"refresh": token}, format="json")

    assert response.status_code == 401
    assert response.json() == {"code": "token_not_valid", "detail": "Token is invalid"}
