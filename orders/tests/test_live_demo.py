"""Demo fulfilment: with SHOP_DEMO_FULFILMENT_SECONDS a paid order delivers itself."""

import threading
import time

import pytest

from orders.live.models import OrderEvent
from orders.models import OrderStatus, OrderStatusChange
from orders.services.status import order_status_change
from orders.tests.factories import OrderFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]

# How long a loaded machine may take for the three steps of a second each.
DELIVERED_WITHIN = 45


def _wait_until_delivered(order) -> None:
    deadline = time.monotonic() + DELIVERED_WITHIN
    while time.monotonic() < deadline:
        order.refresh_from_db(fields=["status"])
        if order.status == OrderStatus.DELIVERED:
            return
        time.sleep(0.2)
    pytest.fail(f"order stayed {order.status}")


def _history(order):
    return list(
        OrderStatusChange.objects.filter(order=order)
        .order_by("id")
        .values_list("to_status", "note", "changed_by")
    )


def test_a_paid_demo_order_is_packed_sent_and_delivered_by_itself(settings):
    settings.SHOP_DEMO_FULFILMENT_SECONDS = 1
    order = OrderFactory()

    order_status_change(order=order, to_status=OrderStatus.PAID, note="paid")
    _wait_until_delivered(order)

    assert _history(order) == [
        ("paid", "paid", None),
        ("packed", "demo fulfilment", None),
        ("out_for_delivery", "demo fulfilment", None),
        ("delivered", "demo fulfilment", None),
    ]
    assert list(
        OrderEvent.objects.filter(order=order).values_list("seq", "data__status")
    ) == [(1, "paid"), (2, "packed"), (3, "out_for_delivery"), (4, "delivered")]


def test_a_step_someone_took_first_is_not_taken_twice(settings, staff_user):
    settings.SHOP_DEMO_FULFILMENT_SECONDS = 2
    order = OrderFactory()

    order = order_status_change(order=order, to_status=OrderStatus.PAID)
    # Staff pack it before the demo's clock does.
    order_status_change(order=order, to_status=OrderStatus.PACKED, by=staff_user)
    _wait_until_delivered(order)

    assert [status for status, _note, _by in _history(order)] == [
        "paid",
        "packed",
        "out_for_delivery",
        "delivered",
    ]
    assert _history(order)[1] == ("packed", "", staff_user.pk)


def test_without_the_setting_no_step_is_scheduled(settings):
    settings.SHOP_DEMO_FULFILMENT_SECONDS = 0
    order = OrderFactory()

    order_status_change(order=order, to_status=OrderStatus.PAID)

    assert [t for t in threading.enumerate() if isinstance(t, threading.Timer)] == []
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
