"""Every write of payments: starting an attempt, applying Stripe's events, refunds.

Stripe's events are the truth about money. The webhook, the offline test-card
page, the order page's refresh and the reconcile task all end in
`payment_event_apply`, which locks the order and the payment and changes
each only when the event moves it forward, so a duplicate, a replay or a
late event changes nothing twice. The order page only reads: it asks Stripe
once, briefly, and never refunds; unwanted money goes back from the webhook
or the reconcile task.

Payments sit below the order's lifecycle: they change status through
`orders.services.status` and move stock only through `orders.services.stock`,
and import nothing above them.
"""

import logging
import secrets
import time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orders.invoicing.tasks import credit_note_generate, invoice_generate
from orders.locks import order_lines_lock, order_lock, payment_lock
from orders.models import Order, OrderLine, OrderStatus
from orders.payments import stripe as stripe_api
from orders.payments.errors import PaymentProviderError
from orders.payments.models import Payment, Refund, StripeEvent
from orders.payments.selectors import (
    payment_get_by_intent,
    payment_latest_for_order,
    payment_paid_for_order,
    payments_open_for_order,
    refunded_total_for_payment,
)
from orders.services.status import order_payment_failed, order_status_set
from orders.services.stock import order_refund_restock
from shop.errors import Conflict, DomainError, NotFound
from shop.money import from_minor_units, quantize, to_minor_units

logger = logging.getLogger(__name__)

# Orders whose money can be given back from the admin.
REFUNDABLE_STATUSES = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.PACKED,
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
    }
)
# Payment attempts that can still be paid, so a new visit resumes them.
OPEN_STATUSES = frozenset({Payment.Status.CREATED, Payment.Status.PROCESSING})
# A PaymentIntent's status as Stripe reports it, and the event that announces it.
INTENT_STATUS_EVENTS = {
    "succeeded": "payment_intent.succeeded",
    "processing": "payment_intent.processing",
    "canceled": "payment_intent.canceled",
}


def _invoice_request(order_id: int) -> None:
    invoice_generate.delay(order_id)


def _credit_note_request(refund_id: int) -> None:
    credit_note_generate.delay(refund_id)


# STARTING A PAYMENT


def payment_provider() -> str:
    """Return the provider new payment attempts use, from the settings."""
    if settings.SHOP_OFFLINE_PAYMENTS:
        return Payment.Provider.OFFLINE
    return Payment.Provider.STRIPE


@transaction.atomic
def payment_start(*, order: Order, user) -> Payment:
    """Return the order's open payment attempt, or create the next one.

    Raise NotFound for someone else's order, Conflict when the order is not
    awaiting payment, PaymentProviderError when Stripe cannot be reached.
    """
    # The order lock makes two tabs of the same shopper share one attempt.
    order = order_lock(order_id=order.pk)
    if user is None or order.user_id != user.pk:
        raise NotFound("That order was not found.")
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict(
            f"Order {order.number} is {order.get_status_display().lower()}; "
            "there is nothing to pay.",
            code="order_not_payable",
        )
    if order.payment_due_at <= timezone.now():
        raise Conflict(
            f"The time to pay for order {order.number} has run out; "
            "please place it again.",
            code="payment_window_closed",
        )
    provider = payment_provider()
    latest = payment_latest_for_order(order=order)
    if (
        latest is not None
        and latest.provider == provider
        and latest.status in OPEN_STATUSES
    ):
        return latest
    attempt = latest.attempt + 1 if latest is not None else 1
    if provider == Payment.Provider.OFFLINE:
        intent_id = f"offline_pi_{secrets.token_hex(12)}"
        client_secret = ""
    else:
        try:
            intent = stripe_api.payment_intent_create(
                amount_minor=to_minor_units(order.total, order.currency),
                currency=order.currency,
                metadata={
                    "order_number": order.number,
                    "order_id": str(order.pk),
                    "attempt": str(attempt),
                },
                idempotency_key=f"order-{order.pk}-attempt-{attempt}",
            )
        except stripe_api.StripeError as exc:
            logger.error(
                "stripe: PaymentIntent for order %s attempt %s failed: %s",
                order.number,
                attempt,
                exc,
            )
            raise PaymentProviderError(
                "Card payments are not available right now. Please try again "
                "in a minute; your order is kept for you."
            ) from exc
        intent_id = intent.id
        client_secret = intent.client_secret
    logger.info("payment attempt %s for order %s: %s", attempt, order.number, intent_id)
    return Payment.objects.create(
        order=order,
        provider=provider,
        attempt=attempt,
        intent_id=intent_id,
        client_secret=client_secret,
        amount=order.total,
        currency=order.currency,
    )


