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


@pytest.fixture
def demo_shop(live_shop):
    """The demo catalogue, a served PIN code with slots, a shopper with a paid order."""
    from datetime import timedelta
    from io import StringIO

    from django.utils import timezone

    from catalog.models import Product
    from orders.models import OrderStatus
    from orders.services.cart import cart_get_or_create, cart_line_add
    from orders.services.placement import order_place
    from orders.services.status import order_status_change
    from orders.tests.factories import (
        DeliverySlotFactory,
        ServiceAreaFactory,
        store_stock_set,
    )

    call_command("seed_demo", products=160, stdout=StringIO())
    ServiceAreaFactory(postal_code="560001", name="MG Road", promise_minutes=12)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    slots = [
        DeliverySlotFactory(
            starts_at=now + timedelta(hours=h), ends_at=now + timedelta(hours=h + 1)
        )
        for h in (1, 2, 3)
    ]
    user = UserFactory(name="Asha Rao")
    address = AddressFactory(
        user=user, postal_code="560001", is_default=True, label="Home"
    )
    # seed_demo stocks the catalogue only; the test store's shelf gets it here.
    stocked = Product.objects.filter(variants__stock__gt=5).distinct()[:6]
    for product in stocked:
        variant = product.variants.first()
        store_stock_set(variant=variant, quantity=variant.stock)
    cart = cart_get_or_create(user=user)
    for product in Product.objects.filter(variants__stock__gt=5).distinct()[:3]:
        cart_line_add(cart=cart, variant_id=product.variants.first().pk, quantity=1)
    order = order_place(user=user, address=address, slot=slots[0])
    order = order_status_change(order=order, to_status=OrderStatus.PAID)
    for product in Product.objects.filter(variants__stock__gt=5).distinct()[3:6]:
        cart_line_add(cart=cart, variant_id=product.variants.first().pk, quantity=2)
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
