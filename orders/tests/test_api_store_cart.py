"""The cart API reads the cart at the default address's store and says which."""

import pytest

from accounts.models import Address
from accounts.tests.factories import AddressFactory
from catalog.tests.factories import ProductVariantFactory
from orders.models import CartLine
from orders.services.cart import cart_get_or_create, cart_line_add
from orders.tests.factories import DarkStoreFactory, ServiceAreaFactory, store_stock_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(area):
    here = area.store
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code="560095", name="Koramangala", store=there)
    return here, there


@pytest.fixture
def scarce(stores):
    """Three at Indiranagar (560001), eight at Koramangala (560095)."""
    here, there = stores
    variant = ProductVariantFactory(stock=0)
    store_stock_set(variant=variant, quantity=3, store=here)
    store_stock_set(variant=variant, quantity=8, store=there)
    return variant


def _add(client, variant, quantity):
    return client.post(
        "/api/v1/cart/items/",
        {"variant": variant.pk, "quantity": quantity},
        format="json",
    )


def test_the_cart_names_the_default_addresss_store(auth_api_client, user, stores):
    AddressFactory(user=user, postal_code="560095", is_default=True)

    body = auth_api_client.get("/api/v1/cart/").json()

    assert body["store"] == {
        "id": stores[1].pk,
        "name": "Koramangala",
        "postal_code": "560095",
        "area_name": "Koramangala",
    }
    assert body["unavailable"] == []


@pytest.mark.parametrize(("postal_code", "kept"), [("560001", 3), ("560095", 6)])
def test_add_is_capped_by_the_default_addresss_store(
    auth_api_client, user, scarce, postal_code, kept
):
    AddressFactory(user=user, postal_code=postal_code, is_default=True)

    body = _add(auth_api_client, scarce, 6).json()

    assert CartLine.objects.get().quantity == kept
    assert body["lines"][0]["max_quantity"] == (3 if kept == 3 else 8)
    assert bool(body["messages"]) is (kept == 3)


def test_a_v1_client_without_a_served_address_keeps_working(auth_api_client, scarce):
    body = _add(auth_api_client, scarce, 6).json()

    # No store yet: any shelf counts (3 + 8), and placing the order checks.
    assert body["store"] is None
    assert body["lines"][0]["quantity"] == 6
    assert body["lines"][0]["max_quantity"] == 11


def test_lines_the_store_lacks_are_set_apart_outside_the_totals(
    auth_api_client, user, stores, scarce
):
    _here, there = stores
    elsewhere = ProductVariantFactory(stock=0, price="99.00", mrp="99.00")
    store_stock_set(variant=elsewhere, quantity=5, store=there)
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=scarce.pk, quantity=1)
    cart_line_add(cart=cart, variant_id=elsewhere.pk, quantity=2, store_id=there.pk)
    AddressFactory(user=user, postal_code="560001", is_default=True)

    body = auth_api_client.get("/api/v1/cart/").json()

    assert [line["variant"] for line in body["lines"]] == [scarce.pk]
    assert [
        (u["variant"], u["quantity"], u["max_quantity"]) for u in body["unavailable"]
    ] == [(elsewhere.pk, 2, 0)]
    assert body["subtotal"] == "40.00"
    assert CartLine.objects.count() == 2
    # The default address moves to Koramangala: the line is back in the bill.
    Address.objects.filter(user=user).update(postal_code="560095")
    assert auth_api_client.get("/api/v1/cart/").json()["subtotal"] == "238.00"