# EVENTS


@transaction.atomic
def stripe_event_receive(*, event: dict[str, Any]) -> bool:
    """Record a webhook event once and apply it; return False for a repeat.

    The record and its effects commit together: if applying fails, the
    event is not recorded and Stripe's next delivery tries again.
    """
    event_id = event.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise DomainError("The event has no id.", code="invalid_event")
    # A concurrent delivery of the same id waits here on the unique index
    # until the first commits, then finds its row.
    record, created = StripeEvent.objects.get_or_create(
        event_id=event_id,
        defaults={"type": str(event.get("type", ""))[:100], "payload": event},
    )
    if not created:
        logger.info("stripe event %s seen before; ignored", event_id)
        return False
    payment_event_apply(event=event)
    StripeEvent.objects.filter(pk=record.pk).update(processed_at=timezone.now())
    return True


def _event_intent_id(event_type: str, obj: dict) -> str | None:
    intent_id = obj.get("payment_intent") if event_type == "charge.refunded" else None
    if event_type.startswith("payment_intent."):
        intent_id = obj.get("id")
    if isinstance(intent_id, dict):
        intent_id = intent_id.get("id")
    return intent_id if isinstance(intent_id, str) and intent_id else None


def _refunds_unwanted_money(event_type: str, order: Order) -> bool:
    """Return whether applying the event would give a payment straight back."""
    return (
        event_type == "payment_intent.succeeded"
        and order.status != OrderStatus.PENDING_PAYMENT
    )


@transaction.atomic
def payment_event_apply(*, event: dict[str, Any], may_refund: bool = True) -> None:
    """Apply one Stripe event to its payment and order; a repeat changes nothing.

    With `may_refund` False (a page's read) an event that would refund
    unwanted money is left for the webhook or the reconcile task.
    """
    event_type = str(event.get("type", ""))
    handler = _EVENT_HANDLERS.get(event_type)
    if handler is None:
        logger.info("stripe event %s of type %r ignored", event.get("id"), event_type)
        return
    obj = (event.get("data") or {}).get("object")
    intent_id = _event_intent_id(event_type, obj) if isinstance(obj, dict) else None
    if intent_id is None:
        logger.warning("stripe event %s has no PaymentIntent; ignored", event.get("id"))
        return
    found = payment_get_by_intent(intent_id=intent_id)
    if found is None:
        logger.warning(
            "stripe event %s (%s) for unknown PaymentIntent %s; nothing changed",
            event.get("id"),
            event_type,
            intent_id,
        )
        return
    order = order_lock(order_id=found.order_id)
    if not may_refund and _refunds_unwanted_money(event_type, order):
        logger.info(
            "payment %s settled order %s already; left for the webhook",
            intent_id,
            order.number,
        )
        return
    payment = payment_lock(payment_id=found.pk)
    handler(order=order, payment=payment, obj=obj)


def _payment_save(payment: Payment, status: str, message: str = "") -> None:
    payment.status = status
    payment.failure_message = message[:300]
    payment.save(update_fields=["status", "failure_message", "updated_at"])


def _payment_failed(order: Order, payment: Payment, message: str) -> None:
    _payment_save(payment, Payment.Status.FAILED, message)
    order_payment_failed(order=order, message=payment.failure_message)


