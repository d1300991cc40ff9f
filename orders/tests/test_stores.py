"""Dark stores: each store's shelf, the codes it serves, and the one stock rule."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.tests.factories import AddressFactory
from catalog.models import ProductVariant
from catalog.tests.factories import ProductVariantFactory
from orders.errors import OutOfStock
from orders.models import Order, OrderStatus, StoreStock
from orders.services.cancellation import order_cancel, order_expire_unpaid
from orders.services.placement import order_place
from orders.services.stock import store_stock_adjust
from orders.stores.shopper import shopper_of
from orders.tests.factories import (
    DarkStoreFactory,
    DeliverySlotFactory,
    ServiceAreaFactory,
    store_stock_set,
)
from shop.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


def _shelf(store, variant):
    return StoreStock.objects.values_list("quantity", flat=True).get(
        store=store, variant=variant
    )


def _total(variant):
    return ProductVariant.objects.values_list("stock", flat=True).get(pk=variant.pk)


@pytest.fixture
def two_stores():
    """Indiranagar serves 560001 (the `area` fixture's code), Koramangala 560095."""
    here = DarkStoreFactory()
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code="560095", name="Koramangala", store=there)
    return here, there


@pytest.fixture
def stocked(two_stores):
    here, there = two_stores
    variant = ProductVariantFactory(stock=0)
    store_stock_set(variant=variant, quantity=4, store=here)
    store_stock_set(variant=variant, quantity=9, store=there)
    return variant


def test_a_shelf_never_goes_below_zero(stocked, two_stores):
    here, _there = two_stores

    with pytest.raises(IntegrityError), transaction.atomic():
        StoreStock.objects.filter(store=here, variant=stocked).update(
            quantity=F("quantity") - 5
        )

    assert _shelf(here, stocked) == 4


def test_a_store_has_one_row_per_variant(stocked, two_stores):
    here, _there = two_stores

    with pytest.raises(IntegrityError), transaction.atomic():
        StoreStock.objects.create(store=here, variant=stocked, quantity=1)


def test_placing_takes_from_the_store_serving_the_address(
    user, address, slot, stocked, two_stores, fill_cart
):
    here, there = two_stores
    fill_cart(user, (stocked, 3))

    order = order_place(user=user, address=address, slot=slot)

    assert order.store == here
    assert (_shelf(here, stocked), _shelf(there, stocked)) == (1, 9)
    assert _total(stocked) == 10


def test_the_serving_store_short_refuses_though_another_has_it(
    user, address, slot, stocked, two_stores, fill_cart
):
    here, there = two_stores
    fill_cart(user, (stocked, 5))

    with pytest.raises(OutOfStock) as caught:
        order_place(user=user, address=address, slot=slot)

    assert [(i["requested"], i["available"]) for i in caught.value.extra["items"]] == [
        (5, 4)
    ]
    assert (_shelf(here, stocked), _shelf(there, stocked)) == (4, 9)
    assert not Order.objects.exists()


def test_cancelling_gives_back_to_the_same_store_once(
    user, address, slot, stocked, two_stores, fill_cart
):
    here, there = two_stores
    fill_cart(user, (stocked, 3))
    order = order_place(user=user, address=address, slot=slot)

    order_cancel(order=order, by=user)
    Order.objects.filter(pk=order.pk).update(
        status=OrderStatus.PENDING_PAYMENT,
        payment_due_at=timezone.now() - timedelta(minutes=1),
    )
    order_expire_unpaid(order_id=order.pk)

    assert (_shelf(here, stocked), _shelf(there, stocked)) == (4, 9)
    assert _total(stocked) == 13


def test_a_slot_of_another_store_is_refused(
    user, address, stocked, two_stores, fill_cart
):
    _here, there = two_stores
    fill_cart(user, (stocked, 1))
    elsewhere = DeliverySlotFactory(store=there)

    with pytest.raises(DomainError) as caught:
        order_place(user=user, address=address, slot=elsewhere)

    assert caught.value.code == "slot_unavailable"
    assert _shelf(there, stocked) == 9
    assert not Order.objects.exists()


def test_a_code_of_a_closed_store_is_not_served(user, slot, stocked, fill_cart):
    area = ServiceAreaFactory(postal_code="560038", store=DarkStoreFactory(name="Shut"))
    area.store.is_active = False
    area.store.save()
    fill_cart(user, (stocked, 1))

    with pytest.raises(DomainError) as caught:
        order_place(
            user=user,
            address=AddressFactory(user=user, postal_code="560038"),
            slot=slot,
        )

    assert caught.value.code == "not_serviceable"


def test_staff_see_each_store_with_its_codes(client, staff_user, area, two_stores):
    client.force_login(staff_user)

    page = client.get("/admin/orders/darkstore/").content.decode()

    assert "Koramangala" in page
    assert "560095" in page
    assert "560001" in page


