"""The shopper's main pages on the demo catalogue, photographed at two sizes.

The pictures land in test-artifacts/screenshots/; docs/screenshots/ holds the
copies the README shows. Every picture on each page must have loaded.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from tests.e2e import steps

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

FOLDER = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
# The shopper's PIN code: one of the demo's, served by the Koramangala store.
PIN_CODE = "560034"


@pytest.fixture
def demo_shop(live_shop):
    """The demo catalogue, stores and slots; a shopper with a paid order and a cart."""
    from io import StringIO

    from orders.demo import demo_delivery_ensure
    from orders.models import OrderStatus, ServiceArea
    from orders.selectors import delivery_slots_bookable
    from orders.services.cart import cart_get_or_create, cart_line_add
    from orders.services.placement import order_place
    from orders.services.status import order_status_change

    call_command("seed_demo", products=160, stdout=StringIO())
    # The demo's stores with their shelves, as `make run` shows them.
    demo_delivery_ensure()
    store = ServiceArea.objects.get(postal_code=PIN_CODE).store
    slot = delivery_slots_bookable(store_id=store.pk)[0]
    user = UserFactory(name="Asha Rao")
    address = AddressFactory(
        user=user, postal_code=PIN_CODE, is_default=True, label="Home"
    )
    shelf = list(store.stock_rows.filter(quantity__gt=5).order_by("variant_id")[:6])
    cart = cart_get_or_create(user=user)
    for row in shelf[:3]:
        cart_line_add(cart=cart, variant_id=row.variant_id, quantity=1)
    order = order_place(user=user, address=address, slot=slot)
    order = order_status_change(order=order, to_status=OrderStatus.PAID)
    for row in shelf[3:]:
        cart_line_add(cart=cart, variant_id=row.variant_id, quantity=2)
    return user, order


def _pictures_loaded(page) -> bool:
    return page.evaluate(
        """() => Array.from(document.images).every(
            (img) => img.complete && img.naturalWidth > 0)"""
    )


@pytest.mark.parametrize("size", SIZES)
def test_main_pages_photographed(live_shop, demo_shop, request, size):
    user, order = demo_shop
    page = request.getfixturevalue("phone_page" if size == "phone" else "wide_page")
    FOLDER.mkdir(parents=True, exist_ok=True)
    steps.log_in(page, live_shop, email=user.email, password=PASSWORD)
    pages = {
        "home": "/",
        "category": "/c/fruits-vegetables/",
        "product": "/p/banana-robusta/",
        "cart": "/cart/",
        "checkout": "/checkout/",
        "order": order.get_absolute_url(),
    }
    for name, path in pages.items():
        page.goto(live_shop(path))
        page.wait_for_load_state("networkidle")
        # Lazy pictures (in the rows, too, that scroll sideways) load at once,
        # and rows drawn only near the screen (content-visibility) are drawn:
        # a page-long picture is no screen.
        page.evaluate(
            """() => {
                document.querySelectorAll("img[loading=lazy]").forEach(
                    (img) => { img.loading = "eager"; });
                document.querySelectorAll("main *").forEach((el) => {
                    if (getComputedStyle(el).contentVisibility === "auto") {
                        el.style.contentVisibility = "visible";
                    }
                });
            }"""
        )
        page.wait_for_function(
            "() => Array.from(document.images).every((img) => img.complete)"
        )
        assert _pictures_loaded(page), path
        page.screenshot(path=str(FOLDER / f"{name}-{size}.png"), full_page=True)
    page.problems.assert_none()
