"""A picker's shift in the admin, in a real browser against a real server: the
store's queue, packing an order, handing it to a rider, and a shelf count."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from catalog.tests.factories import ProductVariantFactory
from orders.models import Order, OrderStatus, StoreStock
from orders.tests.factories import (
    DarkStoreFactory,
    store_order,
    store_staff_make,
    store_stock_set,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


@pytest.fixture
def store_shift(live_shop):
    """Indiranagar's picker, two paid orders there and one at Koramangala."""
    here = DarkStoreFactory(name="Indiranagar")
    there = DarkStoreFactory(name="Koramangala")
    milk = ProductVariantFactory(
        product__name="Taaza Toned Milk", label="500 ml", sku="MLK-500", stock=0
    )
    bread = ProductVariantFactory(
        product__name="Brown Bread", label="400 g", sku="BRD-400", stock=0
    )
    store_stock_set(variant=milk, quantity=12, store=here)
    store_stock_set(variant=bread, quantity=3, store=here)
    store_stock_set(variant=milk, quantity=40, store=there)
    now = timezone.now()
    soon = store_order(
        store=here,
        lines=[(milk, 2), (bread, 1)],
        promised_at=now + timedelta(minutes=9),
    )
    later = store_order(
        store=here, lines=[(milk, 1)], promised_at=now + timedelta(minutes=25)
    )
    elsewhere = store_order(store=there, lines=[(milk, 4)],
                            promised_at=now + timedelta(minutes=5))  # fmt: skip
    picker = store_staff_make(store=here, name="Priya Picker")
    return picker, soon, later, elsewhere, milk


def _step(page, label: str, number: str):
    page.get_by_role("button", name=f"{label}: {number}").click()
    expect(page.get_by_text(re.compile(f"Order {number} is now"))).to_be_visible()


def test_a_picker_packs_and_hands_over_the_soonest_order(
    live_shop, store_shift, desktop_page, shots
):
    picker, soon, later, elsewhere, milk = store_shift
    page = desktop_page

    page.goto(live_shop("/admin/"))
    page.get_by_label("Email").fill(picker.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Indiranagar store")).to_be_visible()
    shots(page, "admin home")

    page.get_by_role("link", name="Picking queue").first.click()
    expect(
        page.get_by_role("heading", name="Picking queue: Indiranagar")
    ).to_be_visible()
    to_pick = page.get_by_role("region", name=re.compile("^To pick"))
    orders = to_pick.get_by_role("article")
    # Promise order: the soonest first; nothing of the other store.
    expect(orders).to_have_count(2)
    expect(orders.nth(0)).to_have_accessible_name(f"Order {soon.number}")
    expect(orders.nth(1)).to_have_accessible_name(f"Order {later.number}")
    expect(page.get_by_text(elsewhere.number)).to_have_count(0)
    bread_row = orders.nth(0).get_by_role("row", name=re.compile("Brown Bread"))
    expect(bread_row.get_by_role("cell")).to_have_text(
        [re.compile("Brown Bread"), "400 g", "1", "3"]
    )
    shots(page, "picking queue")

    _step(page, "Packed", soon.number)
    packed = page.get_by_role("region", name=re.compile("^Packed, waiting"))
    expect(packed.get_by_role("article")).to_have_accessible_name(
        f"Order {soon.number}"
    )
    shots(page, "packed")
    _step(page, "Handed to a rider", soon.number)
    riding = page.get_by_role("region", name=re.compile("^Out for delivery"))
    expect(riding.get_by_role("article")).to_have_count(1)
    shots(page, "out for delivery")

    assert Order.objects.get(pk=soon.pk).status == OrderStatus.OUT_FOR_DELIVERY
    assert Order.objects.get(pk=later.pk).status == OrderStatus.PAID
    assert Order.objects.get(pk=elsewhere.pk).status == OrderStatus.PAID
    assert list(
        Order.objects.get(pk=soon.pk)
        .history.filter(changed_by=picker)
        .values_list("to_status", flat=True)
    ) == ["packed", "out_for_delivery"]

    # A count on the shelf: two cartons of milk arrived.
    page.goto(live_shop("/admin/orders/storestock/"))
    expect(page.get_by_role("link", name="Export count sheet (CSV)")).to_be_visible()
    page.get_by_role("link", name="MLK-500").click()
    page.get_by_label("Change by").fill("24")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("changed successfully"))).to_be_visible()
    shots(page, "shelf counted")

    assert (
        StoreStock.objects.get(store__name="Indiranagar", variant=milk).quantity == 36
    )
    assert (
        StoreStock.objects.get(store__name="Koramangala", variant=milk).quantity == 40
    )
    page.problems.assert_none()