def test_staff_change_a_shelf_by_a_count_keeping_sales_made_meanwhile(
    user, address, slot, stocked, two_stores, fill_cart
):
    here, there = two_stores
    # An order takes 3 while the staff member counts the delivery of 24.
    fill_cart(user, (stocked, 3))
    order_place(user=user, address=address, slot=slot)

    shelf = store_stock_adjust(store_id=here.pk, variant_id=stocked.pk, delta=24)

    assert (shelf.quantity, _shelf(there, stocked)) == (25, 9)
    assert _total(stocked) == 34


def test_a_shelf_cannot_lose_more_than_it_has(stocked, two_stores):
    here, _there = two_stores

    with pytest.raises(Conflict) as caught:
        store_stock_adjust(store_id=here.pk, variant_id=stocked.pk, delta=-5)

    assert caught.value.code == "stock_below_zero"
    assert caught.value.message == (
        f"The store has 4 of {stocked.sku}; it cannot lose 5."
    )
    assert (_shelf(here, stocked), _total(stocked)) == (4, 13)


def test_the_admin_stocks_a_new_shelf_and_refuses_a_shelf_below_zero(
    client, staff_user, stocked, two_stores
):
    _here, there = two_stores
    fresh = ProductVariantFactory(stock=0)
    client.force_login(staff_user)

    added = client.post(
        "/admin/orders/storestock/add/",
        {"store": str(there.pk), "sku": fresh.sku, "change_by": "6"},
    )
    row = StoreStock.objects.get(store=there, variant=stocked)
    refused = client.post(
        f"/admin/orders/storestock/{row.pk}/change/",
        {"seen": "9", "change_by": "-10"},
    )

    assert added.status_code == 302
    assert (_shelf(there, fresh), _total(fresh)) == (6, 6)
    assert refused.status_code == 200
    assert "The shelf has 9 now; it cannot lose 10." in refused.content.decode()
    assert _shelf(there, stocked) == 9


def test_the_admin_refuses_a_count_beyond_any_delivery(
    client, staff_user, stocked, two_stores
):
    _here, there = two_stores
    row = StoreStock.objects.get(store=there, variant=stocked)
    client.force_login(staff_user)

    response = client.post(
        f"/admin/orders/storestock/{row.pk}/change/",
        {"change_by": "99999999999999999999"},
    )

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100000." in (
        response.content.decode()
    )
    assert _shelf(there, stocked) == 9


def test_the_api_lists_the_slots_of_the_store_serving_the_code(
    api_client, area, two_stores
):
    here, there = two_stores
    mine = DeliverySlotFactory(store=here)
    DeliverySlotFactory(store=there)

    response = api_client.get("/api/v1/delivery/slots/?postal_code=560001")

    assert response.status_code == 200
    assert [slot["id"] for slot in response.json()["slots"]] == [mine.pk]


def test_a_code_of_a_closed_store_is_refused_by_the_api(api_client, two_stores):
    _here, there = two_stores
    there.is_active = False
    there.save()

    slots = api_client.get("/api/v1/delivery/slots/?postal_code=560095")
    check = api_client.get("/api/v1/delivery/serviceability/?postal_code=560095")

    assert (slots.status_code, slots.json()["code"]) == (404, "not_serviceable")
    assert (check.status_code, check.json()["serviceable"]) == (200, False)


def test_an_order_has_a_slot_exactly_when_it_is_a_slot_order(user, address, two_stores):
    store, slot = two_stores[0], DeliverySlotFactory(store=two_stores[0])
    fields = {
        "number": "FC1",
        "user": user,
        "email": user.email,
        "address": {},
        "postal_code": "560001",
        "store": store,
        "subtotal": 0,
        "delivery_fee": 0,
        "total": 0,
        "currency": "INR",
        "payment_due_at": timezone.now(),
    }

    for kind, slot_given in (("express", slot), ("slot", None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Order.objects.create(delivery_kind=kind, slot=slot_given, **fields)


def test_the_shopper_shops_at_the_store_serving_the_session_pin_code(
    client, two_stores, django_assert_num_queries
):
    client.post("/delivery/area/", {"postal_code": "560095"})
    request = client.get("/cart/").wsgi_request
    request.shopper = None
    shopper = shopper_of(request)

    with django_assert_num_queries(1):
        assert (shopper.postal_code, shopper.store_id) == ("560095", two_stores[1].pk)
        assert shopper.area.name == "Koramangala"


def test_without_a_pin_code_the_shopper_has_no_store(rf, django_assert_num_queries):
    request = rf.get("/")
    request.session = SessionStore()

    with django_assert_num_queries(0):
        assert shopper_of(request).store_id is None
