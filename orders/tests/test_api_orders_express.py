"""`POST orders/` takes the delivery kind: express, a slot, or (v1) what the
address's store offers; orders answer their kind, promise and store."""

from datetime import datetime, timedelta

import pytest

from catalog.models import ProductVariant
from orders.models import DarkStore, DeliveryKind, DeliverySlot, Order

pytestmark = pytest.mark.django_db


def _place(client, body):
    return client.post("/api/v1/orders/", body, format="json")


def test_express_answers_201_with_its_kind_promise_and_store(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, {"address": address.pk, "delivery": "express"})

    body = response.json()
    order = Order.objects.get()
    assert response.status_code == 201
    assert (body["delivery_kind"], body["slot"]) == ("express", None)
    assert body["store"] == {"id": order.store_id, "name": "Indiranagar"}
    promised = datetime.fromisoformat(body["promised_at"])
    assert promised == order.promised_at
    assert order.promised_at - order.created_at == pytest.approx(
        timedelta(minutes=10), abs=timedelta(seconds=1)
    )
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 0


def test_express_when_full_is_409_offering_slots(
    auth_api_client, user, address, slot, variant, fill_cart
):
    DarkStore.objects.update(express_capacity=0)
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, {"address": address.pk, "delivery": "express"})

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "express_full"
    assert "please choose a delivery slot" in body["detail"]
    assert [(s["id"], s["remaining"]) for s in body["slots"]] == [(slot.pk, 20)]
    assert not Order.objects.exists()
    assert ProductVariant.objects.get(pk=variant.pk).stock == 10


def test_a_v1_body_with_a_slot_books_the_slot(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, {"address": address.pk, "slot": slot.pk})

    body = response.json()
    assert response.status_code == 201
    assert body["delivery_kind"] == "slot"
    assert body["slot"]["id"] == slot.pk
    assert datetime.fromisoformat(body["promised_at"]) == slot.ends_at


def test_delivery_slot_with_its_slot_books_it(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))

    response = _place(
        auth_api_client, {"address": address.pk, "delivery": "slot", "slot": slot.pk}
    )

    assert response.status_code == 201
    assert Order.objects.get().delivery_kind == DeliveryKind.SLOT


def test_neither_goes_express_when_the_store_offers_it(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, {"address": address.pk})

    assert response.status_code == 201
    assert response.json()["delivery_kind"] == "express"


def test_neither_while_express_is_full_asks_for_a_slot(
    auth_api_client, user, address, slot, variant, fill_cart
):
    DarkStore.objects.update(express_capacity=0)
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, {"address": address.pk})

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "slot_required"
    assert [s["id"] for s in body["slots"]] == [slot.pk]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("delivery", "with_slot", "message"),
    [
        ("express", True, "Express delivery takes no slot"),
        ("slot", False, "Choose a slot from delivery/slots/."),
        ("drone", False, "Choose `express` or `slot`."),
    ],
)
def test_contradictory_deliveries_are_400(
    auth_api_client,
    user,
    address,
    slot,
    variant,
    fill_cart,
    delivery,
    with_slot,
    message,
):
    fill_cart(user, (variant, 2))
    body = {"address": address.pk, "delivery": delivery}
    if with_slot:
        body["slot"] = slot.pk

    response = _place(auth_api_client, body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert message in str(response.json()["fields"])
    assert not Order.objects.exists()


def test_an_unknown_slot_is_404(auth_api_client, user, address, variant, fill_cart):
    fill_cart(user, (variant, 2))

    response = _place(auth_api_client, {"address": address.pk, "slot": 999_999})

    assert response.status_code == 404
    assert not Order.objects.exists()


def test_the_order_list_carries_kind_promise_and_store(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))
    _place(auth_api_client, {"address": address.pk, "delivery": "express"})

    [order] = auth_api_client.get("/api/v1/orders/").json()["results"]

    assert order["delivery_kind"] == "express"
    assert order["promised_at"] is not None
    assert order["store"]["name"] == "Indiranagar"
