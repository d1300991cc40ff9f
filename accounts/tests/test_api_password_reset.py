import pytest
from django.core import mail
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import PASSWORD
from accounts.tests.mailbox import STRONG_PASSWORD, reset_parts_from_outbox
from accounts.tokens import RESET_INVALID_MESSAGE

RESET = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"


@pytest.mark.django_db
def test_known_and_unknown_emails_both_get_202(api_client, user, send_emails):
    with send_emails():
        known = api_client.post(RESET, {"email": user.email}, format="json")
        unknown = api_client.post(RESET, {"email": "ghost@example.com"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [message.to for message in mail.outbox] == [[user.email]]


@pytest.mark.django_db
def test_a_malformed_email_is_400(api_client, send_emails):
    with send_emails():
        response = api_client.post(RESET, {"email": "nope"}, format="json")

    assert response.status_code == 400
    assert mail.outbox == []


@pytest.mark.django_db
def test_confirm_sets_the_password_once_and_revokes_refresh_tokens(
    api_client, user, send_emails
):
    refresh = RefreshToken.for_user(user)
    with send_emails():
        api_client.post(RESET, {"email": user.email}, format="json")
    uid, token = reset_parts_from_outbox()
    body = {"uid": uid, "token": token, "new_password": STRONG_PASSWORD}

    response = api_client.post(CONFIRM, body, format="json")
    again = api_client.post(
        CONFIRM, {**body, "new_password": "another-pass-4321"}, format="json"
    )

    assert response.status_code == 200
    assert again.status_code == 403
    assert again.json() == {"code": "token_invalid", "detail": RESET_INVALID_MESSAGE}
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"token": "bogus-token"}, 403, "token_invalid", None),
        ({"uid": "Zm9v"}, 403, "token_invalid", None),
        ({"uid": ""}, 400, "invalid", "uid"),
        ({"new_password": "password"}, 400, "invalid", "new_password"),
        ({"new_password": "123"}, 400, "invalid", "new_password"),
    ],
)
def test_bad_confirmations_change_nothing(
    api_client, user, send_emails, change, status, code, field
):
    with send_emails():
        api_client.post(RESET, {"email": user.email}, format="json")
    uid, token = reset_parts_from_outbox()
    body = {"uid": uid, "token": token, "new_password": STRONG_PASSWORD, **change}

    response = api_client.post(CONFIRM, body, format="json")

    assert response.status_code == status
    assert response.json()["code"] == code
    if field:
        assert field in response.json()["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
