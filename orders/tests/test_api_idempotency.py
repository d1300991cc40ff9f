"""Idempotency-Key on placing orders and adding to the cart: retries are safe,
a key reused for another request is refused, keys expire after a day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import ProductVariant
from orders.models import CartLine, DeliverySlot, Order
from orders.tests.factories import DeliverySlotFactory
from shop.models import IdempotencyRecord
from shop.tasks import idempotency_records_prune

pytestmark = pytest.mark.django_db


def _place(client, address, slot, key):
    return client.post(
        "/api/v1/orders/",
        {"address": address.pk, "slot": slot.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _add(client, variant, quantity, key):
    return client.post(
        "/api/v1/cart/items/",
        {"variant": variant.pk, "quantity": quantity},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_key_for_another_slot_is_refused_and_books_nothing(
    auth_api_client, user, address, slot, variant, fill_cart
):
    other_slot = DeliverySlotFactory(capacity=20)
    fill_cart(user, (variant, 2))
    first = _place(auth_api_client, address, slot, "key-1")
    fill_cart(user, (variant, 1))

    again = _place(auth_api_client, address, other_slot, "key-1")

    assert first.status_code == 201
    assert again.status_code == 422
    assert again.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    assert Order.objects.get().slot_id == slot.pk
    assert DeliverySlot.objects.get(pk=other_slot.pk).booked == 0
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8


def test_a_key_older_than_a_day_places_a_new_order(
    auth_api_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))
    first = _place(auth_api_client, address, slot, "key-2")
    IdempotencyRecord.objects.update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    fill_cart(user, (variant, 1))

    later = _place(auth_api_client, address, slot, "key-2")

    assert later.status_code == 201
    assert later.json()["number"] != first.json()["number"]
    assert Order.objects.count() == 2


def test_a_retried_add_to_cart_adds_once_and_answers_the_same(auth_api_client, variant):
    first = _add(auth_api_client, variant, 2, "add-1")
    retry = _add(auth_api_client, variant, 2, "add-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [2]


def test_an_add_to_cart_key_reused_for_another_quantity_is_refused(
    auth_api_client, variant
):
    _add(auth_api_client, variant, 2, "add-2")

    response = _add(auth_api_client, variant, 3, "add-2")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [2]


def test_a_refused_add_is_not_remembered(auth_api_client, variant):
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)
    refused = _add(auth_api_client, variant, 1, "add-3")
    ProductVariant.objects.filter(pk=variant.pk).update(is_active=True)

    retry = _add(auth_api_client, variant, 1, "add-3")

    assert refused.status_code == 409
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry


def test_keys_are_per_user(auth_api_client, other_user, variant):
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    other = APIClient()
    other.credentials(
        HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(other_user).access_token}"
    )

    mine = _add(auth_api_client, variant, 1, "shared")
    theirs = _add(other, variant, 2, "shared")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert sorted(CartLine.objects.values_list("quantity", flat=True)) == [1, 2]


def test_expired_records_are_cleaned_up(auth_api_client, variant):
    _add(auth_api_client, variant, 1, "old")
    _add(auth_api_client, variant, 1, "new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )

    deleted = idempotency_records_prune.delay().get()

    assert deleted == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
