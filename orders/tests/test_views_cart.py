import re
from decimal import Decimal

import pytest
from django.test import override_settings

from catalog.tests.factories import ProductImageFactory, ProductVariantFactory
from orders.models import Cart, CartLine
from orders.selectors import SESSION_POSTAL_CODE_KEY
from orders.services.cart import cart_get_or_create, cart_line_add
from orders.tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db


def test_visitor_add_creates_a_session_cart_and_redirects_to_next(pin_client, variant):
    response = pin_client.post(
        "/cart/add/", {"variant": variant.pk, "quantity": "2", "next": "/p/x/"}
    )

    assert response.status_code == 302
    assert response.url == "/p/x/"
    cart = Cart.objects.get()
    assert cart.user is None
    assert cart.session_key == pin_client.session.session_key
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(variant.pk, 2)]


def test_add_without_quantity_adds_one(pin_user_client, user, variant):
    pin_user_client.post("/cart/add/", {"variant": variant.pk})

    assert CartLine.objects.get(cart__user=user).quantity == 1


def test_add_to_an_offsite_next_redirects_to_the_cart(pin_client, variant):
    response = pin_client.post(
        "/cart/add/", {"variant": variant.pk, "next": "https://evil.example/"}
    )

    assert response.url == "/cart/"


@pytest.mark.parametrize("quantity", ["0", "-1", "51", "1000000000000", "abc", "1.5"])
def test_add_refuses_bad_quantities_and_stores_nothing(client, variant, quantity):
    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": quantity})

    assert response.status_code == 400
    assert CartLine.objects.count() == 0


def test_add_of_an_unknown_variant_is_404(pin_client, variant):
    response = pin_client.post("/cart/add/", {"variant": variant.pk + 999})

    assert response.status_code == 404
    assert "does not exist" in response.content.decode()
    assert CartLine.objects.count() == 0


def test_add_of_an_inactive_variant_is_refused(pin_client):
    variant = ProductVariantFactory(is_active=False)

    response = pin_client.post("/cart/add/", {"variant": variant.pk})

    assert response.status_code == 409
    assert CartLine.objects.count() == 0


def test_add_of_an_out_of_stock_variant_is_refused(pin_client):
    variant = ProductVariantFactory(stock=0)

    response = pin_client.post("/cart/add/", {"variant": variant.pk})

    assert response.status_code == 409
    assert "out of stock" in response.content.decode()
    assert CartLine.objects.count() == 0


def test_add_beyond_stock_is_capped_with_a_message(pin_user_client, user, variant):
    response = pin_user_client.post(
        "/cart/add/", {"variant": variant.pk, "quantity": "12"}, follow=True
    )

    assert CartLine.objects.get(cart__user=user).quantity == 10
    assert "Only 10 of" in response.content.decode()


def test_set_zero_removes_the_line(user_client, user, variant):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=3)

    response = user_client.post("/cart/set/", {"variant": variant.pk, "quantity": 0})

    assert response.status_code == 302
    assert CartLine.objects.filter(cart=cart).count() == 0


def test_set_changes_the_quantity(pin_user_client, user, variant):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=3)

    pin_user_client.post("/cart/set/", {"variant": variant.pk, "quantity": 5})

    assert CartLine.objects.get(cart=cart).quantity == 5


def test_set_answers_json_to_fetch_calls(pin_user_client, user, variant):
    response = pin_user_client.post(
        "/cart/set/",
        {"variant": variant.pk, "quantity": 4},
        HTTP_ACCEPT="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["quantity"] == 4
    assert body["cart"] == {
        "count": 4,
        "subtotal": "160.00",
        "subtotal_display": "₹160",
    }
    assert 'name="quantity" value="5"' in body["control_html"]


def test_cart_page_shows_lines_totals_and_free_delivery_gap(user_client, user):
    cart = cart_get_or_create(user=user)
    cheap = ProductVariantFactory(price=Decimal("99.50"), mrp=Decimal("120.00"))
    cart_line_add(cart=cart, variant_id=cheap.pk, quantity=2)

    response = user_client.get("/cart/")

    html = response.content.decode()
    summary = response.context["summary"]
    assert summary.subtotal == Decimal("199.00")
    assert summary.delivery_fee == Decimal("30.00")
    assert summary.total == Decimal("229.00")
    assert summary.free_delivery_left == Decimal("300.00")
    assert "₹300</strong> more for free delivery" in html
    assert summary.free_delivery_percent == 39  # ₹199 of ₹499
    assert 'max="100" value="39"' in html
    # Two at ₹20.50 below MRP each.
    assert summary.savings == Decimal("41.00")
    assert "You saved <strong>₹41</strong> on MRP" in html
    assert cheap.product.name in html


def test_cart_page_waives_the_fee_at_the_threshold(user_client, user):
    cart = cart_get_or_create(user=user)
    variant = ProductVariantFactory(price=Decimal("499.00"), mrp=Decimal("499.00"))
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)

    summary = user_client.get("/cart/").context["summary"]

    assert summary.delivery_fee == Decimal("0.00")
    assert summary.total == Decimal("499.00")
    assert summary.free_delivery_left == Decimal("0.00")


def test_cart_page_drops_inactive_items_with_a_message(user_client, user, variant):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)
    variant.product.is_active = False
    variant.product.save()

    response = user_client.get("/cart/")

    assert "no longer available and was removed" in response.content.decode()
    assert CartLine.objects.filter(cart=cart).count() == 0


