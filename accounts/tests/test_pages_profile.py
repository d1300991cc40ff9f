import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import EMAIL_TAKEN_MESSAGE
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.mailbox import STRONG_PASSWORD

PROFILE = "/account/"


@pytest.mark.django_db
def test_the_profile_page_needs_a_login(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/"


@pytest.mark.django_db
def test_the_profile_page_shows_the_account(client, user):
    client.force_login(user)

    response = client.get(PROFILE)

    html = response.content.decode()
    assert response.status_code == 200
    assert user.email in html
    assert "is confirmed" in html
    assert 'action="/account/logout/"' in html


@pytest.mark.django_db
def test_name_and_phone_are_saved(client, user, send_emails):
    client.force_login(user)

    with send_emails():
        response = client.post(
            PROFILE,
            {"name": "Ravi Kumar", "phone": "98450 12345", "email": user.email},
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.phone) == ("Ravi Kumar", "+919845012345")
    assert user.email_verified_at is not None
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_bad_phone_is_refused(client, user):
    client.force_login(user)
    before = user.name

    response = client.post(
        PROFILE, {"name": "Changed", "phone": "12345", "email": user.email}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == [
        "Enter a 10-digit Indian mobile number, like +91 98765 43210."
    ]
    user.refresh_from_db()
    assert user.name == before


@pytest.mark.django_db
def test_a_new_email_needs_the_password_and_is_verified_again(
    client, user, send_emails
):
    client.force_login(user)
    old_email = user.email

    with send_emails():
        response = client.post(
            PROFILE,
            {
                "name": user.name,
                "phone": "",
                "email": "New.Me@Example.com",
                "current_password": PASSWORD,
            },
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new.me@example.com"
    assert user.email_verified_at is None
    sent = {message.to[0]: message.subject for message in mail.outbox}
    assert sent == {
        "new.me@example.com": "Confirm your email address for FreshCart",
        old_email: "The email of your FreshCart account was changed",
    }


@pytest.mark.django_db
def test_a_new_email_without_the_password_changes_nothing(client, user, send_emails):
    client.force_login(user)
    old_email = user.email

    with send_emails():
        response = client.post(
            PROFILE,
            {"name": user.name, "email": "new@example.com", "current_password": "nope"},
        )

    assert response.status_code == 400
    assert response.context["form"].errors["current_password"] == [
        "Enter your current password to change your email."
    ]
    user.refresh_from_db()
    assert user.email == old_email
    assert mail.outbox == []


@pytest.mark.django_db
def test_another_accounts_email_is_refused(client, user, send_emails):
    other = UserFactory(email="someone@example.com")
    client.force_login(user)

    with send_emails():
        response = client.post(
            PROFILE,
            {
                "name": user.name,
                "email": "SOMEONE@example.com",
                "current_password": PASSWORD,
            },
        )

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [EMAIL_TAKEN_MESSAGE]
    user.refresh_from_db()
    assert user.email != other.email
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change_keeps_this_session_and_ends_the_others(
    client, user, send_emails
):
    client.force_login(user)
    other_device = Client()
    other_device.force_login(user)
    refresh = RefreshToken.for_user(user)

    with send_emails():
        response = client.post(
            "/account/password/",
            {
                "old_password": PASSWORD,
                "new_password1": STRONG_PASSWORD,
                "new_password2": STRONG_PASSWORD,
            },
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/").status_code == 302
    assert SESSION_KEY not in other_device.session
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    assert [m.subject for m in mail.outbox] == ["Your FreshCart password was changed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "old_password": "wrong-old-pass",
                "new_password1": STRONG_PASSWORD,
                "new_password2": STRONG_PASSWORD,
            },
            "old_password",
        ),
        (
            {
                "old_password": PASSWORD,
                "new_password1": "password",
                "new_password2": "password",
            },
            "new_password2",
        ),
        (
            {
                "old_password": PASSWORD,
                "new_password1": STRONG_PASSWORD,
                "new_password2": STRONG_PASSWORD + "x",
            },
            "new_password2",
        ),
    ],
)
def test_a_bad_password_change_changes_nothing(client, user, send_emails, data, field):
    client.force_login(user)
    refresh = RefreshToken.for_user(user)

    with send_emails():
        response = client.post("/account/password/", data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    assert mail.outbox == []
