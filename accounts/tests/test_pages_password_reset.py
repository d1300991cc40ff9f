import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import PASSWORD
from accounts.tests.mailbox import STRONG_PASSWORD, link_from_outbox

RESET = "/account/password-reset/"


@pytest.mark.django_db
def test_known_and_unknown_emails_get_the_same_page(client, user, send_emails):
    with send_emails():
        known = client.post(RESET, {"email": user.email})
        unknown = client.post(RESET, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password-reset/sent/"
    assert [message.to for message in mail.outbox] == [[user.email]]


@pytest.mark.django_db
def test_a_malformed_email_is_refused(client, send_emails):
    with send_emails():
        response = client.post(RESET, {"email": "nope"})

    assert response.status_code == 400
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_emailed_link_sets_a_new_password_and_ends_other_logins(
    client, user, send_emails
):
    other_device = Client()
    other_device.force_login(user)
    refresh = RefreshToken.for_user(user)
    with send_emails():
        client.post(RESET, {"email": user.email})
    link = link_from_outbox("/account/reset/")

    page = client.get(link)
    response = client.post(
        link, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD}
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    # The other browser's session no longer matches the password hash.
    assert other_device.get("/account/").status_code == 302
    assert SESSION_KEY not in other_device.session
    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()


@pytest.mark.django_db
def test_the_link_works_only_once(client, user, send_emails):
    with send_emails():
        client.post(RESET, {"email": user.email})
    link = link_from_outbox("/account/reset/")
    client.post(
        link, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD}
    )

    again = client.post(
        link,
        {"new_password1": "another-pass-4321", "new_password2": "another-pass-4321"},
    )

    assert again.status_code == 400
    assert "This password reset link is not valid" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


@pytest.mark.django_db
def test_a_weak_new_password_is_refused(client, user, send_emails):
    with send_emails():
        client.post(RESET, {"email": user.email})
    link = link_from_outbox("/account/reset/")

    response = client.post(link, {"new_password1": "123456", "new_password2": "123456"})

    assert response.status_code == 400
    assert (
        "This password is too common."
        in response.context["form"].errors["new_password2"]
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_tampered_link_explains_itself(client, user):
    response = client.get("/account/reset/MQ/bogus-token/")

    assert response.status_code == 400
    assert "Ask for a new one" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
