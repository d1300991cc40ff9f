import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Address
from accounts.tests.factories import AddressFactory
from catalog.models import ProductVariant
from orders.models import CartLine, DarkStore, DeliverySlot, Order
from orders.tests.factories import DeliverySlotFactory, store_stock_set

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]


def test_checkout_needs_a_login(client):
    response = client.get("/checkout/")

    assert response.status_code == 302
    assert response.url.startswith("/account/login/?next=/checkout/")


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(user_client):
    response = user_client.get("/checkout/")

    assert response.status_code == 302
    assert response.url == "/cart/"


def test_checkout_page_offers_addresses_slots_and_the_bill(
    user_client, user, address, slot, variant, fill_cart
):
    far = AddressFactory(user=user, postal_code="110001", label="Parents")
    fill_cart(user, (variant, 2))

    response = user_client.get("/checkout/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="address" value="{address.pk}" form="checkout-form" checked' in html
    assert f'name="address" value="{far.pk}" form="checkout-form"  disabled' in html
    assert "We do not deliver to 110001 yet" in html
    assert 'name="delivery" value="express" form="checkout-form" checked' in html
    assert "Express — arrives in about 10 minutes" in html
    assert f'name="delivery" value="{slot.pk}" form="checkout-form" >' in html
    assert "Place order · ₹110" in html
    assert len(_token(response)) >= 16


def test_placing_redirects_to_payment(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))
    token = _token(user_client.get("/checkout/"))

    response = user_client.post(
        "/checkout/", {"address": address.pk, "slot": slot.pk, "token": token}
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == f"/orders/{order.number}/pay/"
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8


def test_a_double_click_places_one_order(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 2))
    token = _token(user_client.get("/checkout/"))
    form = {"address": address.pk, "slot": slot.pk, "token": token}

    first = user_client.post("/checkout/", form)
    second = user_client.post("/checkout/", form)

    assert first.url == second.url
    assert Order.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8
    assert DeliverySlot.objects.get(pk=slot.pk).booked == 1


def test_out_of_stock_shows_what_is_left_and_takes_nothing(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 4))
    token = _token(user_client.get("/checkout/"))
    store_stock_set(variant=variant, quantity=1)

    response = user_client.post(
        "/checkout/", {"address": address.pk, "slot": slot.pk, "token": token}
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Not enough stock" in html
    assert f"<td>{variant.product.name} (500 g)</td><td>4</td><td>1</td>" in html
    assert not Order.objects.exists()
    assert ProductVariant.objects.get(pk=variant.pk).stock == 1
    # The page shown again caps the cart to what is left, and says so.
    assert "Only 1 of" in html
    assert CartLine.objects.get().quantity == 1


def test_another_users_address_is_404(
    user_client, user, other_user, area, slot, variant, fill_cart
):
    theirs = AddressFactory(user=other_user)
    fill_cart(user, (variant, 1))

    response = user_client.post(
        "/checkout/", {"address": theirs.pk, "slot": slot.pk, "token": "t" * 32}
    )

    assert response.status_code == 404
    assert not Order.objects.exists()


def test_unserviceable_address_is_refused(
    user_client, user, area, slot, variant, fill_cart
):
    far = AddressFactory(user=user, postal_code="110001")
    fill_cart(user, (variant, 1))

    response = user_client.post(
        "/checkout/", {"address": far.pk, "slot": slot.pk, "token": "t" * 32}
    )

    assert response.status_code == 400
    assert "do not deliver to 110001" in response.content.decode()
    assert not Order.objects.exists()


def test_missing_choices_are_400(user_client, user, variant, fill_cart):
    fill_cart(user, (variant, 1))

    response = user_client.post("/checkout/", {"token": "t" * 32})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please choose a delivery address." in html
    assert "Please choose express delivery or a delivery slot." in html


def test_checkout_is_rate_limited(
    user_client, settings, user, address, slot, variant, fill_cart
):
    settings.SHOP_RATE_CHECKOUT = "1/m"
    fill_cart(user, (variant, 1))
    form = {"address": address.pk, "slot": slot.pk, "token": "t" * 32}

    user_client.post("/checkout/", form)
    response = user_client.post("/checkout/", form)

    assert response.status_code == 429


def test_adding_an_address_from_checkout_uses_the_address_book(
    user_client, user, area, variant, fill_cart
):
    fill_cart(user, (variant, 1))

    response = user_client.post(
        "/checkout/address/",
        {
            "new-label": "Office",
            "new-name": "Asha Rao",
            "new-phone": "98765 43210",
            "new-line1": "1 Brigade Road",
            "new-city": "Bengaluru",
            "new-state": "Karnataka",
            "new-postal_code": "560001",
            "new-country": "IN",
        },
    )

    address = Address.objects.get(user=user)
    assert response.status_code == 302
    assert response.url == f"/checkout/?address={address.pk}"
    assert address.phone == "+919876543210"
    assert address.is_default is True


def test_a_bad_new_address_is_400_and_not_stored(user_client, user, variant, fill_cart):
    fill_cart(user, (variant, 1))

    response = user_client.post(
        "/checkout/address/", {"new-name": "A", "new-postal_code": "12"}
    )

    assert response.status_code == 400
    assert "6-digit PIN code" in response.content.decode()
    assert not Address.objects.exists()


def test_a_third_unpaid_order_is_refused_on_the_page_with_why(
    user_client, user, address, slot, variant, fill_cart
):
    for _ in range(3):
        fill_cart(user, (variant, 1))
        token = _token(user_client.get("/checkout/"))
        response = user_client.post(
            "/checkout/", {"address": address.pk, "slot": slot.pk, "token": token}
        )

    assert response.status_code == 409
    assert "You already have 2 orders waiting for payment." in (
        response.content.decode()
    )
    assert Order.objects.count() == 2
    assert Order.objects.filter(client_ip="127.0.0.1").count() == 2


def test_an_unverified_shopper_is_told_to_confirm_the_email(
    user_client, user, address, slot, variant, fill_cart
):
    user.email_verified_at = None
    user.save(update_fields=["email_verified_at"])
    fill_cart(user, (variant, 1))
    token = _token(user_client.get("/checkout/"))

    response = user_client.post(
        "/checkout/", {"address": address.pk, "slot": slot.pk, "token": token}
    )

    assert response.status_code == 403
    assert "Please confirm your email address before ordering" in (
        response.content.decode()
    )
    assert not Order.objects.exists()


PLACE_BUTTON = (
    '<button type="submit" form="checkout-form" class="btn btn-primary btn-block"'
)
PLACE_ENABLED = f"{PLACE_BUTTON}>Place order"
PLACE_DISABLED = f'{PLACE_BUTTON} disabled aria-describedby="place-order-reason">Place'


def test_place_order_is_enabled_when_an_address_and_a_slot_are_there(
    user_client, user, address, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))

    html = user_client.get("/checkout/").content.decode()

    assert PLACE_ENABLED in html
    assert "disabled aria-describedby" not in html
    assert "cannot be placed yet" not in html


