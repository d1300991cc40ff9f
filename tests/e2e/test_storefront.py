"""The storefront's layout and flows as a shopper meets them, with and without JS.

Each test here is one thing a walk-through in Chromium at 390×844 and
1366×900 found wrong: a page wider than the screen, a headline price that did
not follow the pack size, a blank 405 after a corrected PIN code, bars that
hid buttons, raw JSON in the seller's admin, and forms that acted on the first
tap without a confirmation.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from orders.models import CartLine, Order, OrderStatus
from tests.e2e import steps
from tests.shopdata import PIN_CODE, shop_seed, shopper_history

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

# Enough extra fruit that every product row and grid has more than fits.
EXTRA_FRUITS = [
    "Kiwi",
    "Papaya",
    "Guava",
    "Pomegranate",
    "Sapota",
    "Litchi",
    "Pineapple",
    "Watermelon",
    "Muskmelon",
    "Pear",
    "Plum",
    "Orange",
]


@pytest.fixture
def full_shop(live_shop):
    """The gates' shop, a two-pack tomato, and a dozen more fruits."""
    from catalog.tests.factories import ProductVariantFactory

    shop = shop_seed()
    ProductVariantFactory(
        product=shop.products["tomato"],
        sku="GATE-TOM-1K",
        label="1 kg",
        price=Decimal("55.00"),
        mrp=Decimal("80.00"),
        stock=30,
        position=1,
    )
    for n, name in enumerate(EXTRA_FRUITS):
        ProductVariantFactory(
            product__seller=shop.seller,
            product__category=shop.categories["fresh-fruits"],
            product__name=f"Fresh {name}",
            product__slug=f"fresh-{name.lower()}",
            sku=f"GATE-FRT-{n}",
            label="1 kg",
            price=Decimal(100 + n),
            mrp=Decimal(150 + n),
        )
    return shop


def _page_width(page) -> tuple[int, int]:
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def _shopper_with_address(shop):
    user = UserFactory(name="Meera Iyer")
    AddressFactory(user=user, postal_code=PIN_CODE, is_default=True, label="Home")
    return user


@pytest.mark.parametrize("size", ["phone", "wide"])
def test_no_page_scrolls_sideways(live_shop, full_shop, request, size):
    page = request.getfixturevalue("phone_page" if size == "phone" else "wide_page")
    steps.set_pin_code(page, live_shop, PIN_CODE)
    page.goto(live_shop("/p/robusta-banana/"))
    page.get_by_role("button", name="Add to cart").click()
    for path in ("/", "/c/fruits-vegetables/", "/p/hybrid-tomato/", "/cart/"):
        page.goto(live_shop(path))
        scroll_width, viewport_width = _page_width(page)
        assert scroll_width == viewport_width, path
    page.goto(live_shop("/search/?q=fresh"))
    assert _page_width(page)[0] == _page_width(page)[1]
    page.problems.assert_none()


def _headline(page):
    return page.get_by_role("region", name="Price")


def _expect_the_kilo_pack_in_the_headline(page) -> None:
    headline = _headline(page)
    expect(headline).to_contain_text("₹55")
    expect(headline).to_contain_text("MRP ₹80")
    expect(headline).to_contain_text("31% OFF")
    expect(headline).to_contain_text("1 kg · ₹55/kg")


def test_a_pack_size_changes_the_headline_price_with_javascript(
    live_shop, full_shop, phone_page
):
    page = phone_page
    steps.set_pin_code(page, live_shop, PIN_CODE)
    page.goto(live_shop("/p/hybrid-tomato/"))
    expect(_headline(page)).to_contain_text("₹30")
    expect(_headline(page)).to_contain_text("500 g")

    page.get_by_role("link", name=re.compile(r"^1 kg")).click()

    _expect_the_kilo_pack_in_the_headline(page)
    expect(_headline(page)).not_to_contain_text("500 g")
    assert "variant=" in page.url
    page.get_by_role("button", name="Add to cart").click()
    expect(steps.cart_count(page)).to_contain_text("1 item")
    assert list(CartLine.objects.values_list("variant__sku", "quantity")) == [
        ("GATE-TOM-1K", 1)
    ]
    page.problems.assert_none()


def test_a_pack_size_changes_the_headline_price_without_javascript(
    live_shop, full_shop, phone_page_without_js
):
    page = phone_page_without_js
    steps.set_pin_code(page, live_shop, PIN_CODE)
    page.goto(live_shop("/p/hybrid-tomato/"))

    page.get_by_role("link", name=re.compile(r"^1 kg")).click()

    _expect_the_kilo_pack_in_the_headline(page)
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("Added Hybrid Tomato (1 kg) to your cart.")).to_be_visible()
    assert list(CartLine.objects.values_list("variant__sku", "quantity")) == [
        ("GATE-TOM-1K", 1)
    ]