def _on_intent_succeeded(*, order: Order, payment: Payment, obj: dict) -> None:
    # Stripe never cancels a PaymentIntent that succeeded, so a cancelled
    # payment here is one the shop already refunded as unwanted.
    if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.CANCELED):
        logger.info("payment %s already settled; event ignored", payment.intent_id)
        return
    amount = obj.get("amount")
    currency = str(obj.get("currency", "")).lower()
    expected = to_minor_units(order.total, order.currency)
    if amount != expected or currency != order.currency.lower():
        logger.error(
            "payment %s for order %s: Stripe reported %s %s, the order is %s %s; "
            "not marked paid",
            payment.intent_id,
            order.number,
            amount,
            currency,
            expected,
            order.currency.lower(),
        )
        _payment_failed(
            order,
            payment,
            f"Amount mismatch: Stripe reported {amount} {currency}, the order "
            f"is {expected} {order.currency.lower()} (minor units).",
        )
        return
    if order.status == OrderStatus.PENDING_PAYMENT:
        _payment_save(payment, Payment.Status.SUCCEEDED)
        order_status_set(
            order=order,
            to_status=OrderStatus.PAID,
            note=f"paid by {payment.get_provider_display()}",
        )
        # Robust: a broker or PDF failure after the commit is logged; it must
        # not turn a payment already recorded into an error answer, and the
        # invoicing sweep queues the lost task. Django names the callback in
        # that log line, which a functools.partial cannot be.
        order_id = order.pk
        transaction.on_commit(lambda: _invoice_request(order_id), robust=True)
        logger.info("order %s paid by %s", order.number, payment.intent_id)
        return
    # The order expired, was cancelled, or another attempt paid it first:
    # this money is not wanted, so it goes straight back. The payment is
    # marked cancelled so that it never counts as the order's payment.
    reason = (
        f"Payment {payment.intent_id} arrived after the order was "
        f"{order.get_status_display().lower()}; refunded automatically."
    )
    logger.warning("order %s: %s", order.number, reason)
    _payment_save(payment, Payment.Status.CANCELED, reason)
    _refund_record(
        order=order,
        payment=payment,
        amount=from_minor_units(amount, currency),
        quantities={},
        reason=reason,
        by=None,
        credit_note=False,
    )


def _on_intent_failed(*, order: Order, payment: Payment, obj: dict) -> None:
    if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.CANCELED):
        logger.info("payment %s already settled; late failure ignored", payment)
        return
    error = obj.get("last_payment_error") or {}
    message = (error.get("message") if isinstance(error, dict) else None) or (
        "The payment was declined."
    )
    if payment.status == Payment.Status.FAILED and payment.failure_message == message:
        return
    _payment_failed(order, payment, message)
    logger.info("payment %s failed: %s", payment.intent_id, message)


def _on_intent_processing(*, order: Order, payment: Payment, obj: dict) -> None:
    if payment.status in (Payment.Status.CREATED, Payment.Status.FAILED):
        _payment_save(payment, Payment.Status.PROCESSING)


def _on_intent_canceled(*, order: Order, payment: Payment, obj: dict) -> None:
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.CANCELED):
        _payment_save(payment, Payment.Status.CANCELED)


def _on_charge_refunded(*, order: Order, payment: Payment, obj: dict) -> None:
    if payment.status != Payment.Status.SUCCEEDED:
        logger.warning(
            "charge.refunded for payment %s that never paid order %s; nothing changed",
            payment.intent_id,
            order.number,
        )
        return
    refunded = obj.get("amount_refunded")
    if isinstance(refunded, int):
        # A refund made in Stripe's dashboard is recorded here; the shop's
        # own refunds are already recorded, so they leave nothing missing.
        missing = quantize(
            from_minor_units(refunded, payment.currency)
            - refunded_total_for_payment(payment=payment)
        )
        if missing > 0:
            _refund_record(
                order=order,
                payment=payment,
                amount=missing,
                quantities={},
                reason="Refunded in the Stripe dashboard.",
                by=None,
                credit_note=True,
                refunded_elsewhere=True,
            )
            order.refresh_from_db(fields=["refunded_amount"])
    if obj.get("refunded") is True and order.status in REFUNDABLE_STATUSES:
        order_status_set(
            order=order,
            to_status=OrderStatus.REFUNDED,
            note=f"refunded in Stripe ({payment.intent_id})",
        )


_EVENT_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
    "payment_intent.processing": _on_intent_processing,
    "payment_intent.canceled": _on_intent_canceled,
    "charge.refunded": _on_charge_refunded,
}


def payment_event_from_intent(*, intent: dict[str, Any]) -> dict[str, Any] | None:
    """Return the event Stripe sends for a PaymentIntent's state, or None.

    The order page and the reconcile task learn the state by asking Stripe;
    they apply it as the event that announced it would have been applied.
    """
    status = intent.get("status")
    event_type = INTENT_STATUS_EVENTS.get(status)
    if status == "requires_payment_method" and intent.get("last_payment_error"):
        event_type = "payment_intent.payment_failed"
    if event_type is None:
        return None
    return {
        "id": f"sync_{intent.get('id')}_{status}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": bool(intent.get("livemode", False)),
        "data": {"object": intent},
    }


