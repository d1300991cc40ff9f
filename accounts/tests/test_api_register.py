import pytest
from django.core import mail

from accounts.errors import EMAIL_TAKEN_MESSAGE
from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.mailbox import STRONG_PASSWORD, verify_token_from_outbox
from accounts.tokens import email_verification_token

REGISTER = "/api/v1/auth/register/"
VERIFY = "/api/v1/auth/verify-email/"
RESEND = "/api/v1/auth/verify-email/resend/"


def body(**overrides):
    return {
        "email": "Dev@Example.com",
        "name": "Dev Patel",
        "password": STRONG_PASSWORD,
        **overrides,
    }


@pytest.mark.django_db
def test_register_answers_201_with_the_profile_and_sends_the_link(
    api_client, send_emails
):
    with send_emails():
        response = api_client.post(REGISTER, body(), format="json")

    user = User.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": user.pk,
        "email": "dev@example.com",
        "name": "Dev Patel",
        "phone": "",
        "email_verified": False,
        "date_joined": response.json()["date_joined"],
    }
    assert "password" not in response.json()
    assert [message.to for message in mail.outbox] == [["dev@example.com"]]


@pytest.mark.django_db
def test_register_ignores_a_stale_bearer_token(api_client, send_emails):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.bogus")

    response = api_client.post(REGISTER, body(), format="json")

    assert response.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "no-at-sign"}, "email"),
        ({"email": ""}, "email"),
        ({"password": "abc"}, "password"),
        ({"password": "qwerty123"}, "password"),
        ({"password": "devexample"}, "password"),
        ({"password": "x" * 300}, "password"),
        ({"name": ""}, "name"),
        ({"name": "n" * 151}, "name"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(api_client, send_emails, overrides, field):
    with send_emails():
        response = api_client.post(REGISTER, body(**overrides), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_weak_password_lists_every_reason(api_client):
    response = api_client.post(REGISTER, body(password="12345"), format="json")

    assert response.json()["fields"]["password"] == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]


@pytest.mark.django_db
def test_a_taken_email_in_any_case_is_409(api_client, send_emails):
    UserFactory(email="dev@example.com")

    with send_emails():
        response = api_client.post(
            REGISTER, body(email="DEV@EXAMPLE.COM"), format="json"
        )

    assert response.status_code == 409
    assert response.json() == {
        "code": "email_taken",
        "detail": EMAIL_TAKEN_MESSAGE,
        "fields": {"email": [EMAIL_TAKEN_MESSAGE]},
    }
    assert User.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_verify_email_with_the_emailed_token(api_client, send_emails):
    with send_emails():
        api_client.post(REGISTER, body(), format="json")

    response = api_client.post(
        VERIFY, {"token": verify_token_from_outbox()}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"detail": "dev@example.com is verified."}
    assert User.objects.get().email_verified_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "a" * 1001])
def test_verify_email_with_a_malformed_token_is_400(api_client, token):
    unverified = UserFactory(email_verified_at=None)

    response = api_client.post(VERIFY, {"token": token}, format="json")

    assert response.status_code == 400
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_verify_email_with_a_token_that_is_no_link_is_403(api_client):
    unverified = UserFactory(email_verified_at=None)

    response = api_client.post(VERIFY, {"token": "garbage"}, format="json")

    assert (response.status_code, response.json()["code"]) == (403, "token_invalid")
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_verify_email_with_a_tampered_token_is_token_invalid(api_client):
    unverified = UserFactory(email_verified_at=None)
    token = email_verification_token(user=unverified)

    response = api_client.post(VERIFY, {"token": token + "x"}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "code": "token_invalid",
        "detail": "This verification link is not valid.",
    }
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_verify_email_with_an_expired_token_is_token_expired(api_client, settings):
    unverified = UserFactory(email_verified_at=None)
    token = email_verification_token(user=unverified)
    settings.ACCOUNT_EMAIL_VERIFICATION_MAX_AGE = -1

    response = api_client.post(VERIFY, {"token": token}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "token_expired"
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_resend_sends_a_new_link_to_the_signed_in_user(
    api_client, jwt_pair, send_emails
):
    unverified = UserFactory(email_verified_at=None)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt_pair(unverified)[0]}")

    with send_emails():
        response = api_client.post(RESEND)

    assert response.status_code == 202
    assert [message.to for message in mail.outbox] == [[unverified.email]]


@pytest.mark.django_db
def test_resend_when_already_verified_is_409(auth_api_client, send_emails):
    with send_emails():
        response = auth_api_client.post(RESEND)

    assert response.status_code == 409
    assert response.json()["code"] == "already_verified"
    assert mail.outbox == []


@pytest.mark.django_db
def test_resend_needs_a_token(api_client):
    assert api_client.post(RESEND).status_code == 401
