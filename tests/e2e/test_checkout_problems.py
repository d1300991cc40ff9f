"""What a shopper sees when a card is declined or an item runs out at checkout."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from catalog.models import ProductVariant
from orders.models import DeliverySlot, Order, OrderStatus
from orders.services.cart import cart_get_or_create, cart_line_add
from orders.services.placement import order_place
from tests.e2e import steps
from tests.shopdata import PIN_CODE, shop_seed

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


@pytest.fixture
def shopper_at_checkout(live_shop):
    """A shopper with an address, and a seeded shop; the cart is up to the test."""
    shop = shop_seed(pictures=True)
    user = UserFactory(name="Meera Iyer")
    AddressFactory(user=user, postal_code=PIN_CODE, is_default=True, label="Home")
    return shop, user


def _log_in_and_fill_cart(page, live_shop, user, product_name: str, quantity: int):
    steps.log_in(page, live_shop, email=user.email, password=PASSWORD)
    page.goto(live_shop(f"/search/?q={product_name.split()[-1].lower()}"))
    steps.add_to_cart(page, product_name)
    for count in range(2, quantity + 1):
        page.get_by_role("button", name=f"Add one more {product_name}").click()
        # Each press sets the next quantity; wait for it like a person would.
        expect(steps.cart_count(page)).to_contain_text(f"{count} items")


def _checkout_with_saved_address(page, live_shop):
    page.goto(live_shop("/checkout/"))
    page.get_by_role("radio", name=re.compile("Home")).check()
    steps.choose_first_slot(page)


def test_a_declined_card_says_so_and_the_shopper_can_pay_again(
    live_shop, shopper_at_checkout, desktop_page, shots
):
    shop, user = shopper_at_checkout
    page = desktop_page
    _log_in_and_fill_cart(page, live_shop, user, "Shimla Apple", 1)
    _checkout_with_saved_address(page, live_shop)
    steps.place_order(page)

    steps.pay_with_card(page, steps.OFFLINE_DECLINE_CARD)

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your card was declined.")
    expect(alert).to_contain_text("Nothing was charged")
    shots(page, "card declined")
    order = Order.objects.get(user=user)
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.payments.get(attempt=1).status == "failed"

    steps.pay_with_card(page, steps.OFFLINE_SUCCESS_CARD)
    expect(page.get_by_text("Payment received")).to_be_visible()
    shots(page, "paid on the second attempt")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    page.problems.assert_none()


def test_an_item_that_ran_out_is_named_at_checkout_and_nothing_is_taken(
    live_shop, shopper_at_checkout, desktop_page, shots
):
    shop, user = shopper_at_checkout
    page = desktop_page
    mango = shop.variants["mango"]
    _log_in_and_fill_cart(page, live_shop, user, "Alphonso Mango", 3)
    _checkout_with_saved_address(page, live_shop)
    shots(page, "checkout with three mangoes")

    # Meanwhile two other shoppers buy all but one of the mangoes (one order
    # may take at most half of what is left, or five).
    for quantity in (5, 4):
        rival = UserFactory()
        rival_cart = cart_get_or_create(user=rival)
        cart_line_add(cart=rival_cart, variant_id=mango.pk, quantity=quantity)
        order_place(
            user=rival,
            address=AddressFactory(user=rival, postal_code=PIN_CODE),
            slot=shop.slots[1],
        )
    first_slot = DeliverySlot.objects.get(pk=shop.slots[0].pk)

    steps.place_order(page)

    problem = page.get_by_role("alert")
    expect(problem).to_contain_text(re.compile("out of stock|ran out|not enough", re.I))
    shortage = problem.get_by_role("table", name="Items that ran out")
    row = shortage.get_by_role("row", name=re.compile("Alphonso Mango"))
    # Item, asked for, left.
    expect(row.get_by_role("cell")).to_have_text(["Alphonso Mango (6 pcs)", "3", "1"])
    shots(page, "out of stock at checkout")
    assert not Order.objects.filter(user=user).exists()
    assert ProductVariant.objects.get(pk=mango.pk).stock == 1
    assert DeliverySlot.objects.get(pk=first_slot.pk).booked == first_slot.booked
    # The cart now asks for what is left, and the page says so.
    expect(
        page.get_by_text("Only 1 of Alphonso Mango (6 pcs) can be bought now")
    ).to_be_visible()
    assert cart_get_or_create(user=user).lines.get().quantity == 1
    page.problems.assert_none()