def payment_intent_sync(*, payment: Payment, on_page: bool = False) -> Payment:
    """Ask Stripe for the payment's PaymentIntent, apply what it says; return it.

    `on_page` asks once with a short timeout and never refunds: a page
    must neither hang on Stripe nor move money.
    """
    intent = stripe_api.payment_intent_retrieve(
        intent_id=payment.intent_id, on_page=on_page
    )
    event = payment_event_from_intent(intent=intent.to_dict(for_json=True))
    if event is not None:
        payment_event_apply(event=event, may_refund=not on_page)
    return Payment.objects.get(pk=payment.pk)


def payment_status_refresh(*, order: Order) -> Order:
    """Bring an order awaiting payment up to date with Stripe; return it.

    A read for the order page: it records a payment Stripe already took,
    but never refunds. Stripe being away is not an error here: the page
    shows what is known and the webhook or the reconcile task settles it.
    """
    if order.status != OrderStatus.PENDING_PAYMENT:
        return order
    changed = False
    for payment in payments_open_for_order(order=order):
        before = payment.status
        try:
            synced = payment_intent_sync(payment=payment, on_page=True)
            changed |= synced.status != before
        except stripe_api.StripeError as exc:
            logger.warning("stripe: refresh of %s failed: %s", payment.intent_id, exc)
    if changed:
        return Order.objects.get(pk=order.pk)
    return order


# REFUNDS


def _provider_refund(*, payment: Payment, refund: Refund) -> str:
    if payment.provider == Payment.Provider.OFFLINE:
        return f"offline_re_{secrets.token_hex(12)}"
    try:
        stripe_refund = stripe_api.refund_create(
            intent_id=payment.intent_id,
            amount_minor=to_minor_units(refund.amount, payment.currency),
            idempotency_key=f"refund-{refund.pk}",
            metadata={"order_number": refund.order.number, "refund_id": str(refund.pk)},
        )
    except stripe_api.StripeError as exc:
        logger.error("stripe: refund %s on %s failed: %s", refund.pk, payment, exc)
        raise PaymentProviderError(
            f"Stripe did not accept the refund: {exc.user_message or exc}"
        ) from exc
    if stripe_refund.status in ("failed", "canceled"):
        raise PaymentProviderError(
            f"Stripe refused the refund ({stripe_refund.status})."
        )
    return stripe_refund.id


def _refund_record(
    *,
    order: Order,
    payment: Payment,
    amount: Decimal,
    quantities: dict[int, int],
    reason: str,
    by,
    credit_note: bool,
    refunded_elsewhere: bool = False,
) -> Refund:
    """Record a refund, give the money back through the provider, and count it.

    `refunded_elsewhere` records money already given back in Stripe's
    dashboard; `credit_note` counts it against the order and asks for a
    credit note, which is wrong only for a payment the order never kept.
    """
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        amount=amount,
        reason=reason[:300],
        lines={str(line_id): qty for line_id, qty in quantities.items()},
        created_by=by if by is not None and by.is_authenticated else None,
    )
    if not refunded_elsewhere:
        refund.refund_id = _provider_refund(payment=payment, refund=refund)
    refund.status = Refund.Status.SUCCEEDED
    refund.save(update_fields=["refund_id", "status"])
    for line_id, quantity in sorted(quantities.items()):
        OrderLine.objects.filter(
            pk=line_id, refunded_quantity__lte=F("quantity") - quantity
        ).update(refunded_quantity=F("refunded_quantity") + quantity)
    if credit_note:
        # Only money the order was paid with is counted as refunded from it;
        # an unwanted second payment going back leaves the order as it was.
        Order.objects.filter(pk=order.pk).update(
            refunded_amount=F("refunded_amount") + amount
        )
        refund_id = refund.pk
        transaction.on_commit(lambda: _credit_note_request(refund_id), robust=True)
    logger.info(
        "refund %s of %s %s on order %s (%s)",
        refund.refund_id,
        amount,
        order.currency,
        order.number,
        reason,
    )
    return refund


def _refund_quantities(
    *, lines: dict[int, int], remaining: dict[int, int]
) -> dict[int, int]:
    quantities = {}
    for raw_id, raw_quantity in lines.items():
        try:
            line_id, quantity = int(raw_id), int(raw_quantity)
        except (TypeError, ValueError):
            raise DomainError(
                "Line ids and quantities must be whole numbers.", code="invalid_refund"
            ) from None
        if line_id not in remaining:
            raise DomainError(
                f"Line {line_id} is not part of this order.", code="invalid_refund"
            )
        if quantity < 0 or quantity > remaining[line_id]:
            raise DomainError(
                f"Line {line_id} can be refunded at most {remaining[line_id]} "
                f"more; {quantity} was asked.",
                code="invalid_refund",
            )
        if quantity:
            quantities[line_id] = quantity
    if not quantities:
        raise DomainError("Choose at least one item to refund.", code="invalid_refund")
    return quantities


