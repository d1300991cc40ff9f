import pytest

from accounts.tests.factories import AddressFactory
from catalog.models import ProductVariant
from orders.models import DeliverySlot, Order
from orders.services.placement import order_place
from orders.services.status import order_status_change
from orders.tests.factories import store_stock_set

pytestmark = pytest.mark.django_db


def _place(client, address, slot, **headers):
    return client.post(
        "/api/v1/orders/",
        {"address": address.pk, "slot": slot.pk},
        format="json",
        **headers,
    )


def test_place_answers_201_with_the_order(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, address, slot)

    body = response.json()
    assert response.status_code == 201
    assert body["status"] == "pending_payment"
    assert body["total"] == "110.00"
    assert body["can_cancel"] is True
    assert [line["sku"] for line in body["lines"]] == [variant.sku]
    assert [h["to_status"] for h in body["history"]] == ["pending_payment"]
    assert body["address"]["postal_code"] == "560001"


def test_same_idempotency_key_answers_200_with_the_same_order(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))
    first = _place(auth_api_client, address, slot, HTTP_IDEMPOTENCY_KEY="abc-123")
    fill_cart(user, (variant, 1))

    again = _place(auth_api_client, address, slot, HTTP_IDEMPOTENCY_KEY="abc-123")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Order.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8


def test_a_too_long_idempotency_key_is_refused(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, address, slot, HTTP_IDEMPOTENCY_KEY="k" * 97)

    assert response.status_code == 400
    assert not Order.objects.exists()


def test_out_of_stock_is_409_with_the_items(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 5))
    store_stock_set(variant=variant, quantity=2)

    response = _place(auth_api_client, address, slot)

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "out_of_stock"
    assert body["items"] == [
        {
            "variant": variant.pk,
            "sku": variant.sku,
            "name": f"{variant.product.name} (500 g)",
            "requested": 5,
            "available": 2,
        }
    ]
    assert ProductVariant.objects.get(pk=variant.pk).stock == 2
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 0


def test_empty_cart_is_400(auth_api_client, address, slot):
    response = _place(auth_api_client, address, slot)

    assert response.status_code == 400
    assert response.json()["code"] == "cart_empty"


def test_another_users_address_is_404(
    auth_api_client, user, other_user, area, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))
    theirs = AddressFactory(user=other_user)

    response = _place(auth_api_client, theirs, slot)

    assert response.status_code == 404
    assert not Order.objects.exists()


def test_unknown_slot_is_404(auth_api_client, user, address, variant, fill_cart):
    fill_cart(user, (variant, 1))

    response = auth_api_client.post(
        "/api/v1/orders/", {"address": address.pk, "slot": 987654}, format="json"
    )

    assert response.status_code == 404
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10


def test_full_slot_is_409(auth_api_client, user, address, slot, variant, fill_cart):
    DeliverySlot.objects.filter(pk=slot.pk).update(capacity=1, booked=1)
    fill_cart(user, (variant, 1))

    response = _place(auth_api_client, address, slot)

    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"


@pytest.mark.parametrize(
    "payload", [{}, {"address": "x", "slot": 1}, {"address": -1, "slot": 1}]
)
def test_bad_place_input_is_400(auth_api_client, payload):
    response = auth_api_client.post("/api/v1/orders/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_placing_is_rate_limited(
    auth_api_client, settings, user, address, slot, variant, fill_cart
):
    settings.SHOP_RATE_CHECKOUT = "2/m"
    fill_cart(user, (variant, 1))

    statuses = [_place(auth_api_client, address, slot).status_code for _ in range(3)]

    assert statuses == [201, 400, 429]


def test_list_shows_only_my_orders_with_history(
    auth_api_client, placed_order, other_user, area, slot, variant, fill_cart
):
    fill_cart(other_user, (variant, 1))
    order_place(user=other_user, address=AddressFactory(user=other_user), slot=slot)

    body = auth_api_client.get("/api/v1/orders/").json()

    assert body["count"] == 1
    assert [o["number"] for o in body["results"]] == [placed_order.number]
    assert body["results"][0]["history"][0]["to_status"] == "pending_payment"