def test_cart_page_caps_lines_whose_stock_fell(user_client, user, variant):
    cart = cart_get_or_create(user=user)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=8)
    variant.stock = 3
    variant.save()

    response = user_client.get("/cart/")

    assert "Only 3 of" in response.content.decode()
    assert CartLine.objects.get(cart=cart).quantity == 3


def test_cart_page_runs_six_queries_for_many_lines(
    user_client, user, area, django_assert_num_queries
):
    cart = cart_get_or_create(user=user)
    for _ in range(12):
        variant = ProductVariantFactory()
        ProductImageFactory(product=variant.product)
        cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)
    session = user_client.session
    session[SESSION_POSTAL_CODE_KEY] = area.postal_code
    session.save()

    # The sixth counts the store's queue for its promise, which the next
    # page view within a few seconds reads from the cache.
    with django_assert_num_queries(6):
        response = user_client.get("/cart/")
    with django_assert_num_queries(5):
        again = user_client.get("/cart/")

    assert response.status_code == 200
    assert len(response.context["summary"].lines) == 12
    assert "Delivery in about 10 minutes" in response.content.decode()
    assert "Delivery in about 10 minutes" in again.content.decode()


def test_empty_cart_page_for_a_visitor_says_so(client, django_assert_num_queries):
    # The one query reads the PIN codes the shop serves, which the page names.
    with django_assert_num_queries(1):
        response = client.get("/cart/")

    assert response.status_code == 200
    assert "Your cart is empty" in response.content.decode()


def test_postal_code_form_remembers_a_served_area(client, area):
    response = client.post("/delivery/area/", {"postal_code": "560 001"})

    assert response.status_code == 302
    assert client.session[SESSION_POSTAL_CODE_KEY] == "560001"
    home = client.get("/").content.decode()
    assert "Delivery in about 10 minutes" in home
    assert "560001" in home


def test_postal_code_form_refuses_an_unserved_area(client, area):
    response = client.post("/delivery/area/", {"postal_code": "110001"})

    assert response.status_code == 400
    assert "do not deliver to 110001" in response.content.decode()
    assert SESSION_POSTAL_CODE_KEY not in client.session


def test_postal_code_form_refuses_a_malformed_code(client, area):
    response = client.post("/delivery/area/", {"postal_code": "56-ab"})

    assert response.status_code == 400
    assert "6-digit PIN code" in response.content.decode()


@override_settings(SHOP_MAX_LINE_QUANTITY=5)
def test_add_is_capped_at_the_line_maximum(pin_user_client, user, variant):
    pin_user_client.post("/cart/add/", {"variant": variant.pk, "quantity": "4"})
    response = pin_user_client.post(
        "/cart/add/", {"variant": variant.pk, "quantity": "4"}, follow=True
    )

    assert CartLine.objects.get(cart__user=user).quantity == 5
    assert "at most 5 of" in response.content.decode()


def test_cart_page_names_the_served_pin_codes_as_one_tap_choices(client, area):
    ServiceAreaFactory(postal_code="560038", name="Indiranagar")
    ServiceAreaFactory(postal_code="560066", name="Whitefield", is_active=False)

    html = client.get("/cart/").content.decode()

    assert "We deliver to these PIN codes" in html
    assert re.findall(r'name="postal_code" value="(\d+)"', html) == ["560001", "560038"]
    assert "Whitefield" not in html


def test_an_unserved_pin_code_is_answered_with_the_served_ones(client, area):
    response = client.post("/delivery/area/", {"postal_code": "110001"})

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "Sorry, we do not deliver to 110001 yet. We deliver to 560001 (MG Road)."
        in html
    )
    assert 'name="postal_code" value="560001"' in html
    assert SESSION_POSTAL_CODE_KEY not in client.session


def test_after_a_refused_pin_code_the_forms_come_back_to_the_cart(client, area):
    refused = client.post(
        "/delivery/area/", {"postal_code": "110001", "next": "/cart/"}
    ).content.decode()

    assert 'name="next" value="/delivery/area/"' not in refused
    response = client.post(
        "/delivery/area/", {"postal_code": "560001", "next": "/cart/"}
    )
    assert response.status_code == 302
    assert response.url == "/cart/"


def test_postal_code_form_address_opened_directly_shows_the_form(client, area):
    response = client.get("/delivery/area/")

    assert response.status_code == 200
    assert 'name="postal_code"' in response.content.decode()


def test_a_refused_postal_code_page_sends_its_forms_back_to_the_cart(client, area):
    response = client.post("/delivery/area/", {"postal_code": "110001"})

    html = response.content.decode()
    assert 'name="next" value="/cart/"' in html
    assert 'name="next" value="/delivery/area/"' not in html


@pytest.mark.parametrize("target", ["/cart/add/", "/delivery/area/?x=1", "/nowhere/"])
def test_add_never_comes_back_to_a_post_only_or_unknown_address(
    pin_client, variant, target
):
    response = pin_client.post("/cart/add/", {"variant": variant.pk, "next": target})

    expected = "/delivery/area/?x=1" if target.startswith("/delivery/") else "/cart/"
    assert response.url == expected


def test_add_without_javascript_says_what_went_in(pin_client, variant):
    response = pin_client.post(
        "/cart/add/", {"variant": variant.pk, "next": "/c/milk/#product-x"}, follow=True
    )

    name = variant.product.name
    assert f"Added {name} ({variant.label}) to your cart." in response.content.decode()
    assert response.redirect_chain == [("/c/milk/#product-x", 302)]
