"""Checkout offers express beside the store's slots; the order page counts
down to the promised time."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import DarkStore, DeliveryKind, Order, OrderStatus
from orders.tests.factories import DeliverySlotFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]


def _form(user_client, address, **delivery):
    token = _token(user_client.get("/checkout/"))
    return {"address": address.pk, "token": token, **delivery}


def test_express_is_placed_with_its_promise(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))

    response = user_client.post(
        "/checkout/", _form(user_client, address, delivery="express")
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == f"/orders/{order.number}/pay/"
    assert (order.delivery_kind, order.slot) == (DeliveryKind.EXPRESS, None)
    assert order.promised_at - order.created_at == pytest.approx(
        timedelta(minutes=10), abs=timedelta(seconds=1)
    )


def test_a_slot_chosen_in_the_delivery_group_is_booked(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))

    user_client.post("/checkout/", _form(user_client, address, delivery=slot.pk))

    order = Order.objects.get()
    assert (order.delivery_kind, order.slot, order.promised_at) == (
        DeliveryKind.SLOT,
        slot,
        slot.ends_at,
    )


def test_express_when_full_answers_409_with_the_slots_and_no_order(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))
    form = _form(user_client, address, delivery="express")
    DarkStore.objects.update(express_capacity=0)

    response = user_client.post("/checkout/", form)

    html = response.content.decode()
    assert response.status_code == 409
    assert "Express delivery from Indiranagar is fully booked for now" in html
    assert 'name="delivery" value="express"' not in html
    assert f'name="delivery" value="{slot.pk}" form="checkout-form" checked' in html
    assert not Order.objects.exists()


def test_a_full_store_preselects_the_soonest_slot_and_says_why(
    user_client, user, address, slot, variant, fill_cart
):
    DarkStore.objects.update(express_capacity=0)
    fill_cart(user, (variant, 1))

    html = user_client.get("/checkout/").content.decode()

    assert "Express delivery is not available right now." in html
    assert f'name="delivery" value="{slot.pk}" form="checkout-form" checked' in html


def test_a_bad_delivery_choice_is_400(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))

    response = user_client.post(
        "/checkout/", _form(user_client, address, delivery="tomorrow")
    )

    assert response.status_code == 400
    assert "Please choose express delivery or a delivery slot." in (
        response.content.decode()
    )
    assert not Order.objects.exists()


def test_an_unknown_slot_is_404_and_places_nothing(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))

    response = user_client.post(
        "/checkout/", _form(user_client, address, delivery=slot.pk + 1000)
    )

    assert response.status_code == 404
    assert "That delivery slot does not exist." in response.content.decode()
    assert not Order.objects.exists()


# THE ORDER PAGE


def _express_order(user, *, minutes: int, status=OrderStatus.PAID):
    return OrderFactory(
        user=user,
        slot=None,
        store=DeliverySlotFactory().store,
        delivery_kind=DeliveryKind.EXPRESS,
        status=status,
        promised_at=timezone.now() + timedelta(minutes=minutes),
    )


def test_the_order_page_counts_down_to_the_promise(user_client, user):
    order = _express_order(user, minutes=14)

    html = user_client.get(f"/orders/{order.number}/").content.decode()

    promised = timezone.localtime(order.promised_at)
    assert "Express delivery, arriving by" in html
    assert f'<time datetime="{promised.isoformat()}">{promised:%H:%M}</time>' in html
    assert re.search(r"data-countdown>in about 1[45] minutes</span>", html)
    assert "js/countdown.js" in html
    assert "Running late" not in html.split("data-late-text")[1].split(">", 1)[1]


def test_the_order_page_says_when_the_promise_passed(user_client, user):
    order = _express_order(user, minutes=-3)

    html = user_client.get(f"/orders/{order.number}/").content.decode()

    assert 'class="order-promise-late">Running late: it was promised by' in html


@pytest.mark.parametrize(
    "status", [OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.REFUNDED]
)
def test_an_order_that_arrived_or_stopped_shows_no_countdown(user_client, user, status):
    order = _express_order(user, minutes=-3, status=status)

    html = user_client.get(f"/orders/{order.number}/").content.decode()

    assert "data-promise" not in html
    assert "js/countdown.js" not in html


# EMAILS


def test_the_packed_email_of_an_express_order_gives_its_promised_time(user):
    from orders.emails import order_status_email_queue

    order = _express_order(user, minutes=12, status=OrderStatus.PACKED)

    email = order_status_email_queue(order=order, status=OrderStatus.PACKED)

    promised = timezone.localtime(order.promised_at)
    assert f"leave the store soon, to arrive by {promised:%H:%M}." in email.body_text
    assert "for delivery" not in email.body_text
