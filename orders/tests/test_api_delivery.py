from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import DarkStore, DeliverySlot
from orders.tests.factories import DeliverySlotFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_serviceability_of_a_served_pin_code(api_client, area):
    response = api_client.get("/api/v1/delivery/serviceability/?postal_code=560 001")

    assert response.status_code == 200
    assert response.json() == {
        "postal_code": "560001",
        "serviceable": True,
        "area_name": "MG Road",
        "promise_minutes": 15,
        "store": {
            "id": area.store_id,
            "name": "Indiranagar",
            "opens_at": "00:00:00",
            "closes_at": "23:59:59",
        },
        "is_open": True,
        "express": {"minutes": 10, "code": None, "reason": None, "places_left": 10},
    }


def test_serviceability_promises_more_minutes_for_a_longer_queue(api_client, area):
    for _ in range(3):
        OrderFactory(slot=DeliverySlotFactory(store=area.store), status="paid")

    response = api_client.get("/api/v1/delivery/serviceability/?postal_code=560001")

    assert response.json()["express"]["minutes"] == 10 + 3 * 2


def test_serviceability_of_a_full_store_says_why_there_is_no_express(api_client, area):
    DarkStore.objects.update(express_capacity=0)

    response = api_client.get("/api/v1/delivery/serviceability/?postal_code=560001")

    express = response.json()["express"]
    assert response.json()["is_open"] is True
    assert (express["minutes"], express["code"]) == (None, "express_full")
    assert "fully booked" in express["reason"]


def test_serviceability_of_a_closed_store(api_client, area):
    # Hours that begin two hours from now: closed at this moment, whenever it is.
    now = timezone.localtime()
    DarkStore.objects.update(
        opens_at=(now + timedelta(hours=2)).time(),
        closes_at=(now + timedelta(hours=3)).time(),
    )

    response = api_client.get("/api/v1/delivery/serviceability/?postal_code=560001")

    body = response.json()
    assert body["is_open"] is False
    assert (body["express"]["minutes"], body["express"]["code"]) == (
        None,
        "store_closed",
    )


def test_serviceability_of_an_unserved_pin_code(api_client, area):
    response = api_client.get("/api/v1/delivery/serviceability/?postal_code=110001")

    assert response.status_code == 200
    body = response.json()
    assert body["serviceable"] is False
    assert body["promise_minutes"] is None
    assert (body["store"], body["is_open"], body["express"]) == (None, None, None)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?postal_code=",
        "?postal_code=abc",
        "?postal_code=0123456",
        # Spaces count towards the 12 characters, as the schema says.
        "?postal_code=560001%20%20%20%20%20%20%20",
    ],
)
def test_serviceability_refuses_a_malformed_pin_code(api_client, query):
    response = api_client.get(f"/api/v1/delivery/serviceability/{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "postal_code" in response.json()["fields"]


def test_serviceability_ignores_a_stale_token(api_client, area):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    response = api_client.get("/api/v1/delivery/serviceability/?postal_code=560001")

    assert response.status_code == 200


def test_slots_lists_only_bookable_slots_with_what_is_left(api_client, area):
    open_slot = DeliverySlotFactory(capacity=5, booked=2)
    DeliverySlotFactory(capacity=5, booked=5)
    DeliverySlotFactory(is_active=False)
    DeliverySlotFactory(starts_at=timezone.now() - timedelta(minutes=5))

    response = api_client.get("/api/v1/delivery/slots/?postal_code=560001")

    body = response.json()
    assert response.status_code == 200
    assert body["postal_code"] == "560001"
    assert [(s["id"], s["remaining"]) for s in body["slots"]] == [(open_slot.pk, 3)]


def test_slots_refuse_an_unserved_pin_code(api_client, area, slot):
    response = api_client.get("/api/v1/delivery/slots/?postal_code=110001")

    assert response.status_code == 404
    assert response.json()["code"] == "not_serviceable"


def test_slots_are_opened_when_asked_for_where_no_beat_runs(api_client, area, settings):
    settings.SHOP_DELIVERY_SLOTS_ON_DEMAND = True
    settings.SHOP_DELIVERY_FIRST_HOUR = 0
    settings.SHOP_DELIVERY_LAST_HOUR = 23

    response = api_client.get("/api/v1/delivery/slots/?postal_code=560001")

    assert response.status_code == 200
    slots = response.json()["slots"]
    assert slots
    assert slots[0]["remaining"] == settings.SHOP_SLOT_CAPACITY
    assert DeliverySlot.objects.filter(pk=slots[0]["id"]).exists()
