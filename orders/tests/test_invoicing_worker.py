"""Real worker processes on the Redis broker, sending through a real SMTP server
on loopback: the invoice and the email are made once, even when a worker is
killed in the middle of a task and Redis hands the task to another worker.

Slow (marked `slow`): each test starts worker processes; about 15–30 s each.
"""

import socket
import threading
import time

import pytest
from django.core.files.storage import storages

from orders.invoicing.tasks import invoice_generate, invoicing_sweep
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


class BlackHole:
    """A TCP server on loopback that accepts connections and never answers:
    a storage endpoint that hangs. `accepted` is set at the first connection."""

    def __init__(self):
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.accepted = threading.Event()
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self._sock.accept()
            except OSError:
                return
            self._held.append(connection)
            self.accepted.set()

    def close(self):
        for connection in self._held:
            connection.close()
        self._sock.close()


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
    with storages["invoices"].open(invoice.pdf.name, "rb") as fh:
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


# Age after which the sweep takes an untried invoice or email as lost; the
# default is the task time limit plus a minute, shortened to keep this quick.
STUCK_AFTER = 5


def _sweeping_until(condition, *, what: str, timeout: float = 120):
    """Run the sweep on the worker every second, as beat does every minute,
    until `condition` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        invoicing_sweep.delay()
        time.sleep(1)


def _s3_env(endpoint: str, bucket: str) -> dict:
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "ap-south-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def test_workers_killed_whole_mid_render_and_mid_send_leave_one_invoice_and_one_email(
    empty_broker, celery_worker_start, paid_order, s3_media, settings
):
    s3, bucket = s3_media
    started = time.monotonic()
    handler = RecordingHandler(stall_first=True)
    hole = BlackHole()
    with LoopbackSMTPServer(handler) as smtp:
        # The visibility timeout stays at its hour: only the sweep can help.
        env = {
            **smtp.worker_env(),
            "SHOP_INVOICING_STUCK_AFTER_SECONDS": str(STUCK_AFTER),
        }
        assert "CELERY_BROKER_VISIBILITY_TIMEOUT" not in env
        rendering = celery_worker_start({**env, **_s3_env(hole.url, bucket)})
        invoice_generate.delay(paid_order.pk)

        # The invoice has its number and its PDF is being stored: kill the
        # worker (a solo pool: the whole worker is this one process).
        assert hole.accepted.wait(timeout=60)
        invoice = Invoice.objects.get(order=paid_order)
        assert invoice.status == Invoice.Status.PENDING
        rendering.kill()
        rendering.wait(timeout=10)

        working = {**env, **_s3_env(settings.AWS_S3_ENDPOINT_URL, bucket)}
        sending = celery_worker_start(working)
        # The sweep queues the invoice again; the new worker stores it and is
        # then inside email_deliver, waiting on the mail server: kill it there.
        _sweeping_until(handler.stalled.is_set, what="the email to be sent")
        sending.kill()
        sending.wait(timeout=10)
        handler.release.set()
        assert OutboundEmail.objects.get().status == OutboundEmail.Status.QUEUED

        celery_worker_start(working)
        _sweeping_until(_email_sent, what="the email after the second kill")
    hole.close()

    assert time.monotonic() - started < 300
    assert (rendering.returncode, sending.returncode) == (-9, -9)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.READY
    assert Invoice.objects.count() == 1
    assert invoice.sequence == 1
    stored = s3.get_object(Bucket=bucket, Key=invoice.pdf.name)["Body"].read()
    assert OutboundEmail.objects.get().attempts == 1
    [message] = handler.accepted
    assert message["Subject"].startswith(f"Order {paid_order.number} confirmed")
    assert _pdf_attachments(message) == [(f"{invoice.number}.pdf", stored)]
