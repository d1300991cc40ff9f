"""The cart at the shopper's store: ADD asks for a PIN code first, the store's
shelf caps lines, and lines a new store lacks are set apart and refused."""

import re

import pytest

from accounts.tests.factories import AddressFactory
from catalog.tests.factories import ProductVariantFactory
from orders.models import CartLine, Order
from orders.selectors import SESSION_POSTAL_CODE_KEY
from orders.services.cart import cart_get_or_create, cart_line_add
from orders.tests.factories import (
    DarkStoreFactory,
    DeliverySlotFactory,
    ServiceAreaFactory,
    store_stock_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(area):
    """Indiranagar serves 560001 (`area`), Koramangala 560095."""
    here = area.store
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code="560095", name="Koramangala", store=there)
    return here, there


@pytest.fixture
def scarce(stores):
    """Three on Indiranagar's shelf, eight on Koramangala's."""
    here, there = stores
    variant = ProductVariantFactory(stock=0, label="1 kg")
    store_stock_set(variant=variant, quantity=3, store=here)
    store_stock_set(variant=variant, quantity=8, store=there)
    return variant


@pytest.fixture
def only_there(stores):
    """None at Indiranagar, five at Koramangala."""
    _here, there = stores
    variant = ProductVariantFactory(stock=0, label="500 g")
    store_stock_set(variant=variant, quantity=5, store=there)
    return variant


def _set_pin(client, postal_code):
    session = client.session
    session[SESSION_POSTAL_CODE_KEY] = postal_code
    session.save()


def _pending_url(variant, quantity=1, next_url="%2Fc%2Ffruits%2F%23product-x"):
    return (
        f"/delivery/area/?variant={variant.pk}&quantity={quantity}&mode=add"
        f"&next={next_url}"
    )


# ADD WITHOUT A PIN CODE


def test_add_without_a_pin_code_goes_to_the_pin_page_keeping_the_add(client, scarce):
    response = client.post(
        "/cart/add/",
        {"variant": scarce.pk, "quantity": "2", "next": "/c/fruits/#product-x"},
    )

    assert response.status_code == 302
    assert response.url == _pending_url(scarce, 2)
    assert not CartLine.objects.exists()


def test_the_pin_page_says_what_waits_and_carries_it(client, scarce):
    page = client.get(_pending_url(scarce, 2)).content.decode()

    assert "Where should we deliver?" in page
    assert f"{scarce.product.name} (1 kg)" in page
    for name, value in (("variant", scarce.pk), ("quantity", 2), ("mode", "add")):
        # The PIN form and each served PIN code's one-tap button carry it.
        assert page.count(f'name="{name}" value="{value}"') == 2
    assert 'name="next" value="/c/fruits/#product-x"' in page
    assert re.findall(r'name="postal_code" value="(\d+)"', page) == [
        "560001",
        "560095",
    ]


def test_a_served_pin_code_sets_the_store_then_adds_and_goes_back(client, scarce):
    response = client.post(
        "/delivery/area/",
        {
            "postal_code": "560095",
            "variant": scarce.pk,
            "quantity": "5",
            "mode": "add",
            "next": "/c/fruits/#product-x",
        },
        follow=True,
    )

    assert response.redirect_chain == [("/c/fruits/#product-x", 302)]
    assert client.session[SESSION_POSTAL_CODE_KEY] == "560095"
    # Koramangala's shelf has eight: all five went in.
    assert list(CartLine.objects.values_list("variant_id", "quantity")) == [
        (scarce.pk, 5)
    ]
    html = response.content.decode()
    assert f"Added {scarce.product.name} (1 kg) to your cart." in html
    assert "We deliver to 560095 in about 10 minutes." in html


def test_the_waiting_add_is_capped_by_the_chosen_stores_shelf(client, scarce):
    response = client.post(
        "/delivery/area/",
        {"postal_code": "560001", "variant": scarce.pk, "quantity": "5"},
        follow=True,
    )

    assert CartLine.objects.get().quantity == 3
    assert "Only 3 of" in response.content.decode()


def test_a_waiting_add_the_chosen_store_lacks_is_refused_and_said(client, only_there):
    response = client.post(
        "/delivery/area/",
        {"postal_code": "560001", "variant": only_there.pk, "quantity": "1"},
        follow=True,
    )

    assert client.session[SESSION_POSTAL_CODE_KEY] == "560001"
    assert not CartLine.objects.exists()
    assert "is out of stock at your store." in response.content.decode()


