"""Order events: recorded with the change they report, published after commit.

Call these only from `orders.services.status`, while holding the order's
lock inside its transaction: the lock is what makes `seq` count 1, 2, 3...
without gaps or repeats, and committing with the change is what lets a
reconnecting client get from the database exactly what it missed.
"""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Max
from django.utils import dateformat, timezone

from orders.live.models import OrderEvent
from orders.models import Order, OrderLine, OrderStatus, OrderStatusChange

EVENT_TYPE = "order.event"
# The channel-layer handler every consumer has (`live_event`).
LAYER_MESSAGE_TYPE = "live.event"
# Shown like the order page's timeline shows its rows.
TIMELINE_FORMAT = "j M Y, H:i"


def order_group(order_id: int) -> str:
    return f"live.order.{order_id}"


def user_group(user_id: int) -> str:
    return f"live.user.{user_id}"


def store_group(store_id: int) -> str:
    return f"live.store.{store_id}"


def seller_group(seller_id: int) -> str:
    return f"live.seller.{seller_id}"


# Shop staff, who see every order.
STAFF_GROUP = "live.staff"


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _entry(change: OrderStatusChange) -> dict:
    """The timeline row of a status change, as the order page shows it."""
    return {
        "status": change.to_status,
        "label": OrderStatus(change.to_status).label,
        "from_status": change.from_status,
        "at": _iso(change.created_at),
        "at_display": dateformat.format(
            timezone.localtime(change.created_at), TIMELINE_FORMAT
        ),
    }


def _audience(order: Order) -> list[str]:
    """Name the groups that may hear of `order`: its owner, store, sellers, staff."""
    sellers = (
        OrderLine.objects.filter(order=order)
        .order_by("seller_id")
        .values_list("seller_id", flat=True)
        .distinct()
    )
    return [
        order_group(order.pk),
        user_group(order.user_id),
        store_group(order.store_id),
        *(seller_group(seller_id) for seller_id in sellers),
        STAFF_GROUP,
    ]


def order_event_record(
    *,
    order: Order,
    kind: str,
    change: OrderStatusChange | None = None,
    payment: dict | None = None,
) -> OrderEvent:
    """Record the order's next event and publish it once the transaction commits.

    Call while holding `order_lock` on `order`, after saving the change.
    """
    last = OrderEvent.objects.filter(order=order).aggregate(last=Max("seq"))["last"]
    data = {
        "type": EVENT_TYPE,
        "order": order.number,
        "seq": (last or 0) + 1,
        "kind": kind,
        "status": order.status,
        "status_label": OrderStatus(order.status).label,
        "promised_at": _iso(order.promised_at),
        "entry": _entry(change) if change is not None else None,
        "payment": payment,
        "at": _iso(timezone.now()),
    }
    event = OrderEvent.objects.create(
        order=order, seq=data["seq"], kind=kind, data=data
    )
    groups = _audience(order)

    def publish_after_commit():
        live_publish(groups=groups, event=data)

    # Robust: the change is committed whatever the channel layer does, and a
    # client that missed the push gets the event from the database.
    transaction.on_commit(publish_after_commit, robust=True)
    return event


def live_publish(*, groups: list[str], event: dict) -> None:
    """Push one recorded event to every group that may hear of it.

    The event travels as the text each socket is sent, encoded here once
    rather than once per socket, beside the two numbers that drop repeats.
    """
    message = {
        "type": LAYER_MESSAGE_TYPE,
        "order": event["order"],
        "seq": event["seq"],
        "text": json.dumps(event),
    }
    async_to_sync(_group_send_all)(groups, message)


async def _group_send_all(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    for group in groups:
        await layer.group_send(group, message)
