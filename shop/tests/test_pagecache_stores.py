"""The page cache by store: orders leave pages they change nothing on cached.

A shopper with a PIN code, a cart or a login is served the copy their
store's shoppers share, with their own header and steppers filled in. A
stock move invalidates a store's pages only when it changes what they show,
and only that store's. Transactional, like test_pagecache: the generations
move when the writer commits.
"""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AddressFactory
from catalog.models import ProductVariant
from catalog.services import variant_save
from catalog.tests.factories import ProductFactory, ProductVariantFactory
from orders.models import StoreStock
from orders.selectors import SESSION_POSTAL_CODE_KEY
from orders.services.cart import cart_get_or_create, cart_line_add
from orders.services.placement import order_place
from orders.services.stock import store_stock_adjust
from orders.tests.factories import (
    DarkStoreFactory,
    DeliverySlotFactory,
    ServiceAreaFactory,
    store_stock_set,
)
from shop.pagecache import (
    CACHE_STATUS_HEADER,
    AnonymousPageCacheMiddleware,
    page_generation,
)

pytestmark = pytest.mark.django_db(transaction=True)

CATEGORY = "/c/dairy/"


@pytest.fixture
def stores(variant):
    """Stores A (PIN 560001) and B (560002), 50 of the milk on each shelf."""
    store_a = DarkStoreFactory(name="Store A")
    store_b = DarkStoreFactory(name="Store B")
    ServiceAreaFactory(postal_code="560001", store=store_a)
    ServiceAreaFactory(postal_code="560002", name="Koramangala", store=store_b)
    store_stock_set(variant=variant, quantity=50, store=store_a)
    store_stock_set(variant=variant, quantity=50, store=store_b)
    return store_a, store_b


def _shopper(postal_code: str, user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    session = client.session
    session[SESSION_POSTAL_CODE_KEY] = postal_code
    session.save()
    return client


def _get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def _order_at(store, user, variant, quantity: int):
    address = AddressFactory(user=user, postal_code="560001")
    slot = DeliverySlotFactory(store=store, capacity=20)
    cart_line_add(
        cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=quantity
    )
    return order_place(user=user, address=address, slot=slot)


# A shopper of a store served from the shared copy runs two queries: the
# service area of their PIN code (their store) and the generations.
SERVED_WITH_A_STORE = 2


def test_store_shoppers_are_served_the_stores_copy(stores):
    _shopper("560002").get(CATEGORY)

    response, queries = _get(_shopper("560002"), CATEGORY)

    assert queries == SERVED_WITH_A_STORE
    assert "Toned Milk" in response.text
    assert "Koramangala" in response.text


def test_copies_are_kept_apart_by_store(stores):
    generation_a = page_generation(stores[0].pk)
    generation_b = page_generation(stores[1].pk)

    assert generation_a != generation_b
    assert generation_a.split(".")[:2] == generation_b.split(".")[:2]


def test_order_at_one_store_leaves_every_cached_page_alone(stores, user, variant):
    store_a, store_b = stores
    _shopper("560002").get(CATEGORY)
    _shopper("560001").get(CATEGORY)
    Client().get(CATEGORY)
    before = {s: page_generation(s) for s in (None, store_a.pk, store_b.pk)}

    _order_at(store_a, user, variant, 2)

    assert StoreStock.objects.get(store=store_a, variant=variant).quantity == 48
    assert {s: page_generation(s) for s in before} == before
    assert _get(_shopper("560002"), CATEGORY)[1] == SERVED_WITH_A_STORE
    assert _get(_shopper("560001"), CATEGORY)[1] == SERVED_WITH_A_STORE
    assert _get(Client(), CATEGORY)[1] == 1


def test_order_emptying_a_shelf_invalidates_that_store_only(stores, user, variant):
    store_a, store_b = stores
    store_stock_set(variant=variant, quantity=2, store=store_a)
    _shopper("560002").get(CATEGORY)
    _shopper("560001").get(CATEGORY)
    before = {s: page_generation(s) for s in (None, store_a.pk, store_b.pk)}

    _order_at(store_a, user, variant, 2)

    after = {s: page_generation(s) for s in before}
    assert after[store_a.pk] != before[store_a.pk]
    assert after[store_b.pk] == before[store_b.pk]
    # The shop-wide sum went from 52 to 50: still "In stock" to a visitor
    # without a store.
    assert after[None] == before[None]
    assert _get(_shopper("560002"), CATEGORY)[1] == SERVED_WITH_A_STORE
    assert _get(_shopper("560001"), CATEGORY)[1] > SERVED_WITH_A_STORE


def test_shelf_moves_bump_only_when_pages_show_the_change(stores, variant):
    store_a, store_b = stores
    store_stock_set(variant=variant, quantity=8, store=store_a)
    generation = page_generation(store_a.pk)
    generation_b = page_generation(store_b.pk)

    store_stock_adjust(store_id=store_a.pk, variant_id=variant.pk, delta=-1)
    after_8_to_7 = page_generation(store_a.pk)
    store_stock_adjust(store_id=store_a.pk, variant_id=variant.pk, delta=-2)

    assert after_8_to_7 == generation  # "In stock" both times
    assert page_generation(store_a.pk) != generation  # now "Only 5 left"
    assert page_generation(store_b.pk) == generation_b


def test_shop_wide_sum_reaching_few_invalidates_storeless_pages(variant):
    generation = page_generation()
    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") - 4)
    after_10_to_6 = page_generation()

    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") - 1)

    assert after_10_to_6 == generation
    assert page_generation() != generation
    assert "Only 5 left" in Client().get("/p/toned-milk/").text


def test_price_change_invalidates_every_store(stores, variant):
    store_a, store_b = stores
    before = {s: page_generation(s) for s in (None, store_a.pk, store_b.pk)}
    _shopper("560002").get(CATEGORY)

    variant.price = Decimal("25.00")
    variant_save(variant=variant, changed=["price"])

    assert all(page_generation(s) != before[s] for s in before)
    response = _shopper("560002").get(CATEGORY)
    assert "₹25" in response.text
    assert "₹30" not in response.text


# Signed in with a cart, served from the store's copy: the session's user,
# the service area, the generations and the cart's lines.
SERVED_SIGNED_IN = 4


def test_signed_in_shopper_gets_their_own_parts_in_the_shared_copy(
    stores, user, variant
):
    other = ProductVariantFactory(
        product=ProductFactory(
            name="Curd", slug="curd", category=variant.product.category
        ),
        price=Decimal("40.00"),
        mrp=Decimal("40.00"),
    )
    store_stock_set(variant=other, quantity=30, store=stores[1])
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    _shopper("560002").get(CATEGORY)

    response, queries = _get(_shopper("560002", user=user), CATEGORY)

    assert queries == SERVED_SIGNED_IN
    text = response.text
    assert user.get_short_name() in text
    assert 'href="/orders/">Orders</a>' in text
    assert "data-cart-count>2<" in text
    # The milk in the cart has its stepper, the curd its ADD button.
    assert 'aria-label="2 in cart"' in text
    assert 'aria-label="Add Curd to cart"' in text
    assert 'aria-label="Add Toned Milk to cart"' not in text
    assert "Koramangala" in text
    assert "<!--personal" not in text


def test_shared_copy_holds_nothing_of_the_shopper_who_rendered_it(
    stores, user, variant
):
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    client = _shopper("560002", user=user)
    client.get(CATEGORY)
    request = RequestFactory().get(CATEGORY)
    key = AnonymousPageCacheMiddleware(lambda r: None)._key(
        request, page_generation(stores[1].pk), "shared"
    )

    _status, _headers, body = cache.get(key)

    assert user.get_short_name().encode() not in body
    assert b"in cart" not in body
    assert b"Koramangala" not in body
    assert b'aria-label="Add Toned Milk to cart"' in body


def test_stepper_posts_from_a_filled_page(stores, user, variant):
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    _shopper("560002").get(CATEGORY)
    client = _shopper("560002", user=user)
    client.handler.enforce_csrf_checks = True
    page = client.get(CATEGORY).text
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        "/cart/set/",
        {
            "csrfmiddlewaretoken": token,
            "variant": variant.pk,
            "quantity": 3,
            "next": CATEGORY,
        },
    )

    assert response.status_code == 302
    assert "data-cart-count>3<" in client.get(CATEGORY).text


