import pytest
from django.core import mail
from django.core.signing import TimestampSigner

from accounts.errors import AlreadyVerified, TokenInvalid
from accounts.services import (
    email_verification_resend,
    email_verification_send,
    email_verify,
    profile_update,
)
from accounts.tests.factories import UserFactory
from accounts.tests.mailbox import verify_token_from_outbox
from accounts.tokens import email_verification_token


@pytest.fixture
def unverified(db):
    return UserFactory(email_verified_at=None)


@pytest.mark.django_db
def test_the_emailed_token_verifies_the_email(unverified, send_emails):
    with send_emails():
        email_verification_send(user=unverified)

    email_verify(token=verify_token_from_outbox())

    unverified.refresh_from_db()
    assert unverified.email_verified_at is not None


@pytest.mark.django_db
def test_verifying_twice_keeps_the_first_time(unverified):
    token = email_verification_token(user=unverified)
    email_verify(token=token)
    unverified.refresh_from_db()
    first = unverified.email_verified_at

    email_verify(token=token)

    unverified.refresh_from_db()
    assert unverified.email_verified_at == first


@pytest.mark.django_db
def test_an_expired_token_is_refused(unverified, settings):
    token = email_verification_token(user=unverified)
    # Any age is more than a negative maximum: the link has expired.
    settings.ACCOUNT_EMAIL_VERIFICATION_MAX_AGE = -1

    with pytest.raises(TokenInvalid) as error:
        email_verify(token=token)

    assert error.value.code == "token_expired"
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_a_tampered_token_is_refused(unverified):
    token = email_verification_token(user=unverified)
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")

    with pytest.raises(TokenInvalid) as error:
        email_verify(token=tampered)

    assert error.value.code == "token_invalid"
    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_a_token_signed_for_another_purpose_is_refused(unverified):
    token = TimestampSigner().sign_object({"user": unverified.pk, "email": "x"})

    with pytest.raises(TokenInvalid):
        email_verify(token=token)

    unverified.refresh_from_db()
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_a_link_sent_before_an_email_change_does_not_verify_the_new_email(
    unverified,
):
    old_token = email_verification_token(user=unverified)
    profile_update(user=unverified, email="new-address@example.com")

    with pytest.raises(TokenInvalid):
        email_verify(token=old_token)

    unverified.refresh_from_db()
    assert unverified.email == "new-address@example.com"
    assert unverified.email_verified_at is None


@pytest.mark.django_db
def test_resend_sends_a_new_link(unverified, send_emails):
    with send_emails():
        email_verification_resend(user=unverified)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [unverified.email]


@pytest.mark.django_db
def test_resend_to_a_verified_email_is_refused(user, send_emails):
    with send_emails(), pytest.raises(AlreadyVerified):
        email_verification_resend(user=user)

    assert mail.outbox == []
