from decimal import Decimal

import pytest

from orders.models import OrderStatus, Payment
from orders.payments.services import payment_start
from orders.tests.factories import OrderFactory
from shop.errors import Conflict, NotFound

pytestmark = pytest.mark.django_db

API = "/api/v1/orders/{}/payment/"


def test_start_creates_a_payment_intent_for_the_total_in_minor_units(
    fake_stripe, placed_order, user
):
    payment = payment_start(order=placed_order, user=user)

    assert placed_order.total == Decimal("185.00")
    [request] = fake_stripe.requests_to("POST", "/v1/payment_intents")
    assert request["params"] == {
        "amount": "18500",
        "currency": "inr",
        "metadata": {
            "order_number": placed_order.number,
            "order_id": str(placed_order.pk),
            "attempt": "1",
        },
        "automatic_payment_methods": {"enabled": "true"},
    }
    assert request["idempotency_key"] == f"order-{placed_order.pk}-attempt-1"
    intent = fake_stripe.intents[payment.intent_id]
    assert (payment.provider, payment.attempt, payment.status) == (
        Payment.Provider.STRIPE,
        1,
        Payment.Status.CREATED,
    )
    assert payment.client_secret == intent["client_secret"]
    assert (payment.amount, payment.currency) == (Decimal("185.00"), "INR")
