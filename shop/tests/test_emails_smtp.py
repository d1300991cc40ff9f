"""The SMTP path, against a real SMTP server on loopback (aiosmtpd)."""

import pytest

from shop.celery import app as celery_app
from shop.emails import email_queue
from shop.models import OutboundEmail
from shop.tests.smtp_server import LoopbackSMTPServer, RecordingHandler

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """Return `serve(handler)`: Django's SMTP backend pointed at a loopback server."""
    servers = []

    def serve(handler: RecordingHandler) -> LoopbackSMTPServer:
        server = LoopbackSMTPServer(handler).__enter__()
        servers.append(server)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        return server

    yield serve
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def eager_retries():
    """Let eager tasks run their retries in turn instead of raising Retry."""
    celery_app.conf.task_eager_propagates = False


def _queue():
    return email_queue(
        key="smtp:1",
        to="asha@example.com",
        subject="Welcome to FreshCart",
        template="order_summary",
        context={"lines": [], "order": {"currency": "INR", "total": "10.00"}},
        reference="FC1",
    )


def test_email_goes_out_over_smtp_as_text_and_html(
    smtp, django_capture_on_commit_callbacks
):
    server = smtp(RecordingHandler())

    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    [message] = server.handler.accepted
    assert message["Subject"] == "Welcome to FreshCart"
    assert message["To"] == "asha@example.com"
    assert message["From"] == "FreshCart <orders@freshcart.test>"
    types = [part.get_content_type() for part in message.walk()]
    assert types == ["multipart/alternative", "text/plain", "text/html"]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_a_451_is_retried_and_the_email_then_sent_once(
    smtp, django_capture_on_commit_callbacks, eager_retries
):
    server = smtp(RecordingHandler(refuse_first=1))

    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    assert server.handler.data_attempts == 2
    assert len(server.handler.accepted) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    assert email.last_error == ""


def test_a_550_fails_the_email_at_once(
    smtp, django_capture_on_commit_callbacks, eager_retries
):
    server = smtp(RecordingHandler(refuse_first=1, refusal="550 5.7.1 Rejected"))

    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    assert server.handler.data_attempts == 1
    assert server.handler.accepted == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 1
    assert "550" in email.last_error
