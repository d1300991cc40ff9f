"""Ending an order early: the shopper cancels it, or its payment time runs out.

This sits above payments: a paid order that is cancelled gets its money
back through `orders.payments.services`, in the same transaction and under
the one lock of the order row.
"""

from django.db import transaction
from django.utils import timezone

from orders.locks import order_lock
from orders.models import Order, OrderStatus
from orders.payments.services import payment_refund_for_cancelled_order
from orders.services.status import order_status_set
from shop.access import user_is_shop_staff
from shop.errors import Conflict, NotFound

CANCELLABLE_BY_SHOPPER = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.PAID})


@transaction.atomic
def order_cancel(*, order: Order, by) -> Order:
    """Cancel the shopper's order before packing; return the cancelled order.

    Stock and slot go back once; a paid order is refunded. Raise NotFound
    for someone else's order unless `by` is shop staff (sellers and store
    staff do not cancel), Conflict once it is packed.
    """
    locked = order_lock(order_id=order.pk)
    if by is None or (locked.user_id != by.pk and not user_is_shop_staff(by)):
        raise NotFound("That order was not found.")
    if locked.status not in CANCELLABLE_BY_SHOPPER:
        raise Conflict(
            f"Order {locked.number} is {locked.get_status_display().lower()} and "
            "can no longer be cancelled.",
            code="not_cancellable",
        )
    was_paid = locked.status == OrderStatus.PAID
    note = "cancelled by the shopper" if locked.user_id == by.pk else "cancelled"
    locked = order_status_set(
        order=locked, to_status=OrderStatus.CANCELLED, by=by, note=note
    )
    if was_paid:
        payment_refund_for_cancelled_order(order=locked)
    return locked


@transaction.atomic
def order_expire_unpaid(*, order_id: int, now=None) -> bool:
    """Cancel an order still unpaid after its due time; return whether it did."""
    now = now or timezone.now()
    locked = order_lock(order_id=order_id)
    if locked.status != OrderStatus.PENDING_PAYMENT or locked.payment_due_at > now:
        return False
    order_status_set(
        order=locked, to_status=OrderStatus.CANCELLED, note="payment timed out"
    )
    return True
