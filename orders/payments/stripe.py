"""The one place that talks to Stripe through stripe-python.

Settings are read on every call, never at import, so `STRIPE_API_BASE` can
point the running server (or a test) at a stand-in on loopback. Each call
gets its own `StripeClient` instead of mutating the module-wide `stripe.api_key`
and `stripe.api_base`: web threads and tests with different settings cannot
leak a key or an address into each other's requests.
"""

import time
from typing import Any

import stripe
from django.conf import settings

# Seconds to wait for Stripe before giving up, on a write or in a task.
STRIPE_TIMEOUT_SECONDS = 20
# stripe-python retries connection errors and 409/429/5xx; every write carries
# an idempotency key, so a retry can never charge or refund twice.
STRIPE_MAX_NETWORK_RETRIES = 2
# A read made while a page waits: asked once, briefly; the webhook and the
# reconcile task learn the rest.
STRIPE_PAGE_TIMEOUT_SECONDS = 3
STRIPE_PAGE_MAX_NETWORK_RETRIES = 0

StripeError = stripe.StripeError
SignatureVerificationError = stripe.SignatureVerificationError


def stripe_client(*, on_page: bool = False) -> stripe.StripeClient:
    """Return a client for the configured key and API base.

    `on_page` gives the short timeout and no retries of a page's read.
    """
    timeout, retries = STRIPE_TIMEOUT_SECONDS, STRIPE_MAX_NETWORK_RETRIES
    if on_page:
        timeout, retries = STRIPE_PAGE_TIMEOUT_SECONDS, STRIPE_PAGE_MAX_NETWORK_RETRIES
    return stripe.StripeClient(
        api_key=settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE.rstrip("/")},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def payment_intent_create(
    *,
    amount_minor: int,
    currency: str,
    metadata: dict[str, str],
    idempotency_key: str,
) -> stripe.PaymentIntent:
    """Create a PaymentIntent; the same idempotency key returns the same one."""
    return stripe_client().v1.payment_intents.create(
        params={
            "amount": amount_minor,
            "currency": currency.lower(),
            "metadata": metadata,
            "automatic_payment_methods": {"enabled": True},
        },
        options={"idempotency_key": idempotency_key},
    )


def payment_intent_retrieve(
    *, intent_id: str, on_page: bool = False
) -> stripe.PaymentIntent:
    """Return the PaymentIntent as Stripe knows it now."""
    return stripe_client(on_page=on_page).v1.payment_intents.retrieve(intent_id)


def refund_create(
    *,
    intent_id: str,
    amount_minor: int,
    idempotency_key: str,
    metadata: dict[str, str],
) -> stripe.Refund:
    """Refund part or all of a PaymentIntent's charge."""
    return stripe_client().v1.refunds.create(
        params={
            "payment_intent": intent_id,
            "amount": amount_minor,
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def webhook_event_construct(*, payload: bytes, signature: str) -> dict[str, Any]:
    """Return the event of a webhook delivery as plain data.

    Raise SignatureVerificationError for a forged or unsigned delivery, one
    signed more than the tolerance before or after now, and ValueError for a
    body that is not JSON.
    """
    event = stripe.Webhook.construct_event(
        payload, signature, settings.STRIPE_WEBHOOK_SECRET
    )
    # stripe-python refuses only old signatures; one dated ahead of the clock
    # would stay replayable until that date.
    tolerance = stripe.Webhook.DEFAULT_TOLERANCE
    if _signature_timestamp(signature) > time.time() + tolerance:
        raise SignatureVerificationError(
            f"The signature is dated more than {tolerance} s in the future.",
            signature,
            payload,
        )
    return event.to_dict(for_json=True)


def _signature_timestamp(signature: str) -> int:
    # construct_event has checked the header, so its "t=" item is a number.
    items = dict(item.split("=", 1) for item in signature.split(",") if "=" in item)
    return int(items["t"])
