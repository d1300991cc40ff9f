import pytest
from django.core import mail

from accounts.tests.factories import SellerFactory
from shop.emails import email_queue
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/shop/outboundemail/"


@pytest.fixture
def failed_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = email_queue(
            key="admin:1",
            to="asha@example.com",
            subject="Your order FC1 is packed",
            template="order_summary",
            context={"lines": [], "order": {"currency": "INR"}},
            reference="FC1",
        )
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.FAILED, attempts=9, last_error="SMTP 421"
    )
    return email


def test_staff_lists_and_reads_emails_without_editing(client, staff_user, failed_email):
    client.force_login(staff_user)

    listing = client.get(CHANGELIST)
    detail = client.get(f"{CHANGELIST}{failed_email.pk}/change/")

    assert listing.status_code == 200
    assert b"Your order FC1 is packed" in listing.content
    assert detail.status_code == 200
    assert b"SMTP 421" in detail.content
    assert b'name="_save"' not in detail.content
    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_sellers_do_not_see_emails(client, failed_email):
    client.force_login(SellerFactory())

    assert client.get(CHANGELIST).status_code == 403


def test_send_again_sends_a_failed_email_once(
    client, staff_user, failed_email, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "send_again", "_selected_action": [failed_email.pk]},
            follow=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            CHANGELIST,
            {"action": "send_again", "_selected_action": [failed_email.pk]},
            follow=True,
        )

    assert b"1 email queued again." in response.content
    assert b"1 already sent; not sent twice." in again.content
    failed_email.refresh_from_db()
    assert failed_email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
