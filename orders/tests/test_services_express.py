"""Express delivery: the promise, the store's hours, and its capacity booked
like stock at placement."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import AddressFactory
from catalog.models import ProductVariant
from catalog.tests.factories import ProductVariantFactory
from orders.errors import ExpressUnavailable
from orders.live.models import OrderEvent
from orders.models import DeliveryKind, Order, OrderStatus, StoreStock
from orders.selectors import store_load
from orders.services.cancellation import order_cancel
from orders.services.express import express_promise, store_is_open
from orders.services.placement import order_place
from orders.services.status import order_status_change
from orders.tests.factories import (
    DarkStoreFactory,
    DeliverySlotFactory,
    OrderFactory,
    ServiceAreaFactory,
    store_stock_set,
)
from shop.errors import DomainError

pytestmark = pytest.mark.django_db

ZONE = timezone.get_fixed_timezone(330)  # Asia/Kolkata, the test settings' zone


def _at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, 2, hour, minute, tzinfo=ZONE)


@pytest.fixture
def store(db):
    return DarkStoreFactory(
        express_base_minutes=10,
        express_minutes_per_order=2,
        express_capacity=3,
        express_window_minutes=30,
    )


def _express_orders(store, count, **fields):
    return [
        OrderFactory(
            store=store, slot=None, delivery_kind=DeliveryKind.EXPRESS, **fields
        )
        for _ in range(count)
    ]


# THE PROMISE


def test_the_promise_is_the_base_plus_the_paid_unpacked_queue(store):
    other = DarkStoreFactory(name="Koramangala")
    for status in (OrderStatus.PAID, OrderStatus.PAID, OrderStatus.PAID):
        OrderFactory(slot=DeliverySlotFactory(store=store), status=status)
    OrderFactory(slot=DeliverySlotFactory(store=store))  # awaiting payment
    OrderFactory(slot=DeliverySlotFactory(store=store), status=OrderStatus.PACKED)
    OrderFactory(slot=DeliverySlotFactory(store=other), status=OrderStatus.PAID)

    promise = express_promise(store=store)

    assert promise.offered
    assert promise.minutes == 10 + 2 * 3
    assert (promise.code, promise.reason) == (None, None)
    assert promise.places_left == 3


def test_a_full_window_offers_no_express_and_says_why(store):
    _express_orders(store, 3)

    promise = express_promise(store=store)

    assert promise.minutes is None
    assert promise.code == "express_full"
    assert "fully booked" in promise.reason
    assert promise.places_left == 0


def test_orders_older_than_the_window_or_given_back_hold_no_place(store):
    now = timezone.now()
    old = _express_orders(store, 2)
    Order.objects.filter(pk__in=[o.pk for o in old]).update(
        created_at=now - timedelta(minutes=31)
    )
    _express_orders(store, 1, stock_released_at=now)
    _express_orders(store, 1)

    assert express_promise(store=store, now=now).places_left == 2


def test_the_store_counts_its_load_in_one_query(store, django_assert_num_queries):
    _express_orders(store, 2, status=OrderStatus.PAID)

    with django_assert_num_queries(1):
        load = store_load(store_id=store.pk, since=timezone.now() - timedelta(hours=1))

    assert (load.queue, load.express_taken) == (2, 2)


@pytest.mark.parametrize(
    ("opens", "closes", "clock", "open_"),
    [
        ((6, 0), (23, 0), (5, 59), False),
        ((6, 0), (23, 0), (6, 0), True),
        ((6, 0), (23, 0), (23, 0), True),
        ((6, 0), (23, 0), (23, 1), False),
        ((18, 0), (2, 0), (1, 30), True),
        ((18, 0), (2, 0), (12, 0), False),
        ((0, 0), (0, 0), (3, 0), True),
    ],
)
def test_opening_hours_are_the_shops_local_time(opens, closes, clock, open_):
    store = DarkStoreFactory(
        opens_at=datetime.time(*opens), closes_at=datetime.time(*closes)
    )

    assert store_is_open(store=store, now=_at(*clock)) is open_


def test_a_closed_store_offers_no_express(settings):
    settings.SHOP_STORES_ALWAYS_OPEN = False
    store = DarkStoreFactory(
        opens_at=datetime.time(7, 0), closes_at=datetime.time(22, 0)
    )

    promise = express_promise(store=store, now=_at(23, 30))

    assert (promise.is_open, promise.minutes, promise.code) == (
        False,
        None,
        "store_closed",
    )
    assert "opens at 07:00" in promise.reason


def test_always_open_stores_take_express_at_any_hour(settings):
    settings.SHOP_STORES_ALWAYS_OPEN = True
    store = DarkStoreFactory(
        opens_at=datetime.time(7, 0), closes_at=datetime.time(22, 0)
    )

    assert express_promise(store=store, now=_at(3, 0)).offered


def test_an_inactive_store_is_closed(settings):
    settings.SHOP_STORES_ALWAYS_OPEN = True

    assert not store_is_open(store=DarkStoreFactory(is_active=False))


# PLACING EXPRESS


@pytest.fixture
def shopper(user, store, fill_cart):
    ServiceAreaFactory(postal_code="560001", store=store)
    variant = ProductVariantFactory()
    store_stock_set(variant=variant, quantity=10, store=store)
    fill_cart(user, (variant, 2))
    return user, AddressFactory(user=user, postal_code="560001"), variant


def test_an_express_order_is_promised_the_minutes_it_was_offered(shopper, store):
    user, address, variant = shopper
    OrderFactory(slot=DeliverySlotFactory(store=store), status=OrderStatus.PAID)
    offered = express_promise(store=store).minutes

    order = order_place(user=user, address=address, express=True)

    assert offered == 12
    assert order.delivery_kind == DeliveryKind.EXPRESS
    assert order.slot is None
    assert order.store == store
    assert order.promised_at - order.created_at < timedelta(minutes=12, seconds=1)
    assert order.promised_at - order.created_at > timedelta(minutes=11, seconds=59)
    assert StoreStock.objects.get(store=store, variant=variant).quantity == 8


def test_paying_counts_the_express_minutes_from_the_payment(shopper, store):
    user, address, _variant = shopper
    order = order_place(user=user, address=address, express=True)
    placed_promise = order.promised_at
    # Paying took the shopper four minutes.
    Order.objects.filter(pk=order.pk).update(
        created_at=order.created_at - timedelta(minutes=4),
        promised_at=placed_promise - timedelta(minutes=4),
    )

    paid = order_status_change(order=order, to_status=OrderStatus.PAID)

    assert paid.promised_at == paid.paid_at + timedelta(minutes=10)
    assert paid.promised_at > placed_promise - timedelta(minutes=1)
    events = list(OrderEvent.objects.filter(order=order).order_by("seq"))
    assert [(e.kind, e.data["status"]) for e in events] == [
        ("promise", "paid"),
        ("status", "paid"),
    ]
    assert events[1].data["promised_at"] == events[0].data["promised_at"]


def test_paying_leaves_a_slot_orders_promise(user, store, fill_cart):
    ServiceAreaFactory(postal_code="560001", store=store)
    variant = ProductVariantFactory()
    store_stock_set(variant=variant, quantity=10, store=store)
    fill_cart(user, (variant, 1))
    slot = DeliverySlotFactory(store=store)
    address = AddressFactory(user=user, postal_code="560001")
    order = order_place(user=user, address=address, slot=slot)

    paid = order_status_change(order=order, to_status=OrderStatus.PAID)

    assert paid.promised_at == slot.ends_at
    assert list(
        OrderEvent.objects.filter(order=order).values_list("kind", flat=True)
    ) == ["status"]


def test_express_when_full_is_refused_with_slots_and_nothing_taken(shopper, store):
    user, address, variant = shopper
    _express_orders(store, 3)
    slot = DeliverySlotFactory(store=store)

    with pytest.raises(ExpressUnavailable) as refusal:
        order_place(user=user, address=address, express=True)

    assert (refusal.value.status_code, refusal.value.code) == (409, "express_full")
    assert [s["id"] for s in refusal.value.extra["slots"]] == [slot.pk]
    assert not Order.objects.filter(user=user).exists()
    assert StoreStock.objects.get(store=store, variant=variant).quantity == 10


def test_neither_express_nor_a_slot_goes_express_when_offered(shopper):
    user, address, _variant = shopper

    order = order_place(user=user, address=address)

    assert order.delivery_kind == DeliveryKind.EXPRESS


def test_neither_while_express_is_full_asks_for_a_slot(shopper, store):
    user, address, _variant = shopper
    _express_orders(store, 3)
    slot = DeliverySlotFactory(store=store)

    with pytest.raises(ExpressUnavailable) as refusal:
        order_place(user=user, address=address)

    assert refusal.value.code == "slot_required"
    assert "choose a delivery slot" in refusal.value.message
    assert [s["id"] for s in refusal.value.extra["slots"]] == [slot.pk]
    assert not Order.objects.filter(user=user).exists()


def test_express_and_a_slot_at_once_are_refused(shopper, store):
    user, address, _variant = shopper

    with pytest.raises(DomainError) as refusal:
        order_place(
            user=user,
            address=address,
            express=True,
            slot=DeliverySlotFactory(store=store),
        )

    assert refusal.value.code == "delivery_ambiguous"
    assert not Order.objects.filter(user=user).exists()


def test_cancelling_gives_the_place_and_the_stock_back_to_the_store(
    shopper, store, fill_cart
):
    user, address, variant = shopper
    _express_orders(store, 2)
    order = order_place(user=user, address=address, express=True)
    assert express_promise(store=store).places_left == 0

    order_cancel(order=order, by=user)

    assert express_promise(store=store).places_left == 1
    assert StoreStock.objects.get(store=store, variant=variant).quantity == 10
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10
    fill_cart(user, (variant, 1))
    assert order_place(user=user, address=address, express=True).placed_now
