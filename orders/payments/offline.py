"""The offline test-card provider: Stripe's test cards without Stripe.

With no Stripe key (`SHOP_OFFLINE_PAYMENTS`), the payment page takes one of
two test card numbers and builds the event Stripe would have sent for it,
then hands it to the webhook's own entry point, `stripe_event_receive`.
Nothing here decides whether an order is paid; the event handler does.
Production settings refuse to start with this provider on.
"""

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from orders.payments.models import Payment
from orders.payments.services import stripe_event_receive
from shop.errors import DomainError
from shop.money import to_minor_units


@dataclass(frozen=True)
class OfflineCard:
    number: str
    outcome: str
    description: str

    @property
    def display(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, 16, 4))


# Stripe's own test numbers, so what works here works in Stripe's test mode.
SUCCESS_CARD = OfflineCard("4242424242424242", "succeeded", "Payment succeeds")
DECLINE_CARD = OfflineCard("4000000000000002", "declined", "Card is declined")
TEST_CARDS = (SUCCESS_CARD, DECLINE_CARD)
DECLINE_MESSAGE = "Your card was declined."


class OfflinePaymentsDisabled(DomainError):
    code = "offline_payments_disabled"
    status_code = 404


def card_number_normalize(value: str) -> str:
    """Return the digits of a card number as typed ("4242 4242 ..." -> "4242...")."""
    return "".join((value or "").replace("-", " ").split())


def offline_event_build(*, payment: Payment, succeeded: bool) -> dict[str, Any]:
    """Return the event Stripe sends when this payment succeeds or is declined."""
    order = payment.order
    intent: dict[str, Any] = {
        "id": payment.intent_id,
        "object": "payment_intent",
        "amount": to_minor_units(payment.amount, payment.currency),
        "amount_received": 0,
        "currency": payment.currency.lower(),
        "status": "requires_payment_method",
        "livemode": False,
        "metadata": {
            "order_number": order.number,
            "order_id": str(order.pk),
            "attempt": str(payment.attempt),
        },
        "last_payment_error": None,
    }
    if succeeded:
        intent["status"] = "succeeded"
        intent["amount_received"] = intent["amount"]
        event_type = "payment_intent.succeeded"
    else:
        intent["last_payment_error"] = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "generic_decline",
            "message": DECLINE_MESSAGE,
        }
        event_type = "payment_intent.payment_failed"
    return {
        "id": f"evt_offline_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": None,
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": intent},
    }


def offline_payment_submit(*, payment: Payment, card_number: str) -> Payment:
    """Pay an offline attempt with a test card through the webhook's handler.

    Raise OfflinePaymentsDisabled unless the offline provider is on, and
    DomainError for a number that is not one of the test cards.
    """
    if not settings.SHOP_OFFLINE_PAYMENTS or payment.provider != (
        Payment.Provider.OFFLINE
    ):
        raise OfflinePaymentsDisabled("Test-card payments are not available.")
    number = card_number_normalize(card_number)
    card = next((c for c in TEST_CARDS if c.number == number), None)
    if card is None:
        raise DomainError(
            "Use one of the test cards shown on this page: "
            + " or ".join(c.display for c in TEST_CARDS)
            + ".",
            code="unknown_test_card",
        )
    stripe_event_receive(
        event=offline_event_build(payment=payment, succeeded=card is SUCCESS_CARD)
    )
    payment.refresh_from_db()
    return payment