def test_an_unserved_pin_code_names_the_served_ones_and_keeps_the_add(client, scarce):
    response = client.post(
        "/delivery/area/",
        {
            "postal_code": "110001",
            "variant": scarce.pk,
            "quantity": "2",
            "mode": "add",
            "next": "/p/x/",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "Sorry, we do not deliver to 110001 yet. We deliver to 560001 (MG Road), "
        "560095 (Koramangala)." in html
    )
    assert f'name="variant" value="{scarce.pk}"' in html
    assert 'name="next" value="/p/x/"' in html
    assert SESSION_POSTAL_CODE_KEY not in client.session
    assert not CartLine.objects.exists()


def test_a_fetch_add_without_a_pin_code_asks_for_one_in_json(client, scarce):
    response = client.post(
        "/cart/add/",
        {"variant": scarce.pk, "next": "/c/fruits/"},
        HTTP_ACCEPT="application/json",
    )

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "postal_code_required"
    assert body["postal_code_url"] == _pending_url(scarce, 1, "%2Fc%2Ffruits%2F")
    assert body["served_areas"] == [
        {"postal_code": "560001", "name": "MG Road"},
        {"postal_code": "560095", "name": "Koramangala"},
    ]
    assert not CartLine.objects.exists()


def test_the_pin_dialog_is_answered_in_json(client, stores):
    refused = client.post(
        "/delivery/area/", {"postal_code": "110001"}, HTTP_ACCEPT="application/json"
    )
    malformed = client.post(
        "/delivery/area/", {"postal_code": "11"}, HTTP_ACCEPT="application/json"
    )
    served = client.post(
        "/delivery/area/", {"postal_code": "560095"}, HTTP_ACCEPT="application/json"
    )

    assert refused.status_code == 400
    assert refused.json() == {
        "code": "not_serviceable",
        "detail": "Sorry, we do not deliver to 110001 yet. We deliver to "
        "560001 (MG Road), 560095 (Koramangala).",
    }
    assert (malformed.status_code, malformed.json()["code"]) == (400, "invalid")
    assert served.json() == {
        "postal_code": "560095",
        "area_name": "Koramangala",
        "store": stores[1].pk,
        "express_minutes": 10,
    }
    assert client.session[SESSION_POSTAL_CODE_KEY] == "560095"


def test_removing_needs_no_pin_code(user_client, user, scarce):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=scarce.pk, quantity=2)

    response = user_client.post("/cart/set/", {"variant": scarce.pk, "quantity": 0})

    assert response.url == "/cart/"
    assert not CartLine.objects.exists()


# THE STORE'S SHELF CAPS THE CART


@pytest.mark.parametrize(("postal_code", "kept"), [("560001", 3), ("560095", 6)])
def test_add_is_capped_by_the_shoppers_stores_shelf(client, scarce, postal_code, kept):
    _set_pin(client, postal_code)

    response = client.post(
        "/cart/add/", {"variant": scarce.pk, "quantity": "6"}, follow=True
    )

    assert CartLine.objects.get().quantity == kept
    assert ("Only 3 of" in response.content.decode()) is (kept == 3)


def test_add_of_what_the_store_lacks_says_so(client, only_there):
    _set_pin(client, "560001")

    response = client.post(
        "/cart/add/", {"variant": only_there.pk}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"{only_there.product.name} (500 g) is out of stock at your store."
    )
    assert not CartLine.objects.exists()


def test_a_new_pin_code_sets_apart_what_its_store_lacks(
    user_client, user, scarce, only_there
):
    _set_pin(user_client, "560095")
    user_client.post("/cart/add/", {"variant": scarce.pk, "quantity": "2"})
    user_client.post("/cart/add/", {"variant": only_there.pk, "quantity": "4"})

    user_client.post("/delivery/area/", {"postal_code": "560001"})
    response = user_client.get("/cart/")

    summary = response.context["summary"]
    html = response.content.decode()
    assert [line.variant_id for line in summary.lines] == [scarce.pk]
    assert [line.variant_id for line in summary.unavailable] == [only_there.pk]
    assert summary.count == 2
    assert "Not available at your store" in html
    assert "The store delivering to 560001 has none of these right now." in html
    # The header's count elsewhere is the bill's.
    assert (
        "<span data-cart-count>2</span> items" in user_client.get("/").content.decode()
    )
    # Kept as it was: back at Koramangala it is in the bill again.
    assert CartLine.objects.get(variant=only_there).quantity == 4
    user_client.post("/delivery/area/", {"postal_code": "560095"})
    assert user_client.get("/cart/").context["summary"].count == 6


def test_checkout_refuses_what_the_addresses_store_lacks(
    user_client, user, stores, scarce, only_there, fill_cart
):
    here, _there = stores
    address = AddressFactory(user=user, postal_code="560001", is_default=True)
    slot = DeliverySlotFactory(store=here)
    fill_cart(user, (scarce, 1), (only_there, 2))

    page = user_client.get("/checkout/")
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode())[1]
    placed = user_client.post(
        "/checkout/", {"address": address.pk, "slot": slot.pk, "token": token}
    )

    blocker = (
        f"{only_there.product.name} (500 g) is out of stock at the store delivering "
        "to 560001. Remove it from your cart, or choose another address."
    )
    assert blocker in page.context["blockers"]
    assert placed.status_code == 409
    assert "out of stock" in placed.content.decode()
    assert not Order.objects.exists()


# THE STORE FOLLOWS THE DEFAULT ADDRESS


def _address_form(postal_code, **extra):
    return {
        "label": "Home",
        "name": "Asha Rao",
        "phone": "9876543210",
        "line1": "12 MG Road",
        "city": "Bengaluru",
        "state": "Karnataka",
        "postal_code": postal_code,
        "country": "IN",
        **extra,
    }


def test_saving_a_served_default_address_sets_the_store(user_client, stores):
    response = user_client.post("/account/addresses/add/", _address_form("560095"))

    assert response.status_code == 302
    assert user_client.session[SESSION_POSTAL_CODE_KEY] == "560095"


def test_a_chosen_pin_code_stays_when_a_default_address_is_saved(user_client, stores):
    _set_pin(user_client, "560001")

    user_client.post("/account/addresses/add/", _address_form("560095"))

    assert user_client.session[SESSION_POSTAL_CODE_KEY] == "560001"


def test_an_unserved_or_not_default_address_sets_no_store(user_client, user, stores):
    AddressFactory(user=user, postal_code="110001", is_default=True)

    user_client.post("/account/addresses/add/", _address_form("560095"))
    user_client.post(
        "/account/addresses/add/", _address_form("110002", make_default="on")
    )

    assert SESSION_POSTAL_CODE_KEY not in user_client.session
