"""Real concurrent transactions on PostgreSQL: nothing is sold or booked twice.

Each buyer runs in its own thread with its own database connection; a barrier
starts them together so their transactions overlap.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import SELLERS_GROUP
from accounts.tests.factories import AddressFactory, UserFactory
from catalog.models import ProductVariant
from catalog.tests.factories import ProductVariantFactory
from orders.errors import ExpressUnavailable, OutOfStock, SlotFull
from orders.models import (
    DeliveryKind,
    DeliverySlot,
    Order,
    OrderStatus,
    Payment,
    StoreStock,
)
from orders.payments.services import payment_refund
from orders.selectors import store_load
from orders.services.cancellation import order_cancel, order_expire_unpaid
from orders.services.cart import cart_get_or_create, cart_line_add
from orders.services.placement import order_place
from orders.services.status import order_status_change
from orders.services.stock import delivery_slot_book
from orders.tests.factories import (
    DarkStoreFactory,
    DeliverySlotFactory,
    ServiceAreaFactory,
    store_stock_set,
)

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 50


@pytest.fixture(autouse=True)
def _sellers_group():
    # A transactional test empties every table after it, the data
    # migration's Sellers group too; the seller factory needs it.
    Group.objects.get_or_create(name=SELLERS_GROUP)


def _run_together(jobs):
    """Run callables in threads started at once; return their outcomes in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as exc:  # the outcome under test, kept for asserting
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, job))
        for index, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _buyers(count, variant, quantity=1):
    ServiceAreaFactory(postal_code="560001")
    buyers = []
    for _ in range(count):
        user = UserFactory()
        address = AddressFactory(user=user, postal_code="560001")
        cart = cart_get_or_create(user=user)
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
        buyers.append((user, address))
    return buyers


def _place(user, address, slot):
    return lambda: order_place(user=user, address=address, slot=slot)


def test_fifty_buyers_for_the_last_ten_units_make_ten_orders():
    variant = ProductVariantFactory(stock=50)
    slot = DeliverySlotFactory(capacity=100)
    buyers = _buyers(BUYERS, variant)
    store_stock_set(variant=variant, quantity=10)

    outcomes = _run_together([_place(user, address, slot) for user, address in buyers])

    orders = [o for o in outcomes if isinstance(o, Order)]
    refusals = [o for o in outcomes if isinstance(o, OutOfStock)]
    assert len(orders) == 10
    assert len(refusals) == 40
    assert all(r.items[0]["available"] == 0 for r in refusals)
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0
    assert Order.objects.count() == 10
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 10


def test_fifty_buyers_for_one_stores_last_ten_leave_the_other_store_alone():
    variant = ProductVariantFactory(stock=0)
    here = DarkStoreFactory()
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code="560095", store=there)
    store_stock_set(variant=variant, quantity=50, store=here)
    store_stock_set(variant=variant, quantity=25, store=there)
    slot = DeliverySlotFactory(store=here, capacity=100)
    buyers = _buyers(BUYERS, variant)
    store_stock_set(variant=variant, quantity=10, store=here)

    outcomes = _run_together([_place(user, address, slot) for user, address in buyers])

    orders = [o for o in outcomes if isinstance(o, Order)]
    refusals = [o for o in outcomes if isinstance(o, OutOfStock)]
    assert len(orders) == 10
    assert len(refusals) == 40
    assert {(r.status_code, r.code) for r in refusals} == {(409, "out_of_stock")}
    assert all(
        (r.items[0]["requested"], r.items[0]["available"]) == (1, 0) for r in refusals
    )
    shelves = dict(
        StoreStock.objects.filter(variant=variant).values_list("store_id", "quantity")
    )
    assert shelves == {here.pk: 0, there.pk: 25}
    assert ProductVariant.objects.get(pk=variant.pk).stock == 25
    assert set(Order.objects.values_list("store_id", flat=True)) == {here.pk}
    assert Order.objects.count() == 10
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 10


def test_fifty_buyers_for_ten_places_in_a_slot_make_ten_orders():
    variant = ProductVariantFactory(stock=500)
    slot = DeliverySlotFactory(capacity=10)
    buyers = _buyers(BUYERS, variant)

    outcomes = _run_together([_place(user, address, slot) for user, address in buyers])

    orders = [o for o in outcomes if isinstance(o, Order)]
    refusals = [o for o in outcomes if isinstance(o, SlotFull)]
    assert len(orders) == 10
    assert len(refusals) == 40
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 10
    # The refused buyers' stock went back with their rolled-back transactions.
    assert ProductVariant.objects.get(pk=variant.pk).stock == 490
    assert Order.objects.count() == 10


