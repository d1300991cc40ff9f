"""A shopper's flow through the Python client generated from /api/schema/.

`make clients` generates `freshcart_client` with openapi-python-client and
checks this file with `mypy --strict`: ordinary use of the schema must type
without a cast or an ignore. Anything the schema says wrong (a public
endpoint that asks for a token, an always-present field typed optional, a
PDF the client cannot read) shows up here as an error.
"""

import uuid

from freshcart_client import AuthenticatedClient, Client
from freshcart_client.api.auth import auth_token_create, auth_token_refresh_create
from freshcart_client.api.cart import cart_item_add, cart_item_update
from freshcart_client.api.catalogue import (
    categories_list,
    products_list,
    products_retrieve,
)
from freshcart_client.api.delivery import delivery_slots
from freshcart_client.api.me import me_addresses_list
from freshcart_client.api.orders import orders_invoice_retrieve, orders_place
from freshcart_client.models import (
    Cart,
    CartItemAddRequest,
    CartItemUpdateRequest,
    LoginRequest,
    Order,
    OrderPlaceRequest,
    PaginatedAddressList,
    PaginatedProductListList,
    ProductDetail,
    RefreshRequest,
    SlotList,
    TokenPair,
)
from freshcart_client.types import File


def browse(public: Client) -> ProductDetail:
    """Find an in-stock product of the first category, as a visitor."""
    tree = categories_list.sync(client=public)
    assert isinstance(tree, list)
    page = products_list.sync(client=public, category=tree[0].slug, in_stock=True)
    assert isinstance(page, PaginatedProductListList)
    product = products_retrieve.sync(page.results[0].slug, client=public)
    assert isinstance(product, ProductDetail)
    return product


def buy(base_url: str, *, email: str, password: str) -> bytes:
    """Sign in, fill the cart, place an order and return its invoice's bytes."""
    public = Client(base_url=base_url)
    product = browse(public)
    variant = product.variants[0]

    tokens = auth_token_create.sync(
        client=public, body=LoginRequest(email=email, password=password)
    )
    assert isinstance(tokens, TokenPair)
    shopper = AuthenticatedClient(base_url=base_url, token=tokens.access)

    cart = cart_item_add.sync(
        client=shopper, body=CartItemAddRequest(variant=variant.id, quantity=2)
    )
    assert isinstance(cart, Cart)
    cart = cart_item_update.sync(
        cart.lines[0].id, client=shopper, body=CartItemUpdateRequest(quantity=1)
    )
    assert isinstance(cart, Cart)
    assert cart.subtotal != ""

    addresses = me_addresses_list.sync(client=shopper)
    assert isinstance(addresses, PaginatedAddressList)
    address = addresses.results[0]
    slots = delivery_slots.sync(client=public, postal_code=address.postal_code)
    assert isinstance(slots, SlotList)

    order = orders_place.sync(
        client=shopper,
        body=OrderPlaceRequest(address=address.id, slot=slots.slots[0].id),
        idempotency_key=str(uuid.uuid4()),
    )
    assert isinstance(order, Order)
    assert order.total != ""

    refreshed = auth_token_refresh_create.sync(
        client=public, body=RefreshRequest(refresh=str(tokens.refresh))
    )
    assert isinstance(refreshed, TokenPair)
    shopper = AuthenticatedClient(base_url=base_url, token=refreshed.access)

    invoice = orders_invoice_retrieve.sync(order.number, client=shopper)
    assert isinstance(invoice, File)
    return invoice.payload.read()
