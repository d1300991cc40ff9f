"""The cart page reads its lines straight from the cart's owner, one picture each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import ProductImageFactory, ProductVariantFactory
from orders.services.cart import cart_get_or_create, cart_line_add

pytestmark = pytest.mark.django_db


def test_signed_in_cart_page_reads_lines_without_the_cart_row(user_client, user):
    variant = ProductVariantFactory()
    ProductImageFactory(product=variant.product, alt_text="First picture", position=0)
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)

    with CaptureQueriesContext(connection) as queries:
        response = user_client.get("/cart/")

    assert response.status_code == 200
    assert not any(
        query["sql"].startswith('SELECT "orders_cart"."id"')
        for query in queries.captured_queries
    )
    assert 'alt="First picture"' in response.content.decode()


def test_cart_page_fetches_only_the_first_picture_of_each_product(user_client, user):
    variant = ProductVariantFactory()
    ProductImageFactory(product=variant.product, alt_text="Second picture", position=1)
    ProductImageFactory(product=variant.product, alt_text="First picture", position=0)
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=1)

    response = user_client.get("/cart/")

    line = response.context["summary"].lines[0]
    assert [image.alt_text for image in line.variant.product.images.all()] == [
        "First picture"
    ]
    assert 'alt="First picture"' in response.content.decode()
    assert "Second picture" not in response.content.decode()


def test_visitor_cart_page_shows_the_sessions_lines(pin_client):
    variant = ProductVariantFactory(label="2 kg")
    pin_client.post("/cart/add/", {"variant": variant.pk, "quantity": 3, "next": "/"})

    response = pin_client.get("/cart/")

    assert response.status_code == 200
    assert [line.quantity for line in response.context["summary"].lines] == [3]