def test_cancel_and_expiry_racing_give_stock_back_once():
    variant = ProductVariantFactory(stock=30)
    slot = DeliverySlotFactory(capacity=20)
    buyers = _buyers(10, variant, quantity=3)
    orders = [order_place(user=u, address=a, slot=slot) for u, a in buyers]
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0
    Order.objects.update(payment_due_at=timezone.now() - timedelta(minutes=1))

    jobs = []
    for order in orders:
        jobs.append(lambda order=order: order_cancel(order=order, by=order.user))
        jobs.append(lambda order=order: order_expire_unpaid(order_id=order.pk))
    outcomes = _run_together(jobs)

    assert ProductVariant.objects.get(pk=variant.pk).stock == 30
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 0
    assert set(Order.objects.values_list("status", flat=True)) == {
        OrderStatus.CANCELLED
    }
    for order in orders:
        assert order.history.filter(to_status=OrderStatus.CANCELLED).count() == 1
    # Each pair: exactly one of the two did the cancelling.
    for cancel, expire in zip(outcomes[::2], outcomes[1::2], strict=True):
        cancelled_by_shopper = isinstance(cancel, Order)
        assert cancelled_by_shopper != (expire is True)


def _express_store_with_buyers(count, *, capacity, quantity=1):
    """Two stores, each with 50 of a variant; `count` buyers at the first one,
    which takes `capacity` express orders per window and has a slot."""
    variant = ProductVariantFactory(stock=0)
    here = DarkStoreFactory(express_capacity=capacity)
    there = DarkStoreFactory(name="Koramangala")
    store_stock_set(variant=variant, quantity=50, store=here)
    store_stock_set(variant=variant, quantity=50, store=there)
    slot = DeliverySlotFactory(store=here, capacity=100)
    return variant, here, there, slot, _buyers(count, variant, quantity=quantity)


def _shelves(variant):
    return dict(
        StoreStock.objects.filter(variant=variant).values_list("store_id", "quantity")
    )


def _places_taken(store):
    return store_load(
        store_id=store.pk, since=timezone.now() - timedelta(hours=1)
    ).express_taken


def _place_express(user, address):
    return lambda: order_place(user=user, address=address, express=True)


def test_thirty_shoppers_for_ten_express_places_make_ten_express_orders():
    # Each shopper buys a variant of their own, so no variant lock queues them:
    # only the express booking stands between them.
    here = DarkStoreFactory(express_capacity=10)
    there = DarkStoreFactory(name="Koramangala")
    slot = DeliverySlotFactory(store=here, capacity=100)
    ServiceAreaFactory(postal_code="560001", store=here)
    buyers, variants = [], []
    for _ in range(30):
        variant = ProductVariantFactory(stock=0)
        store_stock_set(variant=variant, quantity=5, store=here)
        store_stock_set(variant=variant, quantity=5, store=there)
        user = UserFactory()
        cart_line_add(
            cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=1
        )
        buyers.append((user, AddressFactory(user=user, postal_code="560001")))
        variants.append(variant)

    outcomes = _run_together([_place_express(user, addr) for user, addr in buyers])

    orders = [o for o in outcomes if isinstance(o, Order)]
    refusals = [o for o in outcomes if isinstance(o, ExpressUnavailable)]
    assert len(orders) == 10
    assert len(refusals) == 20
    assert {(r.status_code, r.code) for r in refusals} == {(409, "express_full")}
    # Each refusal offers the store's slot instead.
    assert all([s["id"] for s in r.extra["slots"]] == [slot.pk] for r in refusals)
    assert Order.objects.filter(delivery_kind=DeliveryKind.EXPRESS).count() == 10
    assert Order.objects.count() == 10
    assert _places_taken(here) == 10
    # The refused shoppers' stock went back with their rolled-back transactions.
    shelves = StoreStock.objects.filter(variant__in=variants)
    assert sum(shelves.filter(store=here).values_list("quantity", flat=True)) == 140
    assert sum(shelves.filter(store=there).values_list("quantity", flat=True)) == 150
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 0


def test_cancel_and_expiry_racing_give_express_places_and_stock_back_once():
    variant, here, there, _slot, buyers = _express_store_with_buyers(
        5, capacity=5, quantity=3
    )
    orders = [order_place(user=u, address=a, express=True) for u, a in buyers]
    assert _places_taken(here) == 5
    assert _shelves(variant) == {here.pk: 35, there.pk: 50}
    Order.objects.update(payment_due_at=timezone.now() - timedelta(minutes=1))

    jobs = []
    for order in orders:
        jobs.append(lambda order=order: order_cancel(order=order, by=order.user))
        jobs.append(lambda order=order: order_expire_unpaid(order_id=order.pk))
    outcomes = _run_together(jobs)

    assert _shelves(variant) == {here.pk: 50, there.pk: 50}
    assert ProductVariant.objects.get(pk=variant.pk).stock == 100
    assert _places_taken(here) == 0
    for order in orders:
        assert order.history.filter(to_status=OrderStatus.CANCELLED).count() == 1
    for cancel, expire in zip(outcomes[::2], outcomes[1::2], strict=True):
        assert isinstance(cancel, Order) != (expire is True)


