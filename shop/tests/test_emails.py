import logging
import smtplib

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from shop.celery import app as celery_app
from shop.emails import email_queue, email_retry
from shop.models import OutboundEmail
from shop.tasks import email_deliver, smtp_error_is_permanent

pytestmark = pytest.mark.django_db


def _queue(key="test:1", **overrides):
    from orders.models import Order
    from orders.tests.factories import OrderFactory

    order = Order.objects.filter(number="FC1").first() or OrderFactory(number="FC1")
    fields = {
        "key": key,
        "to": "asha@example.com",
        "subject": "Your order FC1 is packed",
        "template": "order_packed",
        "context": {
            "order": order,
            "lines": [],
            "customer_name": "Asha",
            "order_url": "http://shop.test/orders/FC1/",
            "address": {},
        },
        "reference": "FC1",
    }
    fields.update(overrides)
    return email_queue(**fields)


def test_email_is_recorded_and_sent_once_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = _queue()
        assert mail.outbox == []

    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    [message] = mail.outbox
    assert message.to == ["asha@example.com"]
    assert message.subject == "Your order FC1 is packed"
    assert "Hello Asha" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _queue()

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_same_key_twice_records_and_sends_one_email(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue()
        second = _queue(subject="A different subject")

    assert first.pk == second.pk
    assert OutboundEmail.objects.get().subject == "Your order FC1 is packed"
    assert len(mail.outbox) == 1


def test_a_redelivered_task_sends_nothing_more(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    assert email_deliver.delay(email.pk).get() == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_task_for_a_missing_email_does_nothing():
    assert email_deliver.delay(987654).get() == "missing"
    assert mail.outbox == []


def test_attachments_come_from_storage(django_capture_on_commit_callbacks):
    path = default_storage.save("invoices/test/abc.pdf", ContentFile(b"%PDF-1.7 x"))

    with django_capture_on_commit_callbacks(execute=True):
        _queue(
            attachments=[
                {"path": path, "filename": "INV-1.pdf", "mimetype": "application/pdf"}
            ]
        )

    [message] = mail.outbox
    assert message.attachments == [("INV-1.pdf", b"%PDF-1.7 x", "application/pdf")]


def test_every_attempt_carries_the_same_message_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    OutboundEmail.objects.filter(pk=email.pk).update(status="queued")

    email_deliver.delay(email.pk)

    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].endswith("@freshcart.test>")


@pytest.fixture
def eager_retries():
    """Let eager tasks run their retries in turn instead of raising Retry."""
    celery_app.conf.task_eager_propagates = False


def test_a_missing_attachment_is_retried_then_marked_failed_and_logged(
    django_capture_on_commit_callbacks, caplog, eager_retries
):
    attachment = {"path": "invoices/gone.pdf", "filename": "INV-1.pdf"}

    with (
        caplog.at_level(logging.WARNING, logger="shop.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _queue(attachments=[attachment])

    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == email_deliver.max_retries + 1
    assert "FileNotFoundError" in email.last_error
    assert mail.outbox == []
    records = [r for r in caplog.records if r.name == "shop.tasks"]
    assert [r.levelname for r in records] == ["WARNING"] * 8 + ["ERROR"]
    final = records[-1]
    assert final.order_number == "FC1"
    assert "giving up" in final.getMessage()


def test_retry_sends_a_failed_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email = _queue()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.FAILED, attempts=9, last_error="SMTP down"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert email_retry(email=email) is True

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 10
    assert email.last_error == ""
    assert len(mail.outbox) == 1


def test_retry_of_a_sent_email_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert email_retry(email=email) is False

    assert callbacks == []
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPDataError(451, b"try later"), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPSenderRefused(550, b"no", "a@b.c"), True),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (450, b"busy")}), False),
        (smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no such user")}), True),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(), False),
    ],
)
def test_only_5xx_replies_are_permanent(exc, permanent):
    assert smtp_error_is_permanent(exc) is permanent
