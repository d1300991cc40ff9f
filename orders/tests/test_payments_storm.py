"""The webhook storm: the same events ten times, concurrently and out of order."""

import random
import threading

import pytest
from django.core import mail
from django.db import connections
from django.test import Client

from orders.models import (
    Invoice,
    OrderStatus,
    OrderStatusChange,
    Payment,
    Refund,
    StripeEvent,
)
from orders.payments.services import payment_start
from orders.tests.fake_stripe import webhook_deliver
from shop.models import OutboundEmail

DELIVERIES = 10


@pytest.mark.django_db(transaction=True)
def test_a_storm_of_repeated_events_pays_once_and_invoices_once(
    fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    # The first card is declined, then the shopper's second card succeeds.
    fake_stripe.intent_fail(payment.intent_id)
    failed = fake_stripe.event("payment_intent.payment_failed", payment.intent_id)
    fake_stripe.intent_succeed(payment.intent_id)
    succeeded = fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    deliveries = [succeeded, failed] * DELIVERIES
    random.Random(6).shuffle(deliveries)
    start = threading.Barrier(len(deliveries))
    statuses = []
    errors = []

    def deliver(event):
        try:
            client = Client()
            start.wait(timeout=30)
            response = webhook_deliver(client, event, secret="whsec_test_secret")
            statuses.append(response.status_code)
        except Exception as exc:  # a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(e,)) for e in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert statuses == [200] * len(deliveries)
    payable_order.refresh_from_db()
    payment.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.count() == 2
    assert (
        OrderStatusChange.objects.filter(
            order=payable_order, to_status=OrderStatus.PAID
        ).count()
        == 1
    )
    assert Invoice.objects.filter(order=payable_order).count() == 1
    confirmation = OutboundEmail.objects.get(
        key=f"order-confirmation:{payable_order.pk}"
    )
    assert confirmation.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[payable_order.email]]
    assert Refund.objects.count() == 0
