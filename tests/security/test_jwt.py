"""Access tokens that are expired, tampered, foreign or unsigned get 401."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

PROTECTED = "/api/v1/me/"


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _segments(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")

    def decode(part):
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    return decode(header), decode(payload), signature


def _get(api_client, token: str):
    return api_client.get(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}")


def _assert_refused(response):
    assert response.status_code == 401
    assert response.json()["code"] in {
        "token_not_valid",
        "not_authenticated",
        "authentication_failed",
    }
    assert response.json()["detail"]
    assert "email" not in response.json()


@pytest.mark.django_db
def test_a_fresh_token_is_accepted(api_client, user):
    response = _get(api_client, str(AccessToken.for_user(user)))

    assert response.status_code == 200
    assert response.json()["email"] == user.email


@pytest.mark.django_db
def test_an_expired_token_is_refused(api_client, user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))

    _assert_refused(_get(api_client, str(token)))


@pytest.mark.django_db
def test_a_token_whose_payload_was_changed_is_refused(api_client, user, other_user):
    header, payload, signature = _segments(str(AccessToken.for_user(user)))
    payload["user_id"] = str(other_user.pk)
    forged = f"{_b64(header)}.{_b64(payload)}.{signature}"

    _assert_refused(_get(api_client, forged))


@pytest.mark.django_db
def test_a_token_with_a_flipped_signature_is_refused(api_client, user):
    token = str(AccessToken.for_user(user))
    head, _, signature = token.rpartition(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]

    _assert_refused(_get(api_client, f"{head}.{flipped}"))


@pytest.mark.django_db
def test_a_token_signed_with_another_key_is_refused(api_client, user):
    _header, payload, _signature = _segments(str(AccessToken.for_user(user)))
    foreign = jwt.encode(payload, "not-the-shop-key-" * 4, algorithm="HS256")

    _assert_refused(_get(api_client, foreign))


@pytest.mark.django_db
def test_an_unsigned_alg_none_token_is_refused(api_client, user):
    _header, payload, _signature = _segments(str(AccessToken.for_user(user)))
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."

    _assert_refused(_get(api_client, unsigned))


@pytest.mark.django_db
def test_a_token_claiming_another_algorithm_is_refused(api_client, user):
    _header, payload, _signature = _segments(str(AccessToken.for_user(user)))
    other_alg = jwt.encode(payload, "x" * 64, algorithm="HS512")

    _assert_refused(_get(api_client, other_alg))


@pytest.mark.django_db
def test_a_refresh_token_is_not_an_access_token(api_client, user):
    _assert_refused(_get(api_client, str(RefreshToken.for_user(user))))


@pytest.mark.django_db
def test_a_token_of_a_deactivated_user_is_refused(api_client, user):
    token = str(AccessToken.for_user(user))
    user.is_active = False
    user.save(update_fields=["is_active"])

    _assert_refused(_get(api_client, token))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer ", "Bearer not-a-jwt", "Bearer a.b.c", "Basic dXNlcjpwYXNz"],
)
def test_garbage_in_the_authorization_header_is_refused(api_client, authorization):
    response = api_client.get(PROTECTED, HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 401
    assert response.json()["detail"]
