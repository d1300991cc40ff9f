"""Live tracking in real browsers: the shopper watches, staff pack, nobody reloads.

`live_shop` serves the pages with gunicorn and the WebSockets with the live
ASGI process, on Redis, as compose runs them; SHOP_LIVE_URL points the
pages' script at it (behind the proxy both share one origin). The shopper's order page
and the staff's order list are open in two browser contexts; each must
change in place.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from orders.models import OrderStatus
from tests.e2e import steps
from tests.shopdata import shop_seed, shopper_history

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]

# Long enough for a loaded machine to hear of a commit.
LIVE_WITHIN = 15_000


def _off_the_browsers_loop(work):
    """Run `work` in a thread of its own and return its result.

    Playwright's sync API keeps an event loop in the test's thread, and a
    commit's publishing (async_to_sync) refuses to block such a thread; in the
    shop, commits happen in request and task threads, which have no loop.
    """
    from django.db import connection

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _not_reloaded(page):
    page.evaluate("window.liveJourneyMarker = 'still this page'")
    return lambda: page.evaluate("window.liveJourneyMarker") == "still this page"


def test_the_order_page_follows_staff_packing_it_without_a_reload(
    live_shop, desktop_page, wide_page, shots
):
    from orders.services.status import order_status_change

    shop = shop_seed()
    shopper = UserFactory(name="Lata Shopper")
    history = _off_the_browsers_loop(lambda: shopper_history(shop=shop, user=shopper))
    order = _off_the_browsers_loop(
        lambda: order_status_change(
            order=history.pending_order, to_status=OrderStatus.PAID
        )
    )
    staff = UserFactory(name="Sam Staff", is_staff=True, is_superuser=True)
    site = live_shop

    # The shopper opens the paid order.
    page = desktop_page
    steps.log_in(page, site, email=shopper.email, password=PASSWORD)
    page.goto(site(f"/orders/{order.number}/"))
    badge = page.locator("[data-live-status]")
    expect(badge).to_have_text("Paid")
    timeline = page.locator("[data-live-timeline]")
    expect(timeline.locator("li.is-upcoming", has_text="Packed")).to_have_count(1)
    still_here = _not_reloaded(page)
    shots(page, "shopper sees paid")

    # Staff, in their own browser, pack it from the admin's order list.
    admin = wide_page
    admin.goto(site("/admin/"))
    admin.get_by_label("Email").fill(staff.email)
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto(site("/admin/orders/order/"))
    admin.get_by_role("checkbox", name=re.compile(order.number)).check()
    admin.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Mark as packed"
    )
    admin.get_by_role("button", name=re.compile("^(Go|Run)$")).click()
    expect(admin.get_by_text(re.compile("packed", re.I)).first).to_be_visible()

    # The shopper's page changed by itself: status, timeline, what is ahead.
    expect(badge).to_have_text("Packed", timeout=LIVE_WITHIN)
    expect(badge).to_have_class("badge badge-packed")
    expect(timeline.locator("li.is-done strong")).to_have_text(
        ["Awaiting payment", "Paid", "Packed"]
    )
    expect(timeline.locator("li.is-upcoming")).to_have_text(
        [re.compile("Out for delivery"), re.compile("Delivered")]
    )
    expect(page.locator("[data-live-cancel]")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text(f"Order {order.number}: Packed")
    assert still_here()
    shots(page, "shopper sees packed")

    # A new paid order shows up in the staff's list, which stays open.
    admin_still_here = _not_reloaded(admin)
    another = shopper_history(
        shop=shop, user=UserFactory(name="Nia Next")
    ).pending_order
    expect(admin.get_by_role("link", name=another.number)).to_have_count(0)
    _off_the_browsers_loop(
        lambda: order_status_change(order=another, to_status=OrderStatus.PAID)
    )
    expect(
        admin.get_by_role("row", name=re.compile(another.number)).get_by_text("Paid")
    ).to_be_visible(timeout=LIVE_WITHIN)
    assert admin_still_here()
    shots(admin, "staff list shows the new paid order")

    page.problems.assert_none()
    admin.problems.assert_none()
