import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from accounts.tokens import email_verification_token


@pytest.fixture
def unverified(db):
    return UserFactory(email_verified_at=None)


@pytest.mark.django_db
def test_the_link_verifies_the_email(client, unverified):
    token = email_verification_token(user=unverified)

    response = client.get(f"/account/verify/{token}/")

    assert response.status_code == 200
    assert "Email confirmed" in response.content.decode()
    unverified.refresh_from_db()
    assert unverified.email_verified_at is not None


@pytest.mark.django_db
def test_a_tampered_link_explains_itself_and_changes_nothing(client, unverified):
    token = email_verification_token(user=unverified)

    response = client.get(f"/account/verify/{token}x/")

    assert response.status_code == 400
    assert "This verification link is not valid." in response.content.decode()
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_an_expired_link_offers_a_new_one(client, unverified, settings):
    token = email_verification_token(user=unverified)
    settings.ACCOUNT_EMAIL_VERIFICATION_MAX_AGE = -1
    client.force_login(unverified)

    response = client.get(f"/account/verify/{token}/")

    html = response.content.decode()
    assert response.status_code == 400
    assert "This verification link has expired." in html
    assert 'action="/account/verify/resend/"' in html
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_resend_page_sends_a_new_link(client, unverified, send_emails):
    client.force_login(unverified)

    with send_emails():
        response = client.post("/account/verify/resend/")

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert [message.to for message in mail.outbox] == [[unverified.email]]


@pytest.mark.django_db
def test_resend_needs_a_login(client, send_emails):
    with send_emails():
        response = client.post("/account/verify/resend/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")
    assert mail.outbox == []


@pytest.mark.django_db
def test_resend_for_a_verified_email_sends_nothing(client, user, send_emails):
    client.force_login(user)

    with send_emails():
        response = client.post("/account/verify/resend/", follow=True)

    assert "already verified" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_resend_page_offers_a_button(client, unverified):
    client.force_login(unverified)

    response = client.get("/account/verify/resend/")

    html = response.content.decode()
    assert response.status_code == 200
    assert unverified.email in html
    assert (
        '<button type="submit" class="btn btn-primary btn-block">Send the link' in html
    )
