from decimal import Decimal

import pytest

from catalog.tests.factories import ProductImageFactory, ProductVariantFactory
from orders.models import CartLine
from orders.services.cart import cart_get_or_create, cart_line_add

pytestmark = pytest.mark.django_db


def test_cart_needs_a_token(api_client):
    response = api_client.get("/api/v1/cart/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_empty_cart(auth_api_client):
    body = auth_api_client.get("/api/v1/cart/").json()

    assert body["lines"] == []
    assert body["count"] == 0
    assert body["subtotal"] == "0.00"
    assert body["delivery_fee"] == "0.00"
    assert body["free_delivery_left"] == "499.00"
    assert body["currency"] == "INR"


def test_add_then_get_shows_lines_and_totals(auth_api_client, variant):
    response = auth_api_client.post(
        "/api/v1/cart/items/", {"variant": variant.pk, "quantity": 3}, format="json"
    )

    assert response.status_code == 201
    body = auth_api_client.get("/api/v1/cart/").json()
    [line] = body["lines"]
    assert line["variant"] == variant.pk
    assert line["sku"] == variant.sku
    assert line["quantity"] == 3
    assert line["unit_price"] == "40.00"
    assert line["line_total"] == "120.00"
    assert line["max_quantity"] == 10
    assert body["subtotal"] == "120.00"
    assert body["delivery_fee"] == "30.00"
    assert body["total"] == "150.00"
    assert body["free_delivery_left"] == "379.00"


def test_add_beyond_stock_is_capped_with_a_message(auth_api_client, variant):
    response = auth_api_client.post(
        "/api/v1/cart/items/", {"variant": variant.pk, "quantity": 20}, format="json"
    )

    body = response.json()
    assert response.status_code == 201
    assert body["lines"][0]["quantity"] == 10
    assert body["messages"][0].startswith("Only 10 of")


@pytest.mark.parametrize(
    "payload",
    [
        {"variant": 1, "quantity": 0},
        {"variant": 1, "quantity": -3},
        {"variant": 1, "quantity": 51},
        {"variant": 1, "quantity": 10**30},
        {"variant": 1, "quantity": "lots"},
        {"variant": "x", "quantity": 1},
        {"variant": 10**30, "quantity": 1},
        {"quantity": 1},
    ],
)
def test_add_refuses_bad_input(auth_api_client, variant, payload):
    payload = {**payload}
    if payload.get("variant") == 1:
        payload["variant"] = variant.pk

    response = auth_api_client.post("/api/v1/cart/items/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not CartLine.objects.exists()


def test_add_refuses_malformed_json(auth_api_client):
    response = auth_api_client.generic(
        "POST", "/api/v1/cart/items/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_add_of_an_unknown_variant_is_404(auth_api_client):
    response = auth_api_client.post(
        "/api/v1/cart/items/", {"variant": 999999, "quantity": 1}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_add_of_an_inactive_variant_is_409(auth_api_client):
    variant = ProductVariantFactory(is_active=False)

    response = auth_api_client.post(
        "/api/v1/cart/items/", {"variant": variant.pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "unavailable"
    assert not CartLine.objects.exists()


def test_patch_changes_and_zero_removes(auth_api_client, user, variant):
    line = cart_line_add(
        cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=1
    ).line

    response = auth_api_client.patch(
        f"/api/v1/cart/items/{line.pk}/", {"quantity": 4}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["lines"][0]["quantity"] == 4

    response = auth_api_client.patch(
        f"/api/v1/cart/items/{line.pk}/", {"quantity": 0}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["lines"] == []


def test_delete_removes_the_line(auth_api_client, user, variant):
    line = cart_line_add(
        cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=1
    ).line

    response = auth_api_client.delete(f"/api/v1/cart/items/{line.pk}/")

    assert response.status_code == 204
    assert not CartLine.objects.exists()


def test_another_users_line_is_404_for_patch_and_delete(
    auth_api_client, other_user, variant
):
    line = cart_line_add(
        cart=cart_get_or_create(user=other_user), variant_id=variant.pk, quantity=2
    ).line

    patched = auth_api_client.patch(
        f"/api/v1/cart/items/{line.pk}/", {"quantity": 5}, format="json"
    )
    deleted = auth_api_client.delete(f"/api/v1/cart/items/{line.pk}/")

    assert patched.status_code == 404
    assert deleted.status_code == 404
    line.refresh_from_db()
    assert line.quantity == 2


def test_cart_get_runs_five_queries_for_many_lines(
    auth_api_client, user, django_assert_num_queries
):
    cart = cart_get_or_create(user=user)
    for _ in range(10):
        variant = ProductVariantFactory(price=Decimal("10.00"))
        ProductImageFactory(product=variant.product)
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)

    # The user, the store of the default address, the cart, its lines (with
    # that store's shelf) and their first pictures.
    with django_assert_num_queries(5):
        response = auth_api_client.get("/api/v1/cart/")

    assert len(response.json()["lines"]) == 10
    assert response.json()["lines"][0]["image"].startswith("/media/")