@transaction.atomic
def payment_refund(
    *, order: Order, by, lines: dict[int, int] | None = None, reason: str = ""
) -> Refund:
    """Refund a paid order in full, or the given quantities of its lines.

    A partial refund is the lines' unit prices times the quantities; the
    delivery fee goes back only when everything left is refunded, which
    moves the order to refunded. Goods that never left go back to stock.
    Raise Conflict when the order cannot be refunded, DomainError for bad
    quantities, PaymentProviderError when Stripe refuses (nothing stored).
    """
    order = order_lock(order_id=order.pk)
    if order.status not in REFUNDABLE_STATUSES:
        raise Conflict(
            f"Order {order.number} is {order.get_status_display().lower()} and "
            "cannot be refunded.",
            code="not_refundable",
        )
    payment = payment_paid_for_order(order=order)
    if payment is None:
        raise Conflict(
            f"Order {order.number} has no successful payment to refund.",
            code="not_refundable",
        )
    payment = payment_lock(payment_id=payment.pk)
    order_lines = order_lines_lock(order_id=order.pk)
    remaining = {ln.pk: ln.quantity - ln.refunded_quantity for ln in order_lines}
    if lines is None:
        quantities = {pk: left for pk, left in remaining.items() if left > 0}
    else:
        quantities = _refund_quantities(lines=lines, remaining=remaining)
    full = all(quantities.get(pk, 0) == left for pk, left in remaining.items())
    balance = quantize(order.total - order.refunded_amount)
    if full:
        amount = balance
    else:
        prices = {ln.pk: ln.unit_price for ln in order_lines}
        amount = quantize(
            sum((prices[pk] * qty for pk, qty in quantities.items()), Decimal(0))
        )
    if amount <= 0 or amount > balance:
        raise Conflict(
            f"Nothing is left to refund on order {order.number}.",
            code="not_refundable",
        )
    # Before the refund counts the quantities, so nothing goes back twice.
    order_refund_restock(
        order=order, lines=order_lines, quantities=quantities, full=full
    )
    refund = _refund_record(
        order=order,
        payment=payment,
        amount=amount,
        quantities=quantities,
        reason=reason or ("Full refund" if full else "Partial refund"),
        by=by,
        credit_note=True,
    )
    if full:
        order.refresh_from_db(fields=["refunded_amount", "stock_released_at"])
        order_status_set(
            order=order,
            to_status=OrderStatus.REFUNDED,
            by=by,
            note=f"refunded {amount} {order.currency}"
            + (f": {reason}" if reason else ""),
        )
    return refund


@transaction.atomic
def payment_refund_for_cancelled_order(*, order: Order) -> Refund | None:
    """Give back what a cancelled order was paid; return the refund, or None.

    Cancelling already put the goods back, so only money moves here.
    `order_cancel` calls it holding `order_lock`; the order is not locked
    again. The balance is read under the payment's lock, so a second call
    finds nothing left to refund and returns None.
    """
    payment = payment_paid_for_order(order=order)
    if payment is None:
        return None
    payment = payment_lock(payment_id=payment.pk)
    total, refunded = Order.objects.values_list("total", "refunded_amount").get(
        pk=order.pk
    )
    balance = quantize(total - refunded)
    if balance <= 0:
        return None
    order_lines = order_lines_lock(order_id=order.pk)
    quantities = {
        ln.pk: ln.quantity - ln.refunded_quantity
        for ln in order_lines
        if ln.quantity > ln.refunded_quantity
    }
    return _refund_record(
        order=order,
        payment=payment,
        amount=balance,
        quantities=quantities,
        reason="Order cancelled",
        by=None,
        credit_note=True,
    )


def stripe_events_delete_old(*, received_before) -> int:
    """Delete processed webhook records received before a time; return how many.

    A record only has to outlive Stripe's redeliveries of its event (three
    days at most), and a replay of an old event fails its signature's
    timestamp check, so old records guard nothing.
    """
    deleted, _ = StripeEvent.objects.filter(
        received_at__lt=received_before, processed_at__isnull=False
    ).delete()
    return deleted
