"""Reads that payments depend on. Their row locks are in `orders.locks`."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Sum

from orders.models import Order, OrderStatus
from orders.payments.models import Payment, Refund


def payment_get_by_intent(*, intent_id: str) -> Payment | None:
    """Return the payment of a PaymentIntent (or offline intent) id, or None."""
    return Payment.objects.filter(intent_id=intent_id).first()


def payment_latest_for_order(*, order: Order) -> Payment | None:
    """Return the order's most recent payment attempt, or None."""
    return Payment.objects.filter(order=order).order_by("-attempt").first()


def payment_paid_for_order(*, order: Order) -> Payment | None:
    """Return the succeeded payment that paid the order, or None."""
    return (
        Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED)
        .order_by("attempt")
        .first()
    )


def payments_open_for_order(*, order: Order) -> list[Payment]:
    """Return the order's Stripe payments that Stripe may still settle."""
    return list(
        Payment.objects.filter(order=order, provider=Payment.Provider.STRIPE)
        .exclude(status__in=[Payment.Status.SUCCEEDED, Payment.Status.CANCELED])
        .order_by("attempt")
    )


def payment_ids_to_reconcile(
    *, created_before: datetime, created_after: datetime, limit: int = 500
) -> list[int]:
    """Return Stripe payments still unsettled on orders awaiting or past payment.

    Cancelled orders are included: a payment that succeeded just as its order
    expired must still be found, and then refunded.
    """
    return list(
        Payment.objects.filter(
            provider=Payment.Provider.STRIPE,
            status__in=[
                Payment.Status.CREATED,
                Payment.Status.PROCESSING,
                Payment.Status.FAILED,
            ],
            created_at__lt=created_before,
            created_at__gte=created_after,
            order__status__in=[OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED],
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def refunded_total_for_payment(*, payment: Payment) -> Decimal:
    """Return what the shop has recorded as refunded from one payment."""
    total = Refund.objects.filter(
        payment=payment, status=Refund.Status.SUCCEEDED
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def payment_failure_before(*, payment: Payment) -> str:
    """Return why the attempt before this one failed, or an empty string."""
    if payment.attempt <= 1:
        return ""
    return (
        Payment.objects.filter(
            order_id=payment.order_id,
            attempt=payment.attempt - 1,
            status=Payment.Status.FAILED,
        )
        .values_list("failure_message", flat=True)
        .first()
        or ""
    )
