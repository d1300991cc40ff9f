"""A shop with two shoppers and two sellers, each owning objects, for the matrix."""

from dataclasses import dataclass

import pytest

from tests.shopdata import History, Shop, shop_seed, shopper_history


@dataclass
class World:
    shop: Shop
    owner: object
    seller: object
    other_shopper: object
    other_seller: object
    history: History
    paid_order: object
    review: object
    invoice: object = None

    @property
    def address(self):
        return self.history.address

    @property
    def cart_line(self):
        return self.history.cart_line

    @property
    def pending_order(self):
        return self.history.pending_order

    @property
    def delivered_order(self):
        return self.history.delivered_order


@pytest.fixture
def world(db):
    """Shopper `owner` has an address, a cart line and three orders of products
    sold by `seller`; `other_seller` sells something else; a review of the
    seller's apple by the owner exists."""
    from accounts.tests.factories import SellerFactory, UserFactory
    from catalog.tests.factories import ProductVariantFactory, ReviewFactory
    from orders.models import OrderStatus
    from orders.services import (
        cart_get_or_create,
        cart_line_add,
        order_place,
        order_status_change,
    )

    shop = shop_seed()
    owner = UserFactory(name="Olivia Owner")
    history = shopper_history(shop=shop, user=owner)
    other_seller = SellerFactory(name="Other Seller")
    ProductVariantFactory(
        product__seller=other_seller, product__category=shop.categories["milk"]
    )
    # A paid order, placed without disturbing the owner's cart line.
    line = history.cart_line
    cart = cart_get_or_create(user=owner)
    line.delete()
    cart_line_add(cart=cart, variant_id=shop.variants["mango"].pk, quantity=1)
    paid = order_place(user=owner, address=history.address, slot=shop.slots[2])
    paid = order_status_change(order=paid, to_status=OrderStatus.PAID)
    cart_line_add(cart=cart, variant_id=line.variant_id, quantity=line.quantity)
    history.cart_line = cart.lines.get()
    return World(
        shop=shop,
        owner=owner,
        seller=shop.seller,
        other_shopper=UserFactory(name="Oscar Other"),
        other_seller=other_seller,
        history=history,
        paid_order=paid,
        review=ReviewFactory(product=shop.products["apple"], user=owner, rating=5),
    )


@pytest.fixture
def ready_invoice(world, settings, tmp_path):
    """The delivered order's invoice, numbered and rendered by the real services."""
    from orders.invoicing.services import invoice_issue, invoice_render_pdf

    invoice = invoice_render_pdf(invoice=invoice_issue(order=world.delivered_order))
    world.invoice = invoice
    return invoice
