"""A shopper's whole first purchase, in a real browser against a real server."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order, OrderStatus
from tests.e2e import steps
from tests.shopdata import shop_seed

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def _first_purchase(page, live_shop, shots, *, email: str) -> Order:
    """Sign up, verify, browse, filter, search, merge carts, check out, pay."""
    shop_seed(pictures=True)

    # Sign up; the account can shop at once.
    steps.sign_up(page, live_shop, email=email, name="Asha Rao")
    expect(page.get_by_role("link", name="Asha")).to_be_visible()
    shots(page, "signed up")

    # Follow the link in the verification email the server sent.
    page.goto(live_shop.link_in_email(to=email, template_prefix="account_verify"))
    expect(
        page.get_by_text(re.compile("confirmed|verified", re.I)).first
    ).to_be_visible()
    shots(page, "email verified")

    # One banana in the account's own cart (ADD asks for the PIN code
    # first, which picks the store), then log out.
    page.goto(live_shop("/p/robusta-banana/"))
    page.get_by_role("button", name="Add to cart").click()
    steps.give_pin_code_when_asked(page)
    expect(steps.cart_count(page)).to_contain_text("1 item")
    steps.log_out(page, live_shop)

    # As a visitor: browse a category, filter by brand and stock.
    page.goto(live_shop("/"))
    page.get_by_role("link", name="Fruits & Vegetables").first.click()
    expect(
        page.get_by_role("heading", name="Fruits & Vegetables", level=1)
    ).to_be_visible()
    shots(page, "category")
    page.get_by_text("Brand", exact=True).click()
    page.get_by_role("checkbox", name=re.compile("Farm Fresh")).check()
    page.get_by_role("checkbox", name="In stock only").check()
    page.get_by_role("button", name="Apply").last.click()
    products = page.get_by_role("article")
    expect(page.get_by_role("heading", name="Hybrid Tomato")).to_be_visible()
    expect(page.get_by_role("heading", name="Shimla Apple")).to_have_count(0)
    expect(products).to_have_count(2)
    shots(page, "filtered by brand and stock")
    # Logging out forgot the PIN code: the first ADD asks again.
    page.get_by_role("button", name="Add Hybrid Tomato to cart").click()
    steps.give_pin_code_when_asked(page)
    expect(
        page.get_by_role("button", name="Add one more Hybrid Tomato")
    ).to_be_visible()

    # Search with a typo; the banana is still found.
    search = page.get_by_role("searchbox", name="Search products")
    search.fill("bananna")
    search.press("Enter")
    expect(page.get_by_role("heading", name="Robusta Banana")).to_be_visible()
    shots(page, "search with a typo")
    steps.add_to_cart(page, "Robusta Banana")
    expect(steps.cart_count(page)).to_contain_text("2 items")

    # Log in: the visitor's two items join the account's cart.
    steps.log_in(page, live_shop, email=email)
    expect(
        page.get_by_text("2 items from before you logged in are in your cart.")
    ).to_be_visible()
    shots(page, "logged in and carts merged")
    page.goto(live_shop("/cart/"))
    expect(page.get_by_role("heading", name="3 items")).to_be_visible()
    expect(page.get_by_role("link", name="Robusta Banana")).to_be_visible()
    expect(page.get_by_role("link", name="Hybrid Tomato")).to_be_visible()
    shots(page, "cart")

    # Check out with a new address and the first slot.
    steps.checkout_with_new_address(page, live_shop)
    steps.choose_first_slot(page)
    shots(page, "checkout")
    steps.place_order(page)

    # Pay with the offline provider's success card.
    steps.pay_with_card(page, steps.OFFLINE_SUCCESS_CARD)
    expect(page.get_by_text("Payment received")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("Order .* Paid"))
    ).to_be_visible()
    shots(page, "order paid")
    order = Order.objects.get(user__email=email)
    assert order.status == OrderStatus.PAID
    assert {(line.sku, line.quantity) for line in order.lines.all()} == {
        ("GATE-BAN-12", 2),
        ("GATE-TOM-500", 1),
    }

    # Download the invoice.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download invoice (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("INV-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.problems.assert_none()
    return order


def test_shopper_signs_up_and_makes_a_first_purchase(live_shop, desktop_page, shots):
    order = _first_purchase(desktop_page, live_shop, shots, email="asha@example.com")

    assert order.invoices.get().status == "ready"


def test_the_same_purchase_on_a_phone(live_shop, phone_page, shots):
    order = _first_purchase(phone_page, live_shop, shots, email="asha.m@example.com")

    assert order.invoices.get().status == "ready"
