import pytest
from django.test import override_settings

from catalog.tests.factories import ProductVariantFactory
from orders.models import Cart, CartLine
from orders.selectors import cart_lines_for_display
from orders.services.cart import (
    cart_clean,
    cart_get_or_create,
    cart_line_add,
    cart_line_remove,
    cart_line_set,
    cart_merge,
)
from orders.tests.factories import store_stock_set
from shop.errors import Conflict, DomainError, NotFound

pytestmark = pytest.mark.django_db


def _quantities(cart):
    return dict(
        CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity")
    )


def test_cart_get_or_create_returns_the_same_cart_twice(user):
    assert cart_get_or_create(user=user) == cart_get_or_create(user=user)
    assert Cart.objects.count() == 1


def test_adding_twice_adds_up(user, variant):
    cart = cart_get_or_create(user=user)

    cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)
    change = cart_line_add(cart=cart, variant_id=variant.pk, quantity=3)

    assert change.quantity == 5
    assert change.message == ""
    assert _quantities(cart) == {variant.pk: 5}


def test_adding_beyond_stock_caps_and_says_so(user, variant):
    cart = cart_get_or_create(user=user)

    change = cart_line_add(cart=cart, variant_id=variant.pk, quantity=11)

    assert change.quantity == 10
    assert change.message.startswith("Only 10 of")
    assert _quantities(cart) == {variant.pk: 10}


@override_settings(SHOP_MAX_LINE_QUANTITY=3)
def test_adding_beyond_the_line_maximum_caps_and_says_so(user, variant):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)

    change = cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)

    assert change.quantity == 3
    assert "at most 3" in change.message


@pytest.mark.parametrize("quantity", [0, -1, 51, 10**12, "2", 1.5, True, None])
def test_add_refuses_quantities_that_are_not_1_to_the_maximum(user, variant, quantity):
    cart = cart_get_or_create(user=user)

    with pytest.raises(DomainError) as caught:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)

    assert caught.value.code == "invalid"
    assert _quantities(cart) == {}


def test_add_of_an_unknown_variant_is_not_found(user):
    cart = cart_get_or_create(user=user)

    with pytest.raises(NotFound):
        cart_line_add(cart=cart, variant_id=987654, quantity=1)


def test_add_of_an_inactive_product_is_refused(user):
    variant = ProductVariantFactory(product__is_active=False)
    cart = cart_get_or_create(user=user)

    with pytest.raises(Conflict) as caught:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)

    assert caught.value.code == "unavailable"
    assert _quantities(cart) == {}


def test_add_of_a_sold_out_variant_is_refused(user):
    variant = ProductVariantFactory(stock=0)
    cart = cart_get_or_create(user=user)

    with pytest.raises(Conflict) as caught:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)

    assert caught.value.code == "out_of_stock"
    assert _quantities(cart) == {}


def test_set_replaces_the_quantity(user, variant):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=4)

    change = cart_line_set(cart=cart, variant_id=variant.pk, quantity=2)

    assert change.quantity == 2
    assert _quantities(cart) == {variant.pk: 2}


def test_set_zero_removes_even_an_inactive_variant(user, variant):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=4)
    variant.is_active = False
    variant.save()

    change = cart_line_set(cart=cart, variant_id=variant.pk, quantity=0)

    assert change.line is None
    assert _quantities(cart) == {}


def test_remove_of_another_carts_line_is_not_found(user, other_user, variant):
    theirs = cart_get_or_create(user=other_user)
    line = cart_line_add(cart=theirs, variant_id=variant.pk, quantity=1).line

    with pytest.raises(NotFound):
        cart_line_remove(cart=cart_get_or_create(user=user), line_id=line.pk)

    assert _quantities(theirs) == {variant.pk: 1}


def test_clean_drops_unsellable_sets_sold_out_aside_and_caps_the_rest(user):
    cart = cart_get_or_create(user=user)
    gone = ProductVariantFactory(stock=5)
    sold_out = ProductVariantFactory(stock=5)
    fell = ProductVariantFactory(stock=5)
    fine = ProductVariantFactory(stock=5)
    for variant in (gone, sold_out, fell, fine):
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=4)
    ProductVariantFactory._meta.model.objects.filter(pk=gone.pk).update(is_active=False)
    store_stock_set(variant=sold_out, quantity=0)
    store_stock_set(variant=fell, quantity=2)

    kept, unavailable, notes = cart_clean(lines=cart_lines_for_display(cart=cart))

    assert [line.variant_id for line in kept] == [fell.pk, fine.pk]
    # Sold out stays in the cart, untouched, for when the shelf fills again.
    assert [line.variant_id for line in unavailable] == [sold_out.pk]
    assert _quantities(cart) == {sold_out.pk: 4, fell.pk: 2, fine.pk: 4}
    assert len(notes) == 2
    assert "no longer available" in notes[0]
    assert "Only 2 of" in notes[1]


# MERGE AT LOGIN


def _visitor_cart(session_key, *pairs):
    cart = cart_get_or_create(session_key=session_key)
    for variant, quantity in pairs:
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def test_merge_moves_the_visitor_cart_into_the_users(user, variant):
    _visitor_cart("visitor-1", (variant, 3))

    notes = cart_merge(session_key="visitor-1", user=user)

    assert notes == ["1 item from before you logged in is in your cart."]
    assert _quantities(Cart.objects.get(user=user)) == {variant.pk: 3}
    assert not Cart.objects.filter(session_key="visitor-1").exists()


def test_merge_adds_quantities_capped_by_stock(user, variant):
    mine = cart_get_or_create(user=user)
    cart_line_add(cart=mine, variant_id=variant.pk, quantity=6)
    _visitor_cart("visitor-2", (variant, 7))

    notes = cart_merge(session_key="visitor-2", user=user)

    assert _quantities(mine) == {variant.pk: 10}
    assert any("Only 10 of" in note for note in notes)


def test_merge_drops_items_gone_since_and_says_so(user, variant):
    other = ProductVariantFactory(stock=3)
    _visitor_cart("visitor-3", (variant, 1), (other, 2))
    other.product.is_active = False
    other.product.save()

    notes = cart_merge(session_key="visitor-3", user=user)

    assert _quantities(Cart.objects.get(user=user)) == {variant.pk: 1}
    assert any("no longer available and was not added" in note for note in notes)


def test_merge_drops_sold_out_items_and_says_so(user, variant):
    _visitor_cart("visitor-4", (variant, 2))
    variant.stock = 0
    variant.save()

    notes = cart_merge(session_key="visitor-4", user=user)

    assert _quantities(Cart.objects.get(user=user)) == {}
    assert notes == [
        f"{variant.product.name} (500 g) is out of stock and was not added."
    ]


def test_merge_without_a_visitor_cart_changes_nothing(user):
    assert cart_merge(session_key="nobody", user=user) == []
    assert cart_merge(session_key=None, user=user) == []
    assert not Cart.objects.exists()
