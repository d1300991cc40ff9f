"""One way of counting items: units, wherever a shopper reads a count."""

import re

import pytest
from django.contrib.messages import get_messages

from accounts.tests.factories import PASSWORD
from catalog.tests.factories import ProductVariantFactory
from orders.items import item_count, items_phrase
from orders.services.placement import order_place

pytestmark = pytest.mark.django_db


def test_an_item_is_a_unit():
    assert item_count([2, 1]) == 3
    assert item_count([]) == 0
    assert [items_phrase(n) for n in (0, 1, 2)] == ["0 items", "1 item", "2 items"]


def _header_count(html: str) -> str:
    found = re.search(r"<span data-cart-count>(\d+)</span> (items?)", html)
    return f"{found[1]} {found[2]}"


def test_login_note_header_cart_api_and_orders_count_alike(
    client, auth_api_client, user, fill_cart, address, slot
):
    milk, bread, eggs = (ProductVariantFactory(stock=20) for _ in range(3))
    # Two lines of the shopper's own, three units from before logging in:
    # one more of the same milk and two eggs.
    fill_cart(user, (milk, 2), (bread, 1))
    client.post("/delivery/area/", {"postal_code": address.postal_code})
    client.post("/cart/add/", {"variant": milk.pk, "quantity": 1, "next": "/"})
    client.post("/cart/add/", {"variant": eggs.pk, "quantity": 2, "next": "/"})

    login = client.post(
        "/account/login/", {"email": user.email, "password": PASSWORD}, follow=True
    )
    notes = [str(m) for m in get_messages(login.wsgi_request)]
    cart_page = client.get("/cart/").content.decode()
    api = auth_api_client.get("/api/v1/cart/").json()

    assert "3 items from before you logged in are in your cart." in notes
    assert _header_count(cart_page) == "6 items"
    assert '<h2 id="cart-lines-title">6 items</h2>' in cart_page
    assert api["count"] == 6

    order_place(user=user, address=address, slot=slot)
    assert "6 items" in client.get("/orders/").content.decode()
