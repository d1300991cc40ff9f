"""Order events: recorded with the change they report, published after commit.

Call these only from `orders.services.status`, while holding the order's
lock inside its transaction: the lock is what makes `seq` count 1, 2, 3...
without gaps or repeats, and committing with the change is what lets a
reconnecting client get from the database exactly what it missed.
"""

import asyncio
import json
import os
import threading

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
    sending = asyncio.run_coroutine_threadsafe(
        _group_send_all(groups, message), _publisher_loop()
    )
    sending.result(timeout=PUBLISH_TIMEOUT)


# Seconds a committed change waits for its event to reach the channel layer.
PUBLISH_TIMEOUT = 10

_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None
_publisher_lock = threading.Lock()


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """Return this process's publishing loop, started on first use.

    `async_to_sync` would run each publish in a new event loop, and the
    channel layer connects to Redis once per loop: a connection per event,
    set up while the committed change waits, and left for the collector to
    close. One loop in a thread of its own keeps one connection. A forked
    worker (gunicorn, Celery) starts its own: the parent's thread is not
    in the child.
    """
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(
                target=loop.run_forever, name="live-publisher", daemon=True
            ).start()
            _publisher = (os.getpid(), loop)
        return _publisher[1]


async def _group_send_all(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    for group in groups:
        # Each live process's hub hands the event to the sockets of `group`.
        await layer.group_send(group, {**message, "group": group})
