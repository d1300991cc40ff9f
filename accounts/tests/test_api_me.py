import pytest
from django.core import mail
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import EMAIL_TAKEN_MESSAGE
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.mailbox import STRONG_PASSWORD

ME = "/api/v1/me/"
PASSWORD_URL = "/api/v1/me/password/"


@pytest.mark.django_db
def test_me_shows_the_signed_in_user(auth_api_client, user):
    response = auth_api_client.get(ME)

    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["email_verified"] is True
    assert set(response.json()) == {
        "id",
        "email",
        "name",
        "phone",
        "email_verified",
        "date_joined",
    }


@pytest.mark.django_db
def test_patch_changes_name_and_phone(auth_api_client, user, send_emails):
    with send_emails():
        response = auth_api_client.patch(
            ME, {"name": "Zoya Khan", "phone": "+91 99000 11223"}, format="json"
        )

    assert response.status_code == 200
    assert response.json()["phone"] == "+919900011223"
    user.refresh_from_db()
    assert (user.name, user.phone) == ("Zoya Khan", "+919900011223")
    assert mail.outbox == []


@pytest.mark.django_db
def test_put_is_not_allowed(auth_api_client):
    response = auth_api_client.put(ME, {"name": "x"}, format="json")

    assert response.status_code == 405


@pytest.mark.django_db
def test_a_new_email_is_verified_again(auth_api_client, user, send_emails):
    old_email = user.email

    with send_emails():
        response = auth_api_client.patch(
            ME,
            {"email": "Fresh@Example.com", "current_password": PASSWORD},
            format="json",
        )

    assert response.status_code == 200
    assert response.json()["email"] == "fresh@example.com"
    assert response.json()["email_verified"] is False
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["fresh@example.com", old_email]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "new@example.com"}, 403, "current_password"),
        (
            {"email": "new@example.com", "current_password": "wrong"},
            403,
            "current_password",
        ),
        ({"email": "broken"}, 400, "email"),
        ({"phone": "12345"}, 400, "phone"),
        ({"name": "x" * 151}, 400, "name"),
    ],
)
def test_bad_profile_changes_change_nothing(
    auth_api_client, user, send_emails, body, status, field
):
    before = (user.email, user.name, user.phone)

    with send_emails():
        response = auth_api_client.patch(ME, body, format="json")

    assert response.status_code == status
    assert field in response.json()["fields"]
    user.refresh_from_db()
    assert (user.email, user.name, user.phone) == before
    assert mail.outbox == []


@pytest.mark.django_db
def test_another_accounts_email_is_409(auth_api_client, user, send_emails):
    UserFactory(email="taken@example.com")

    with send_emails():
        response = auth_api_client.patch(
            ME,
            {"email": "TAKEN@example.com", "current_password": PASSWORD},
            format="json",
        )

    assert response.status_code == 409
    assert response.json()["fields"] == {"email": [EMAIL_TAKEN_MESSAGE]}
    user.refresh_from_db()
    assert user.email != "taken@example.com"
    assert mail.outbox == []


@pytest.mark.django_db
def test_me_needs_a_token(api_client):
    assert api_client.get(ME).status_code == 401
    assert api_client.patch(ME, {"name": "x"}, format="json").status_code == 401


@pytest.mark.django_db
def test_password_change_revokes_old_refresh_tokens_and_answers_new_ones(
    auth_api_client, user, api_client
):
    old_refresh = RefreshToken.for_user(user)

    response = auth_api_client.post(
        PASSWORD_URL,
        {"old_password": PASSWORD, "new_password": STRONG_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    assert BlacklistedToken.objects.filter(token__jti=old_refresh["jti"]).exists()
    new_refresh = response.json()["refresh"]
    rotated = api_client.post(
        "/api/v1/auth/token/refresh/", {"refresh": new_refresh}, format="json"
    )
    assert rotated.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            {"old_password": "wrong", "new_password": STRONG_PASSWORD},
            403,
            "old_password",
        ),
        ({"old_password": PASSWORD, "new_password": "abc"}, 400, "new_password"),
        ({"new_password": STRONG_PASSWORD}, 400, "old_password"),
    ],
)
def test_a_bad_password_change_changes_nothing(
    auth_api_client, user, body, status, field
):
    refresh = RefreshToken.for_user(user)

    response = auth_api_client.post(PASSWORD_URL, body, format="json")

    assert response.status_code == status
    assert field in response.json()["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
