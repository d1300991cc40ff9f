"""Express from a dark store, end to end, in two real browsers.

The shopper sets a PIN code by pressing ADD, sees that store's shelf, orders
express and pays; the store's picker packs it, hands it to a rider and
delivers it from the picking queue; the shopper's open order page shows each
step and the countdown to the promise, and never reloads.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from orders.models import Order, OrderStatus, StoreStock
from tests.e2e import steps
from tests.shopdata import shop_seed

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]

KORAMANGALA = "560095"
# Long enough for a loaded machine to hear of a commit.
LIVE_WITHIN = 15_000


@pytest.fixture
def koramangala(live_shop):
    """The gates' shop, and Koramangala's store with bananas and no apples,
    an express time of 12 minutes plus 3 per order in its queue, and a
    picker."""
    from orders.tests.factories import (
        DarkStoreFactory,
        ServiceAreaFactory,
        store_staff_make,
        store_stock_set,
    )

    shop = shop_seed()
    store = DarkStoreFactory(
        name="Koramangala", express_base_minutes=12, express_minutes_per_order=3
    )
    ServiceAreaFactory(postal_code=KORAMANGALA, name="Koramangala", store=store)
    store_stock_set(variant=shop.variants["banana"], quantity=7, store=store)
    picker = store_staff_make(store=store, name="Kavya Picker")
    shopper = UserFactory(name="Ravi Shopper")
    return shop, store, picker, shopper


def _pick(admin, label: str, number: str) -> None:
    admin.get_by_role("button", name=f"{label}: {number}").click()
    expect(admin.get_by_text(re.compile(f"Order {number} is now"))).to_be_visible()


def test_an_express_order_is_packed_and_delivered_while_the_shopper_watches(
    live_shop, koramangala, desktop_page, wide_page, shots
):
    shop, store, picker, shopper = koramangala
    page = desktop_page

    # ADD asks where to deliver; the answer picks Koramangala's shelf.
    steps.log_in(page, live_shop, email=shopper.email, password=PASSWORD)
    page.goto(live_shop("/c/fresh-fruits/"))
    page.get_by_role("button", name="Add Robusta Banana to cart").click()
    steps.give_pin_code_when_asked(page, KORAMANGALA)
    expect(
        page.get_by_role("button", name="Add one more Robusta Banana")
    ).to_be_visible()
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text("Delivery in about 12 minutes")
    expect(banner).to_contain_text(KORAMANGALA)
    apple = page.get_by_role("article").filter(has_text="Shimla Apple")
    expect(apple).to_contain_text("Out of stock at your store")
    shots(page, "koramangala shelf")

    # Checkout offers express from that store, chosen already.
    steps.checkout_with_new_address(page, live_shop, pin_code=KORAMANGALA)
    express = page.get_by_role(
        "radio", name=re.compile("^Express — arrives in about 12 minutes")
    )
    expect(express).to_be_checked()
    expect(
        page.get_by_text("Packed and sent now from our Koramangala store")
    ).to_be_visible()
    shots(page, "checkout express")
    steps.place_order(page)
    steps.pay_with_card(page, steps.OFFLINE_SUCCESS_CARD)
    expect(page.get_by_text("Payment received")).to_be_visible()

    order = Order.objects.get(user=shopper)
    assert (order.store_id, order.delivery_kind, order.slot_id) == (
        store.pk,
        "express",
        None,
    )
    assert (
        StoreStock.objects.get(store=store, variant=shop.variants["banana"]).quantity
        == 6
    )
    badge = page.locator("[data-live-status]")
    expect(badge).to_have_text("Paid")
    expect(page.get_by_text("Express delivery, arriving by")).to_be_visible()
    timer = page.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^in 1[12]:\d\d$"))
    page.evaluate("window.journeyMarker = 'still this page'")
    shots(page, "order paid")

    # The picker works the queue in another browser.
    admin = wide_page
    admin.goto(live_shop("/admin/"))
    admin.get_by_label("Email").fill(picker.email)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Picking queue").first.click()
    queued = admin.get_by_role("article", name=f"Order {order.number}")
    expect(queued.get_by_role("row", name=re.compile("Robusta Banana"))).to_be_visible()
    shots(admin, "picking queue")

    timeline = page.locator("[data-live-timeline] li.is-done strong")
    for label, status in [
        ("Packed", "Packed"),
        ("Handed to a rider", "Out for delivery"),
    ]:
        _pick(admin, label, order.number)
        expect(badge).to_have_text(status, timeout=LIVE_WITHIN)
        expect(timeline.last).to_have_text(status)
        # Still counting down to the same promise.
        expect(timer).to_have_text(re.compile(r"^in \d+:\d\d$"))
        shots(page, f"shopper sees {status.lower()}")

    _pick(admin, "Delivered", order.number)
    expect(badge).to_have_text("Delivered", timeout=LIVE_WITHIN)
    expect(timeline).to_have_text(
        ["Awaiting payment", "Paid", "Packed", "Out for delivery", "Delivered"]
    )
    # Arrived: nothing is counted down any more.
    expect(page.get_by_role("timer")).to_have_count(0)
    assert page.evaluate("window.journeyMarker") == "still this page"
    shots(page, "shopper sees delivered")

    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    page.problems.assert_none()
    admin.problems.assert_none()