def test_correcting_a_pin_code_lands_on_the_cart(
    live_shop, full_shop, phone_page_without_js
):
    page = phone_page_without_js
    page.goto(live_shop("/cart/"))
    page.get_by_label("PIN code").fill("999999")
    page.get_by_role("button", name="Check delivery").click()
    expect(page.get_by_text("Sorry, we do not deliver to 999999 yet.")).to_be_visible()

    page.get_by_label("PIN code").fill(PIN_CODE)
    page.get_by_role("button", name="Check delivery").click()

    expect(
        page.get_by_text(f"We deliver to {PIN_CODE} in about 10 minutes.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Your cart", exact=True)).to_be_visible()
    page.goto(live_shop("/p/robusta-banana/"))
    page.get_by_role("button", name="Add to cart").click()
    page.goto(live_shop("/cart/"))
    page.get_by_role("button", name="Add one more Robusta Banana").click()
    expect(page.get_by_role("heading", name="2 items")).to_be_visible()
    # The form's own address, opened directly, is a page too.
    response = page.goto(live_shop("/delivery/area/"))
    assert response.status == 200
    expect(page.get_by_label("PIN code")).to_be_visible()


def _covered(page, locator) -> str:
    """What is drawn over the middle of `locator`, or "" when nothing is."""
    return locator.evaluate(
        """(element) => {
            const box = element.getBoundingClientRect();
            const top = document.elementFromPoint(
                box.left + box.width / 2, box.top + box.height / 2);
            if (top && (element === top || element.contains(top))) {
                return "";
            }
            return top ? `${top.tagName}.${top.className} at ${box.top}` : "nothing";
        }"""
    )


def _scroll_to_bottom(page) -> None:
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(
        "window.scrollY + window.innerHeight >= "
        "document.documentElement.scrollHeight - 1"
    )


def test_the_phone_cart_bar_comes_with_the_first_add_and_covers_nothing(
    live_shop, full_shop, phone_page
):
    page = phone_page
    steps.set_pin_code(page, live_shop, PIN_CODE)
    page.goto(live_shop("/c/fresh-fruits/"))
    bar = page.get_by_role("link", name=re.compile("View cart"))
    expect(bar).to_have_count(0)

    steps.add_to_cart(page, "Fresh Kiwi")

    expect(bar).to_be_visible()
    expect(bar).to_contain_text("1 item")
    _scroll_to_bottom(page)
    for card in page.get_by_role("article").all()[-2:]:
        button = card.get_by_role("button").last
        button.scroll_into_view_if_needed()
        assert _covered(page, button) == ""
    _scroll_to_bottom(page)
    assert _covered(page, page.get_by_role("link", name="API")) == ""
    page.problems.assert_none()


def test_add_to_cart_is_above_the_fold_on_a_phone(live_shop, full_shop, phone_page):
    page = phone_page
    page.goto(live_shop("/p/hybrid-tomato/"))
    box = page.get_by_role("button", name="Add to cart").bounding_box()
    assert box["y"] + box["height"] <= 844
    page.problems.assert_none()