def test_refund_and_cancel_racing_give_an_express_place_and_stock_back_once(
    settings,
):
    settings.SHOP_OFFLINE_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = ""
    staff = UserFactory(is_staff=True, is_superuser=True)
    variant, here, there, _slot, buyers = _express_store_with_buyers(
        4, capacity=4, quantity=2
    )
    orders = []
    for user, address in buyers:
        order = order_place(user=user, address=address, express=True)
        Payment.objects.create(
            order=order,
            provider=Payment.Provider.OFFLINE,
            intent_id=f"offline_{order.number}",
            amount=order.total,
            currency=order.currency,
            status=Payment.Status.SUCCEEDED,
        )
        orders.append(order_status_change(order=order, to_status=OrderStatus.PAID))
    assert _places_taken(here) == 4

    jobs = []
    for order in orders:
        jobs.append(lambda order=order: payment_refund(order=order, by=staff))
        jobs.append(lambda order=order: order_cancel(order=order, by=order.user))
    _run_together(jobs)

    assert _shelves(variant) == {here.pk: 50, there.pk: 50}
    assert ProductVariant.objects.get(pk=variant.pk).stock == 100
    assert _places_taken(here) == 0
    for order in orders:
        order.refresh_from_db()
        assert order.refunded_amount == order.total
        assert order.refunds.count() == 1


def test_the_same_idempotency_key_twice_at_once_places_one_order():
    variant = ProductVariantFactory(stock=10)
    slot = DeliverySlotFactory(capacity=10)
    [(user, address)] = _buyers(1, variant, quantity=2)

    def place():
        return order_place(
            user=user, address=address, slot=slot, idempotency_key="double-click"
        )

    outcomes = _run_together([place] * 5)

    assert all(isinstance(o, Order) for o in outcomes)
    assert len({o.pk for o in outcomes}) == 1
    assert sum(o.placed_now for o in outcomes) == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 1


def _slot_admin_post(staff, slot, capacity):
    """Save the slot's admin change form with a new capacity; follow the answer."""
    client = Client()
    client.force_login(staff)
    starts_at = timezone.localtime(slot.starts_at)
    ends_at = timezone.localtime(slot.ends_at)
    return client.post(
        f"/admin/orders/deliveryslot/{slot.pk}/change/",
        {
            "starts_at_0": starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": starts_at.strftime("%H:%M:%S"),
            "ends_at_0": ends_at.strftime("%Y-%m-%d"),
            "ends_at_1": ends_at.strftime("%H:%M:%S"),
            "capacity": capacity,
            "is_active": "on",
        },
        follow=True,
    )


def _booking_held_open(slot, held):
    """Book the slot and keep the transaction open while the admin saves."""

    def book():
        with transaction.atomic():
            delivery_slot_book(slot_id=slot.pk)
            held.set()
            # Long enough for the admin request to read the row and then
            # wait on the lock this booking holds.
            time.sleep(1.5)

    return book


def _admin_save_after(held, staff, slot, capacity):
    def save():
        held.wait(timeout=10)
        return _slot_admin_post(staff, slot, capacity)

    return save


def test_a_booking_during_an_admin_capacity_edit_is_kept():
    staff = UserFactory(is_staff=True, is_superuser=True)
    slot = DeliverySlotFactory(capacity=20)
    held = threading.Event()

    _booked, response = _run_together(
        [_booking_held_open(slot, held), _admin_save_after(held, staff, slot, 25)]
    )

    assert response.redirect_chain == [("/admin/orders/deliveryslot/", 302)]
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (25, 1)


def test_an_admin_capacity_below_a_booking_that_committed_first_is_refused():
    staff = UserFactory(is_staff=True, is_superuser=True)
    slot = DeliverySlotFactory(capacity=20)
    delivery_slot_book(slot_id=slot.pk)
    held = threading.Event()

    _booked, response = _run_together(
        [_booking_held_open(slot, held), _admin_save_after(held, staff, slot, 1)]
    )

    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (20, 2)
    change_page = f"/admin/orders/deliveryslot/{slot.pk}/change/"
    assert response.redirect_chain == [(change_page, 302)]
    page = response.content.decode()
    assert "2 orders already booked this slot; the capacity cannot be lower." in page
    assert "was changed successfully" not in page
