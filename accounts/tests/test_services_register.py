import pytest
from django.core import mail
from django.db import transaction

from accounts.errors import EmailTaken
from accounts.models import User
from accounts.services import user_register
from accounts.tests.factories import UserFactory
from accounts.tests.mailbox import STRONG_PASSWORD, link_from_outbox
from shop.models import OutboundEmail


@pytest.mark.django_db
def test_register_creates_an_unverified_account_with_a_lowercase_email(send_emails):
    with send_emails():
        user = user_register(
            email="Meera@Example.COM", name="  Meera Iyer ", password=STRONG_PASSWORD
        )

    user.refresh_from_db()
    assert user.email == "meera@example.com"
    assert user.name == "Meera Iyer"
    assert user.check_password(STRONG_PASSWORD)
    assert user.email_verified_at is None
    assert not user.is_staff


@pytest.mark.django_db
def test_register_sends_one_verification_email_after_commit(send_emails):
    with send_emails() as callbacks:
        user_register(email="meera@example.com", name="Meera", password=STRONG_PASSWORD)

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["meera@example.com"]
    assert message.subject == "Confirm your email address for FreshCart"
    assert link_from_outbox("/account/verify/").startswith("/account/verify/")
    assert message.alternatives[0][1] == "text/html"
    email = OutboundEmail.objects.get()
    assert email.template == "account_verify"
    assert email.status == OutboundEmail.Status.SENT


def _register_then_fail():
    with transaction.atomic():
        user_register(email="meera@example.com", name="Meera", password=STRONG_PASSWORD)
        raise RuntimeError("the caller failed after the service")


@pytest.mark.django_db
def test_no_email_is_sent_when_the_transaction_rolls_back(send_emails):
    with send_emails() as callbacks, pytest.raises(RuntimeError):
        _register_then_fail()

    assert callbacks == []
    assert mail.outbox == []
    assert not User.objects.filter(email="meera@example.com").exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_a_taken_email_in_another_case_is_refused(send_emails):
    UserFactory(email="taken@example.com")

    with send_emails(), pytest.raises(EmailTaken) as error:
        user_register(email="TAKEN@Example.com", name="X", password=STRONG_PASSWORD)

    assert error.value.code == "email_taken"
    assert error.value.status_code == 409
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert mail.outbox == []