# The product page adds whether the shopper reviewed it and may review it.
SERVED_PRODUCT_SIGNED_IN = SERVED_SIGNED_IN + 2


def test_product_page_shared_with_the_shoppers_own_parts(stores, user, variant):
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    _shopper("560002").get("/p/toned-milk/")

    response, queries = _get(_shopper("560002", user=user), "/p/toned-milk/")

    assert queries == SERVED_PRODUCT_SIGNED_IN
    assert response["X-Page-Cache"] == "hit"
    text = response.text
    assert "2 in cart" in text
    assert "Delivery in about 10 minutes to 560002" in text
    assert "Your store (560002) has 500 g." in text
    assert "once an order of it has been delivered to you" in text
    assert "to review products you have bought" not in text


def test_product_page_of_an_anonymous_store_shopper(stores, user, variant):
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    _shopper("560002", user=user).get("/p/toned-milk/")

    response, queries = _get(_shopper("560002"), "/p/toned-milk/")

    assert queries == SERVED_WITH_A_STORE
    assert "in cart" not in response.text
    assert "Your store (560002) has 500 g." in response.text
    assert "to review products you have bought" in response.text


def _brands(page: str) -> dict[str, str]:
    """The brand facet of a listing page: {brand: count shown}."""
    return dict(
        re.findall(
            r'name="brand" value="([^"]+)"> <span>[^<]+</span> '
            r'<span class="count">(\d+)</span>',
            page,
        )
    )


def test_a_stock_move_renders_the_page_again_but_not_its_brand_facet(variant):
    first, _queries = _get(Client(), CATEGORY)
    ProductVariant.objects.filter(pk=variant.pk).update(stock=0)

    again, again_queries = _get(Client(), CATEGORY)

    assert again[CACHE_STATUS_HEADER] == "miss"
    assert "Out of stock" in again.text
    # The facet counts what is sold, in stock or not.
    assert _brands(again.text) == _brands(first.text) == {"Farm Fresh": "1"}
    # The generations, the page's ids, its products and their variants: no
    # brand counts.
    assert again_queries == 4


def test_a_catalogue_write_counts_the_brands_again(variant):
    _get(Client(), CATEGORY)
    ProductVariantFactory(
        product=ProductFactory(
            name="Curd", brand="Amul", category=variant.product.category
        )
    )

    page, _queries = _get(Client(), CATEGORY)

    assert _brands(page.text) == {"Amul": "1", "Farm Fresh": "1"}


def test_with_a_stock_filter_the_brands_follow_the_shelves(variant):
    Client().get(f"{CATEGORY}?in_stock=true")
    ProductVariant.objects.filter(pk=variant.pk).update(stock=0)

    page, _queries = _get(Client(), f"{CATEGORY}?in_stock=true")

    assert _brands(page.text) == {}
