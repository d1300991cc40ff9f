"""A paying webhook while the broker is away, delivered over HTTP to a live
server: the payment is committed, the answer is 200 at once, the lost invoice
task is logged, and the sweep makes the invoice soon after."""

import json
import logging
import time
import urllib.request
from datetime import timedelta

import pytest
from django.core import mail

from orders.invoicing.services import invoicing_stale_requeue
from orders.models import Invoice, OrderStatus
from orders.payments.services import payment_start
from orders.tests.fake_stripe import WEBHOOK_URL, signature_header
from shop.celery import app as celery_app
from shop.tests.smtp_server import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """Tasks go to a Redis address where nothing listens (a closed port)."""
    original = celery_app.conf.broker_url
    celery_app.conf.update(
        task_always_eager=False, broker_url=f"redis://127.0.0.1:{free_port()}/0"
    )
    # Connections made for the working broker are pooled; start from none.
    celery_app.amqp._producer_pool = None
    celery_app._pool = None
    yield
    celery_app.conf.update(task_always_eager=True, broker_url=original)
    celery_app.amqp._producer_pool = None
    celery_app._pool = None


def _post_signed(url: str, event: dict) -> int:
    payload = json.dumps(event).encode()
    request = urllib.request.Request(
        url,
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(payload, "whsec_test_secret"),
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def test_a_paying_webhook_with_the_broker_down_answers_200_and_the_sweep_invoices(
    live_server, fake_stripe, payable_order, user, broker_down, caplog
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        status = _post_signed(f"{live_server.url}{WEBHOOK_URL}", event)
    took = time.monotonic() - started

    assert status == 200
    assert took < 10
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert not Invoice.objects.exists()
    [record] = [r for r in caplog.records if r.exc_info]
    assert "on_commit" in record.getMessage()
    assert "Connection refused" in record.getMessage()

    celery_app.conf.update(task_always_eager=True)
    counts = invoicing_stale_requeue(now=payable_order.paid_at + timedelta(minutes=4))

    assert counts["invoices"] == 1
    assert Invoice.objects.get(order=payable_order).status == Invoice.Status.READY
    assert len(mail.outbox) == 1
