"""Shopping at the store a PIN code picks, in Chromium, with and without JS.

ADD before a PIN code asks for one, then adds; an unserved code is answered
at once with the codes served; cards and product pages show that store's
shelf.
"""

import re

import pytest
from playwright.sync_api import expect

from orders.models import CartLine
from tests.e2e import steps
from tests.shopdata import PIN_CODE, shop_seed

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

OTHER_PIN_CODE = "560095"


@pytest.fixture
def two_stores(live_shop):
    """The gates' shop at MG Road's store, and Koramangala's store, whose shelf
    has bananas only."""
    from orders.tests.factories import (
        DarkStoreFactory,
        ServiceAreaFactory,
        store_stock_set,
    )

    shop = shop_seed()
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code=OTHER_PIN_CODE, name="Koramangala", store=there)
    store_stock_set(variant=shop.variants["banana"], quantity=7, store=there)
    return shop


def test_add_asks_for_the_pin_code_in_a_dialog_then_adds(
    live_shop, two_stores, phone_page
):
    page = phone_page
    page.goto(live_shop("/c/fresh-fruits/"))

    page.get_by_role("button", name="Add Robusta Banana to cart").click()
    dialog = page.get_by_role("dialog", name="Where should we deliver?")
    expect(dialog).to_contain_text("we add Robusta Banana from the store")
    dialog.get_by_label("PIN code").fill("110001")
    dialog.get_by_role("button", name="Continue").click()

    # Said at once, in the dialog, naming where the shop delivers.
    expect(dialog.get_by_role("alert")).to_have_text(
        "Sorry, we do not deliver to 110001 yet. We deliver to "
        f"{PIN_CODE} (MG Road), {OTHER_PIN_CODE} (Koramangala)."
    )
    assert not CartLine.objects.exists()
    dialog.get_by_label("PIN code").fill(OTHER_PIN_CODE)
    dialog.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_text("Added Robusta Banana (1 dozen) to your cart.")
    ).to_be_visible()
    expect(
        page.get_by_role("button", name="Add one more Robusta Banana")
    ).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(OTHER_PIN_CODE)
    assert page.url.endswith("#product-robusta-banana")
    assert list(CartLine.objects.values_list("variant__sku", "quantity")) == [
        ("GATE-BAN-12", 1)
    ]
    # Back with Koramangala's shelf: what it lacks is greyed and says so.
    apple = page.get_by_role("article").filter(has_text="Shimla Apple")
    expect(apple).to_contain_text("Out of stock at your store")
    expect(apple).to_have_class(re.compile("is-out-of-stock"))
    names = page.get_by_role("article").get_by_role("heading").all_inner_texts()
    assert names[0] == "Robusta Banana"
    page.problems.assert_none()


def test_cancelling_the_pin_dialog_adds_nothing(live_shop, two_stores, phone_page):
    page = phone_page
    page.goto(live_shop("/p/robusta-banana/"))

    page.get_by_role("button", name="Add to cart").click()
    dialog = page.get_by_role("dialog", name="Where should we deliver?")
    expect(dialog).to_contain_text("we add Robusta Banana from the store")
    dialog.get_by_role("button", name="Cancel").click()

    expect(dialog).to_have_count(0)
    expect(page.get_by_role("button", name="Add to cart")).to_be_focused()
    assert not CartLine.objects.exists()
    page.problems.assert_none()


def test_add_without_javascript_asks_on_a_page_then_adds_and_comes_back(
    live_shop, two_stores, phone_page_without_js
):
    page = phone_page_without_js
    page.goto(live_shop("/c/fresh-fruits/"))

    page.get_by_role("button", name="Add Robusta Banana to cart").click()
    expect(page.get_by_role("heading", name="Where should we deliver?")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Robusta Banana (1 dozen)")
    page.get_by_label("PIN code").fill("110001")
    page.get_by_role("button", name="Continue and add").click()
    expect(page.get_by_text("We deliver to 560001 (MG Road)")).to_be_visible()
    page.get_by_label("PIN code").fill(PIN_CODE)
    page.get_by_role("button", name="Continue and add").click()

    expect(
        page.get_by_text("Added Robusta Banana (1 dozen) to your cart.")
    ).to_be_visible()
    assert page.url.endswith("/c/fresh-fruits/#product-robusta-banana")
    expect(
        page.get_by_role("button", name="Add one more Robusta Banana")
    ).to_be_visible()
    assert CartLine.objects.get().quantity == 1


def test_a_served_pin_code_tapped_on_the_pin_page_adds_too(
    live_shop, two_stores, phone_page_without_js
):
    page = phone_page_without_js
    page.goto(live_shop("/p/robusta-banana/"))
    page.get_by_role("button", name="Add to cart").click()

    page.get_by_role("button", name=re.compile(f"^{OTHER_PIN_CODE}")).click()

    expect(
        page.get_by_text("Added Robusta Banana (1 dozen) to your cart.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Robusta Banana")).to_be_visible()
    expect(page.get_by_text("Your store (560095) has 1 dozen.")).to_be_visible()


def test_changing_the_pin_code_sets_apart_what_the_new_store_lacks(
    live_shop, two_stores, phone_page_without_js
):
    page = phone_page_without_js
    steps.set_pin_code(page, live_shop, PIN_CODE)
    page.goto(live_shop("/p/hybrid-tomato/"))
    page.get_by_role("button", name="Add to cart").click()
    page.goto(live_shop("/p/robusta-banana/"))
    page.get_by_role("button", name="Add to cart").click()

    steps.set_pin_code(page, live_shop, OTHER_PIN_CODE)

    unavailable = page.get_by_role("region", name="Not available at your store")
    expect(unavailable).to_contain_text("Hybrid Tomato")
    expect(page.get_by_role("heading", name="1 item")).to_be_visible()
    unavailable.get_by_role("button", name="Remove Hybrid Tomato from cart").click()
    expect(
        page.get_by_role("region", name="Not available at your store")
    ).to_have_count(0)
    assert list(CartLine.objects.values_list("variant__sku", flat=True)) == [
        "GATE-BAN-12"
    ]