def test_without_an_address_the_page_names_the_served_pin_codes_first(
    user_client, user, area, slot, variant, fill_cart
):
    fill_cart(user, (variant, 1))

    response = user_client.get("/checkout/")

    html = response.content.decode()
    reason = "Add a delivery address in one of these PIN codes: 560001 (MG Road)."
    assert response.status_code == 200
    assert PLACE_DISABLED in html
    # Said at the top, before the address form, and again by the button.
    assert html.index("This order cannot be placed yet.") < html.index(
        "1. Delivery address"
    )
    assert (
        f'<p class="small place-order-reason" id="place-order-reason">{reason}</p>'
        in html
    )
    assert "We deliver to these PIN codes: <strong>560001</strong> MG Road." in html
    assert '<details class="add-address" open>' in html


def test_with_only_unserved_addresses_place_order_is_disabled_with_the_reason(
    user_client, user, area, slot, variant, fill_cart
):
    far = AddressFactory(user=user, postal_code="110001", label="Parents")
    fill_cart(user, (variant, 1))

    html = user_client.get(f"/checkout/?address={far.pk}").content.decode()

    assert PLACE_DISABLED in html
    assert (
        "None of your addresses is in an area we deliver to. Add one in one of "
        "these PIN codes: 560001 (MG Road)." in html
    )
    assert f'value="{far.pk}" form="checkout-form"  disabled' in html
    assert "checked" not in html.split('name="address"')[1].split(">")[0]


def test_an_unserved_address_asked_for_falls_back_to_a_served_one(
    user_client, user, address, slot, variant, fill_cart
):
    far = AddressFactory(user=user, postal_code="110001", label="Parents")
    fill_cart(user, (variant, 1))

    html = user_client.get(f"/checkout/?address={far.pk}").content.decode()

    assert f'name="address" value="{address.pk}" form="checkout-form" checked' in html
    assert PLACE_ENABLED in html


def test_without_a_slot_or_express_place_order_is_disabled_with_the_reason(
    user_client, user, address, variant, fill_cart
):
    DeliverySlot.objects.all().delete()
    DarkStore.objects.update(express_capacity=0)
    fill_cart(user, (variant, 1))

    html = user_client.get("/checkout/").content.decode()

    reason = "No delivery slot is open right now. Please try again a little later."
    assert PLACE_DISABLED in html
    assert (
        f'<p class="small place-order-reason" id="place-order-reason">{reason}</p>'
        in html
    )
    assert html.index(reason) < html.index("1. Delivery address")


def test_a_full_slot_is_not_offered_and_its_absence_disables_placing(
    user_client, user, address, slot, variant, fill_cart
):
    DeliverySlot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    DarkStore.objects.update(express_capacity=0)
    fill_cart(user, (variant, 1))

    html = user_client.get("/checkout/").content.decode()

    assert f'name="delivery" value="{slot.pk}"' not in html
    assert PLACE_DISABLED in html


def test_checkout_opens_slots_on_demand_where_no_beat_runs(
    user_client, settings, user, address, variant, fill_cart
):
    settings.SHOP_DELIVERY_SLOTS_ON_DEMAND = True
    settings.SHOP_DELIVERY_FIRST_HOUR = 0
    settings.SHOP_DELIVERY_LAST_HOUR = 23
    fill_cart(user, (variant, 1))

    html = user_client.get("/checkout/").content.decode()

    first = DeliverySlot.objects.order_by("starts_at").first()
    assert first is not None
    assert f'name="delivery" value="{first.pk}" form="checkout-form" >' in html
    assert PLACE_ENABLED in html


def test_slots_are_grouped_by_the_shops_local_day(
    user_client, user, address, variant, fill_cart
):
    # 04:00 and 06:00 in Bengaluru fall on two UTC dates (the day turns at 05:30).
    DeliverySlot.objects.all().delete()
    zone = timezone.get_current_timezone()
    day = timezone.localdate() + timedelta(days=1)
    for hour in (4, 6):
        starts_at = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
        DeliverySlotFactory(starts_at=starts_at)
    fill_cart(user, (variant, 1))

    html = user_client.get("/checkout/").content.decode()

    assert re.findall(r'<p class="slot-day">([^<]+)</p>', html) == [
        f"{day:%A} {day.day} {day:%B}"
    ]