def _filter_rows(page) -> dict:
    """Measure the listing's filter controls: rows they take, and the bar's box."""
    return page.evaluate(
        """() => {
            const bar = document.getElementById("listing-filters");
            const controls = [...bar.children].map((el) => el.getBoundingClientRect())
                .filter((box) => box.width > 0);
            const tops = controls.map((box) => box.top);
            const bottoms = controls.map((box) => box.bottom);
            return {
                controls: controls.length,
                oneRow: Math.max(...tops) < Math.min(...bottoms),
                barHeight: bar.getBoundingClientRect().height,
                tallest: Math.max(...controls.map((box) => box.height)),
            };
        }"""
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_filters_take_one_row_on_a_phone(live_shop, full_shop, request, javascript):
    page = request.getfixturevalue(
        "phone_page" if javascript else "phone_page_without_js"
    )
    for path in ("/c/fresh-fruits/", "/search/?q=fresh"):
        page.goto(live_shop(path))
        rows = _filter_rows(page)
        # Price, brand, in stock, rating, sort (and Apply without JavaScript).
        assert rows["controls"] == (5 if javascript else 6), path
        assert rows["oneRow"], path
        assert rows["barHeight"] < 1.5 * rows["tallest"], path
        assert _page_width(page)[0] == 390, path

    # The row scrolls sideways; an open filter still shows whole on the screen.
    page.locator("#listing-filters").evaluate("(bar) => { bar.scrollLeft = 60; }")
    page.locator("summary", has_text="Brand").click()
    brands = page.get_by_role("group", name="Brands")
    box = brands.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    # Drawn, not clipped by the scrolling row: the click lands on the brand.
    assert _covered(page, brands.locator("label").first) == ""
    page.problems.assert_none()


def test_the_cart_has_a_sticky_checkout_bar_on_a_phone(
    live_shop, full_shop, phone_page
):
    page = phone_page
    steps.set_pin_code(page, live_shop, PIN_CODE)
    page.goto(live_shop("/p/robusta-banana/"))
    page.get_by_role("button", name="Add to cart").click()
    page.goto(live_shop("/cart/"))
    links = page.get_by_role("link", name=re.compile("checkout", re.I)).all()
    boxes = [link.bounding_box() for link in links if link.is_visible()]
    assert any(box["y"] >= 0 and box["y"] + box["height"] <= 844 for box in boxes)
    _scroll_to_bottom(page)
    assert _covered(page, page.get_by_role("button", name="Check delivery")) == ""
    assert _covered(page, page.get_by_role("link", name="API")) == ""
    page.problems.assert_none()


def test_the_seller_reads_addresses_amounts_and_dates(live_shop, wide_page):
    from catalog.tests.factories import ProductVariantFactory

    shop = shop_seed()
    for n in range(3):
        ProductVariantFactory(product=shop.products["apple"], label=f"{n + 2} kg")
    history = shopper_history(shop=shop, user=UserFactory(name="Ravi Kumar"))
    order = history.delivered_order
    page = wide_page
    page.goto(live_shop("/admin/"))
    page.get_by_label("Email").fill(shop.seller.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(live_shop("/admin/orders/order/"))
    row = page.get_by_role("row", name=re.compile(order.number))
    expect(row).to_contain_text("₹60")
    placed = timezone.localtime(order.created_at)
    expect(row).to_contain_text(f"{placed.day} {placed:%b %Y}, {placed:%H:%M}")

    page.get_by_role("link", name=order.number).click()
    address = history.address
    expect(page.get_by_text(address.line1)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text('{"')

    page.goto(live_shop(f"/admin/catalog/product/{shop.products['apple'].pk}/change/"))
    assert _page_width(page)[0] <= 1366
    page.problems.assert_none()


def test_the_header_and_order_page_speak_to_the_shopper(live_shop, desktop_page):
    from orders.services.status import order_status_change

    shop = shop_seed()
    user = UserFactory(name="Ravi Kumar")
    history = shopper_history(shop=shop, user=user)
    order = order_status_change(
        order=history.pending_order,
        to_status=OrderStatus.PAID,
        note="paid by Offline test cards",
    )
    order_status_change(
        order=order, to_status=OrderStatus.PACKED, by=shop.seller, note="admin"
    )
    page = desktop_page

    steps.log_in(page, live_shop, email=user.email, password=PASSWORD)

    expect(page.get_by_role("banner")).to_contain_text(PIN_CODE)
    expect(page.get_by_role("banner")).not_to_contain_text("Set your PIN code")
    page.goto(live_shop(order.get_absolute_url()))
    main = page.get_by_role("main")
    expect(main.get_by_role("listitem").filter(has_text="Packed")).to_be_visible()
    expect(main).to_contain_text("Out for delivery coming up")
    expect(main).not_to_contain_text("admin")
    expect(main).not_to_contain_text("Offline test cards")
    expect(main).not_to_contain_text("GATE-")
    page.problems.assert_none()


def test_cancelling_an_order_without_javascript_asks_first(
    live_shop, phone_page_without_js
):
    shop = shop_seed()
    user = UserFactory(name="Ravi Kumar")
    order = shopper_history(shop=shop, user=user).pending_order
    page = phone_page_without_js
    steps.log_in(page, live_shop, email=user.email, password=PASSWORD)
    page.goto(live_shop(order.get_absolute_url()))

    page.get_by_role("link", name="Cancel order").click()

    expect(
        page.get_by_role("heading", name=f"Cancel order {order.number}?")
    ).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    page.get_by_role("button", name="Yes, cancel the order").click()
    expect(page.get_by_text(f"Order {order.number} is cancelled.")).to_be_visible()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_add_without_javascript_comes_back_to_the_same_card(
    live_shop, full_shop, phone_page_without_js
):
    page = phone_page_without_js
    steps.set_pin_code(page, live_shop, PIN_CODE)
    page.goto(live_shop("/c/fresh-fruits/"))
    card = page.get_by_role("article").filter(has_text="Fresh Pear")
    card.scroll_into_view_if_needed()

    card.get_by_role("button", name="Add Fresh Pear to cart").click()

    assert page.url.endswith("#product-fresh-pear")
    stepper = page.get_by_role("button", name="Add one more Fresh Pear")
    expect(stepper).to_be_in_viewport()
    expect(
        page.get_by_text("Added Fresh Pear (1 kg) to your cart.")
    ).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 300


def test_account_forms_read_cleanly_and_show_the_password(live_shop, phone_page):
    page = phone_page
    page.goto(live_shop("/account/register/"))
    form = page.locator("main form")
    expect(form).not_to_contain_text(":")
    expect(form.get_by_role("list")).to_have_count(0)
    expect(form).to_contain_text("At least 8 characters")
    password = page.get_by_label("Password")
    password.fill("lemon-grass-91")

    page.get_by_role("button", name="Show password").click()

    assert password.get_attribute("type") == "text"
    expect(page.get_by_role("button", name="Hide password")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.problems.assert_none()
