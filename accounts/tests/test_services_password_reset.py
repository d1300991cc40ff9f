import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.errors import TokenInvalid
from accounts.services import (
    password_change,
    password_reset_complete,
    password_reset_request,
    user_tokens_revoke,
)
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.mailbox import STRONG_PASSWORD, reset_parts_from_outbox
from accounts.tokens import password_reset_uid


@pytest.mark.django_db
def test_a_reset_request_for_an_account_emails_a_link(user, send_emails):
    with send_emails():
        sent = password_reset_request(email=user.email.upper())

    assert sent is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "Reset your FreshCart password"


@pytest.mark.django_db
def test_a_reset_request_for_an_unknown_email_sends_nothing(send_emails):
    with send_emails():
        sent = password_reset_request(email="nobody@example.com")

    assert sent is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_reset_request_for_an_inactive_account_sends_nothing(send_emails):
    inactive = UserFactory(is_active=False)

    with send_emails():
        password_reset_request(email=inactive.email)

    assert mail.outbox == []


@pytest.mark.django_db
def test_the_reset_link_sets_the_password_once(user, send_emails):
    with send_emails():
        password_reset_request(email=user.email)
    uid, token = reset_parts_from_outbox()

    password_reset_complete(uidb64=uid, token=token, password=STRONG_PASSWORD)

    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)
    with pytest.raises(TokenInvalid):
        password_reset_complete(uidb64=uid, token=token, password="other-pass-98765")
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


@pytest.mark.django_db
def test_a_tampered_reset_token_changes_nothing(user):
    uid = password_reset_uid(user=user)
    token = default_token_generator.make_token(user)

    with pytest.raises(TokenInvalid) as error:
        password_reset_complete(uidb64=uid, token=token + "x", password=STRONG_PASSWORD)

    assert error.value.code == "token_invalid"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_an_expired_reset_token_changes_nothing(user, settings):
    uid = password_reset_uid(user=user)
    token = default_token_generator.make_token(user)
    settings.PASSWORD_RESET_TIMEOUT = -1

    with pytest.raises(TokenInvalid):
        password_reset_complete(uidb64=uid, token=token, password=STRONG_PASSWORD)

    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("uid", ["", "!!", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM", "eA"])
def test_a_malformed_uid_is_refused(user, uid):
    token = default_token_generator.make_token(user)

    with pytest.raises(TokenInvalid):
        password_reset_complete(uidb64=uid, token=token, password=STRONG_PASSWORD)

    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_reset_blacklists_every_refresh_token_of_the_user(user, other_user):
    mine = [RefreshToken.for_user(user) for _ in range(2)]
    theirs = RefreshToken.for_user(other_user)
    uid = password_reset_uid(user=user)
    token = default_token_generator.make_token(user)

    password_reset_complete(uidb64=uid, token=token, password=STRONG_PASSWORD)

    blacklisted = set(BlacklistedToken.objects.values_list("token__jti", flat=True))
    assert blacklisted == {refresh["jti"] for refresh in mine}
    assert theirs["jti"] not in blacklisted


@pytest.mark.django_db
def test_a_reset_marks_the_email_verified(send_emails):
    unverified = UserFactory(email_verified_at=None)
    uid = password_reset_uid(user=unverified)
    token = default_token_generator.make_token(unverified)

    password_reset_complete(uidb64=uid, token=token, password=STRONG_PASSWORD)

    unverified.refresh_from_db()
    assert unverified.email_verified_at is not None


@pytest.mark.django_db
def test_a_password_change_blacklists_the_refresh_tokens_and_sends_a_notice(
    user, send_emails
):
    refresh = RefreshToken.for_user(user)

    with send_emails():
        password_change(user=user, password=STRONG_PASSWORD)

    assert BlacklistedToken.objects.filter(token__jti=refresh["jti"]).exists()
    assert [message.subject for message in mail.outbox] == [
        "Your FreshCart password was changed"
    ]


@pytest.mark.django_db
def test_revoking_twice_blacklists_nothing_more(user):
    RefreshToken.for_user(user)
    RefreshToken.for_user(user)

    assert user_tokens_revoke(user=user) == 2
    assert user_tokens_revoke(user=user) == 0
    assert BlacklistedToken.objects.count() == 2
    assert OutstandingToken.objects.count() == 2