def test_list_runs_five_queries(
    auth_api_client,
    user,
    address,
    variant,
    fill_cart,
    django_assert_num_queries,
    settings,
):
    from orders.tests.factories import DeliverySlotFactory

    settings.SHOP_MAX_UNPAID_ORDERS = 8

    for _ in range(8):
        fill_cart(user, (variant, 1))
        order_place(user=user, address=address, slot=DeliverySlotFactory())

    with django_assert_num_queries(5):
        response = auth_api_client.get("/api/v1/orders/")

    assert response.json()["count"] == 8


def test_detail_of_my_order(auth_api_client, placed_order):
    order_status_change(order=placed_order, to_status="paid")

    body = auth_api_client.get(f"/api/v1/orders/{placed_order.number}/").json()

    assert body["number"] == placed_order.number
    assert [h["to_status"] for h in body["history"]] == ["pending_payment", "paid"]


def test_detail_of_another_users_order_is_404(api_client, other_user, placed_order):
    from rest_framework_simplejwt.tokens import RefreshToken

    token = RefreshToken.for_user(other_user).access_token
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api_client.get(f"/api/v1/orders/{placed_order.number}/")
    cancel = api_client.post(f"/api/v1/orders/{placed_order.number}/cancel/")

    assert response.status_code == 404
    assert cancel.status_code == 404
    placed_order.refresh_from_db()
    assert placed_order.status == "pending_payment"


def test_cancel_gives_stock_back(auth_api_client, placed_order, variant):
    response = auth_api_client.post(f"/api/v1/orders/{placed_order.number}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["can_cancel"] is False
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10


def test_cancel_after_packing_is_409(auth_api_client, placed_order, variant):
    order_status_change(order=placed_order, to_status="paid")
    order_status_change(order=placed_order, to_status="packed")

    response = auth_api_client.post(f"/api/v1/orders/{placed_order.number}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"
    placed_order.refresh_from_db()
    assert placed_order.status == "packed"
    assert ProductVariant.objects.get(pk=variant.pk).stock == 7


@pytest.mark.parametrize("number", ["ab%00c", "x" * 40, "FC%20123"])
def test_impossible_order_numbers_are_404(auth_api_client, number):
    assert auth_api_client.get(f"/api/v1/orders/{number}/").status_code == 404
    assert auth_api_client.post(f"/api/v1/orders/{number}/cancel/").status_code == 404


def test_an_out_of_range_line_id_is_404(auth_api_client):
    response = auth_api_client.patch(
        f"/api/v1/cart/items/{10**30}/", {"quantity": 1}, format="json"
    )

    assert response.status_code == 404


def test_place_over_one_orders_share_is_409_with_the_allowed_quantity(
    auth_api_client, user, address, slot, fill_cart
):
    from catalog.tests.factories import ProductVariantFactory

    scarce = ProductVariantFactory(stock=12)
    fill_cart(user, (scarce, 7))

    response = _place(auth_api_client, address, slot)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "order_share_exceeded"
    assert body["items"] == [
        {
            "variant": scarce.pk,
            "sku": scarce.sku,
            "name": f"{scarce.product.name} ({scarce.label})",
            "requested": 7,
            "allowed": 6,
        }
    ]


def test_place_with_an_unverified_email_is_403(
    auth_api_client, user, address, slot, variant, fill_cart
):
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])
    fill_cart(user, (variant, 1))

    response = _place(auth_api_client, address, slot)

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


def test_a_third_unpaid_order_is_409(
    auth_api_client, user, address, slot, variant, fill_cart
):
    for _ in range(3):
        fill_cart(user, (variant, 1))
        response = _place(auth_api_client, address, slot)

    assert response.status_code == 409
    assert response.json()["code"] == "too_many_unpaid_orders"
