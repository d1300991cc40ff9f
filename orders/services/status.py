"""The one place an order's status changes, with its history row and effects."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.emails import order_status_email_queue
from orders.errors import DeliveryStepForStaff, IllegalTransition
from orders.live.demo import demo_step_later
from orders.live.events import order_event_record
from orders.live.models import OrderEvent
from orders.locks import order_lock
from orders.models import (
    TRANSITIONS,
    DeliveryKind,
    Order,
    OrderStatus,
    OrderStatusChange,
)
from orders.services.stock import goods_in_shop, order_stock_release
from shop.access import user_is_seller, user_store_id
from shop.errors import NotFound

# Statuses the shopper hears about by email.
STATUS_EMAILS = frozenset(
    {
        OrderStatus.PACKED,
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
    }
)
# Steps the shop's staff take: an order can hold several sellers' lines, and
# delivering it opens reviews of every one of them.
DELIVERY_STEPS = frozenset({OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED})
# Moves after which goods still in the shop go back to stock.
GIVING_BACK = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})
# The step a paid order takes by itself next in a demo (SHOP_DEMO_FULFILMENT_SECONDS).
DEMO_NEXT_STEP = {
    OrderStatus.PAID: OrderStatus.PACKED,
    OrderStatus.PACKED: OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.OUT_FOR_DELIVERY: OrderStatus.DELIVERED,
}


def _refusal(order: Order, to_status: str) -> IllegalTransition:
    from_label = OrderStatus(order.status).label.lower()
    to_label = (
        OrderStatus(to_status).label.lower()
        if to_status in OrderStatus.values
        else repr(to_status)
    )
    return IllegalTransition(
        f"Order {order.number} cannot go from {from_label} to {to_label}."
    )


def order_status_set(*, order: Order, to_status: str, by=None, note: str = "") -> Order:
    """Move a locked order to `to_status` if TRANSITIONS allows it; return it.

    Call while holding `order_lock` on `order`, inside its transaction.
    Cancelling or refunding goods still in the shop gives stock and the
    slot back once (`order_stock_release`); paying stamps `paid_at` and
    counts an express promise from then; the shopper is emailed about the
    statuses in STATUS_EMAILS. Raise
    IllegalTransition for a move TRANSITIONS forbids, DeliveryStepForStaff
    for a seller taking a delivery step, NotFound for store staff moving
    another store's order.
    """
    works_at = user_store_id(by)
    if works_at is not None and order.store_id != works_at:
        # Store staff move their own store's orders and learn nothing of others.
        raise NotFound("That order was not found.")
    from_status = order.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise _refusal(order, to_status)
    if to_status in DELIVERY_STEPS and user_is_seller(by):
        raise DeliveryStepForStaff(
            f"Order {order.number}: {OrderStatus(to_status).label.lower()} is a "
            "delivery step, which the shop's staff take, not sellers."
        )
    order.status = to_status
    fields = ["status", "updated_at"]
    if to_status == OrderStatus.PAID and order.paid_at is None:
        order.paid_at = timezone.now()
        fields.append("paid_at")
    order.save(update_fields=fields)
    if to_status == OrderStatus.PAID:
        _express_counted_from_payment(order)
    change = OrderStatusChange.objects.create(
        order=order,
        from_status=from_status,
        to_status=to_status,
        changed_by=by if by is not None and by.is_authenticated else None,
        note=note[:300],
    )
    order_event_record(order=order, kind=OrderEvent.Kind.STATUS, change=change)
    if to_status in DEMO_NEXT_STEP and settings.SHOP_DEMO_FULFILMENT_SECONDS:
        _demo_step_after_commit(order_id=order.pk, from_status=to_status)
    if to_status in GIVING_BACK and goods_in_shop(from_status):
        order_stock_release(order=order)
        order.refresh_from_db(fields=["stock_released_at"])
    if to_status in STATUS_EMAILS:
        order_status_email_queue(order=order, status=to_status)
    return order


@transaction.atomic
def order_status_change(
    *, order: Order, to_status: str, by=None, note: str = ""
) -> Order:
    """Lock the order and move it to `to_status`; return the changed order.

    The caller's `order` is not changed: use the returned one.
    """
    locked = order_lock(order_id=order.pk)
    return order_status_set(order=locked, to_status=to_status, by=by, note=note)


def _express_counted_from_payment(order: Order) -> None:
    """Count a paid express order's minutes from its payment, when the store
    can start packing: the promise made at placement moves on by the time
    paying took. A slot's promise is its slot's end and stays."""
    if order.delivery_kind != DeliveryKind.EXPRESS or order.promised_at is None:
        return
    # Whole minutes were promised; placement stamps its clock a moment
    # before the row's created_at.
    minutes = round((order.promised_at - order.created_at).total_seconds() / 60)
    order_promise_set(
        order=order, promised_at=order.paid_at + timedelta(minutes=minutes)
    )


def order_promise_set(*, order: Order, promised_at: datetime) -> Order:
    """Give a locked order a new promised time and tell its watchers; return it.

    Call while holding `order_lock` on `order`, inside its transaction.
    """
    if order.promised_at == promised_at:
        return order
    order.promised_at = promised_at
    order.save(update_fields=["promised_at", "updated_at"])
    order_event_record(order=order, kind=OrderEvent.Kind.PROMISE)
    return order


def order_payment_failed(*, order: Order, message: str) -> None:
    """Tell a locked order's watchers that a payment attempt failed, and why.

    A payment that succeeds is told as the order's move to paid.
    """
    order_event_record(
        order=order,
        kind=OrderEvent.Kind.PAYMENT,
        payment={"status": "failed", "message": message[:300]},
    )


def _demo_step_after_commit(*, order_id: int, from_status: str) -> None:
    def step():
        order_demo_step(order_id=order_id, from_status=from_status)

    def schedule():
        demo_step_later(seconds=settings.SHOP_DEMO_FULFILMENT_SECONDS, step=step)

    transaction.on_commit(schedule)


@transaction.atomic
def order_demo_step(*, order_id: int, from_status: str) -> None:
    """Take a demo order's next step if it is still where it was left.

    A person who moved it meanwhile (staff packed it, the shopper cancelled)
    wins; the step they took schedules its own next one.
    """
    order = order_lock(order_id=order_id)
    if order.status == from_status:
        order_status_set(
            order=order, to_status=DEMO_NEXT_STEP[from_status], note="demo fulfilment"
        )
