"""A seller's working day in the admin, in a real browser against a real server."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Product
from orders.models import Order, OrderStatus
from tests.shopdata import shop_seed, shopper_history

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def _png(tmp_path):
    from PIL import Image, ImageDraw

    path = tmp_path / "ghee-jar.png"
    picture = Image.new("RGB", (600, 600), "white")
    ImageDraw.Draw(picture).rectangle((150, 120, 450, 520), fill="#f5c542")
    picture.save(path, "PNG")
    return path


@pytest.fixture
def seller_world(live_shop):
    """Green Valley Farms (the seller) with a paid order to pack, and a rival."""
    from accounts.tests.factories import SellerFactory, UserFactory
    from catalog.tests.factories import ProductVariantFactory
    from orders.services.status import order_status_change

    shop = shop_seed(pictures=True)
    rival = SellerFactory(name="Rival Dairy")
    ProductVariantFactory(
        product__seller=rival,
        product__name="Rival Desi Ghee",
        product__slug="rival-desi-ghee",
        product__category=shop.categories["milk"],
    )
    history = shopper_history(shop=shop, user=UserFactory(name="Ravi Kumar"))
    order = order_status_change(order=history.pending_order, to_status=OrderStatus.PAID)
    return shop, order


def test_a_seller_adds_a_product_and_packs_an_order(
    live_shop, seller_world, desktop_page, shots, tmp_path
):
    shop, order = seller_world
    page = desktop_page

    # Log into the admin.
    page.goto(live_shop("/admin/"))
    page.get_by_label("Email").fill(shop.seller.email)
    page.get_by_label("Password").fill("correct-horse-battery-42")
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name="Catalogue, orders and accounts")
    ).to_be_visible()
    shots(page, "admin home")

    # Add a product with a variant and a picture.
    page.get_by_role("link", name="Products").first.click()
    page.get_by_role("link", name=re.compile("Add product")).click()
    page.get_by_label("Name").fill("Cow Ghee")
    page.get_by_label("Brand").fill("Green Valley")
    page.get_by_label("Category").select_option(str(shop.categories["milk"].pk))
    page.get_by_label("Description").fill("Slow-cooked ghee from grass-fed cows.")
    # Tabular inline cells have column headers, not labels: name the inputs.
    page.locator("input[name='variants-0-sku']").fill("GVF-GHEE-500")
    page.locator("input[name='variants-0-label']").fill("500 ml")
    page.locator("input[name='variants-0-price']").fill("329.00")
    page.locator("input[name='variants-0-mrp']").fill("360.00")
    # Stock is not the seller's to type: stores put it on their shelves.
    expect(page.locator("input[name='variants-0-stock']")).to_have_count(0)
    page.locator("input[name='images-0-image']").set_input_files(_png(tmp_path))
    page.locator("input[name='images-0-alt_text']").fill("A jar of cow ghee")
    shots(page, "new product form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was added successfully"))).to_be_visible()
    shots(page, "product saved")

    ghee = Product.objects.get(name="Cow Ghee")
    assert ghee.seller_id == shop.seller.pk
    assert (ghee.variants.get().sku, ghee.variants.get().stock) == ("GVF-GHEE-500", 0)
    assert ghee.images.get().alt_text == "A jar of cow ghee"

    # The list holds the seller's own products only.
    table = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Picture")
    )
    expect(table.get_by_role("row", name=re.compile("Cow Ghee"))).to_have_count(1)
    expect(table.get_by_role("row", name=re.compile("Robusta Banana"))).to_have_count(1)
    expect(table.get_by_role("row", name=re.compile("Rival"))).to_have_count(0)
    # A header row, then the seed's six products and the new one.
    expect(table.get_by_role("row")).to_have_count(1 + len(shop.products) + 1)
    shots(page, "only my products")

    # Move the paid order to packed with the admin action.
    page.goto(live_shop("/admin/orders/order/"))
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    page.get_by_role("checkbox", name=re.compile(order.number)).check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(
        label="Mark as packed"
    )
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()
    expect(page.get_by_text(re.compile("packed", re.I)).first).to_be_visible()
    shots(page, "order packed")

    order.refresh_from_db()
    assert order.status == OrderStatus.PACKED
    assert order.history.last().changed_by_id == shop.seller.pk
    assert Order.objects.filter(status=OrderStatus.PACKED).count() == 1
    page.problems.assert_none()
