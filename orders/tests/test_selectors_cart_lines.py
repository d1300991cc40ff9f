"""`cart_lines_quick`, the header's count of a cart, written out in SQL."""

from decimal import Decimal

import pytest

from catalog.tests.factories import ProductVariantFactory
from orders.models import Cart, CartLine
from orders.selectors import cart_lines_quick
from orders.tests.factories import DarkStoreFactory, store_stock_set

pytestmark = pytest.mark.django_db


def _line(cart, variant, quantity):
    return CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)


@pytest.fixture
def cart(user):
    return Cart.objects.create(user=user)


def test_a_users_lines_come_in_the_order_they_were_added(user, cart):
    first = ProductVariantFactory(price=Decimal("40.50"))
    second = ProductVariantFactory(price=Decimal("7.25"))
    _line(cart, first, 2)
    _line(cart, second, 1)

    assert cart_lines_quick(user_id=user.pk) == [
        (first.pk, 2, Decimal("40.50")),
        (second.pk, 1, Decimal("7.25")),
    ]


def test_prices_are_decimals_of_two_places(user, cart):
    _line(cart, ProductVariantFactory(price=Decimal("55.10"), mrp=Decimal("60.00")), 1)

    ((_variant, _quantity, price),) = cart_lines_quick(user_id=user.pk)

    assert isinstance(price, Decimal)
    assert price.as_tuple().exponent == -2
    assert price == Decimal("55.10")


def test_a_visitors_cart_is_found_by_session_key(cart):
    visitor = Cart.objects.create(session_key="visitor-key")
    theirs = ProductVariantFactory()
    _line(visitor, theirs, 3)
    _line(cart, ProductVariantFactory(), 1)

    assert cart_lines_quick(session_key="visitor-key") == [(theirs.pk, 3, theirs.price)]


def test_a_session_key_never_reads_a_users_cart(user, cart):
    # A cart kept the key of the visitor who signed in.
    Cart.objects.filter(pk=cart.pk).update(session_key="their-old-key")
    _line(cart, ProductVariantFactory(), 1)

    assert cart_lines_quick(session_key="their-old-key") == []
    assert len(cart_lines_quick(user_id=user.pk)) == 1


def test_without_user_or_session_key_there_are_no_lines(user, cart):
    _line(cart, ProductVariantFactory(), 1)

    assert cart_lines_quick() == []
    assert cart_lines_quick(session_key="") == []


def test_someone_elses_cart_is_not_read(user, other_user, cart):
    _line(cart, ProductVariantFactory(), 1)

    assert cart_lines_quick(user_id=other_user.pk) == []


def test_inactive_variants_and_products_are_left_out(user, cart):
    kept = ProductVariantFactory()
    variant_off = ProductVariantFactory(is_active=False)
    product_off = ProductVariantFactory()
    product_off.product.is_active = False
    product_off.product.save()
    for variant in (kept, variant_off, product_off):
        _line(cart, variant, 1)

    assert [row[0] for row in cart_lines_quick(user_id=user.pk)] == [kept.pk]


def test_lines_the_store_has_none_of_are_set_apart(user, cart):
    # Not the store the factories stock.
    store = DarkStoreFactory(name="Whitefield")
    on_shelf = ProductVariantFactory()
    sold_out = ProductVariantFactory()
    never_stocked = ProductVariantFactory()
    store_stock_set(variant=on_shelf, quantity=4, store=store)
    store_stock_set(variant=sold_out, quantity=0, store=store)
    for variant in (on_shelf, sold_out, never_stocked):
        _line(cart, variant, 1)

    assert [row[0] for row in cart_lines_quick(user_id=user.pk, store_id=store.pk)] == [
        on_shelf.pk
    ]
    assert len(cart_lines_quick(user_id=user.pk)) == 3
