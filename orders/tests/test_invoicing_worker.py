"""Real worker processes on the Redis broker, sending through a real SMTP server
on loopback: the invoice and the email are made once, even when a worker is
killed in the middle of a task and Redis hands the task to another worker.

Slow (marked `slow`): each test starts worker processes; about 15–30 s each.
"""

import time

import pytest
from django.core.files.storage import default_storage

from orders.invoicing.tasks import invoice_generate
from orders.models import Invoice
from shop.celery import app as celery_app
from shop.models import OutboundEmail
from shop.tests.smtp_server import LoopbackSMTPServer, RecordingHandler

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.django_db(transaction=True),
]

# Seconds after which Redis gives a dead worker's task to another worker.
VISIBILITY_TIMEOUT = 3


@pytest.fixture
def empty_broker():
    """Start from empty queues: nothing an earlier run left may reach the worker."""
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in ("default", "emails", "invoices"):
            channel.queue_purge(queue)
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)


def _wait_for(condition, *, timeout: float = 60, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _email_sent() -> bool:
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).exists()


def _pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_payload(decode=True))
        for part in message.walk()
        if part.get_content_type() == "application/pdf"
    ]


def test_a_worker_on_redis_makes_the_invoice_and_sends_the_email(
    empty_broker, celery_worker_start, paid_order, pdf_text
):
    with LoopbackSMTPServer(RecordingHandler()) as smtp:
        celery_worker_start(smtp.worker_env())

        number = invoice_generate.delay(paid_order.pk).get(timeout=60)
        _wait_for(_email_sent, what="the confirmation email")

    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.number == number
    assert invoice.status == Invoice.Status.READY
    with default_storage.open(invoice.pdf.name, "rb") as fh:
        stored = fh.read()
    assert paid_order.number in pdf_text(stored)
    [message] = smtp.handler.accepted
    assert message["To"] == paid_order.email
    assert message["Subject"] == (
        f"Order {paid_order.number} confirmed: your invoice is attached"
    )
    assert _pdf_attachments(message) == [(f"{invoice.number}.pdf", stored)]


def test_a_worker_killed_mid_task_leaves_one_invoice_and_one_email(
    empty_broker, celery_worker_start, paid_order
):
    handler = RecordingHandler(stall_first=True)
    with LoopbackSMTPServer(handler) as smtp:
        env = {
            **smtp.worker_env(),
            "CELERY_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        }
        first = celery_worker_start(env)
        invoice_generate.delay(paid_order.pk)

        # The first worker made the invoice and is now inside email_deliver,
        # holding the email's row, waiting on the mail server: kill it there.
        assert handler.stalled.wait(timeout=60)
        stalled_at = time.monotonic()
        first.kill()
        first.wait(timeout=10)
        handler.release.set()
        assert OutboundEmail.objects.get().status == OutboundEmail.Status.QUEUED

        # Once the task is older than the visibility timeout, a new worker
        # takes it back from Redis when it starts.
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - stalled_at)))
        celery_worker_start(env)
        _wait_for(_email_sent, what="the redelivered email")

    assert first.returncode == -9
    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.status == Invoice.Status.READY
    assert invoice.sequence == 1
    email = OutboundEmail.objects.get()
    assert email.attempts == 1
    [message] = handler.accepted
    assert message["Subject"].startswith(f"Order {paid_order.number} confirmed")
    assert [name for name, _ in _pdf_attachments(message)] == [f"{invoice.number}.pdf"]


def test_a_worker_retries_a_451_and_sends_the_email_once(
    empty_broker, celery_worker_start, paid_order
):
    handler = RecordingHandler(refuse_first=1)
    with LoopbackSMTPServer(handler) as smtp:
        celery_worker_start(smtp.worker_env())

        invoice_generate.delay(paid_order.pk)
        _wait_for(_email_sent, what="the email after its retry")

    assert handler.data_attempts == 2
    [message] = handler.accepted
    assert message["To"] == paid_order.email
    email = OutboundEmail.objects.get()
    assert email.attempts == 2
    assert email.last_error == ""
