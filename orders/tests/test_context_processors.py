import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory

from orders.context_processors import cart
from orders.selectors import SESSION_CART_KEY, SESSION_POSTAL_CODE_KEY
from orders.services.cart import cart_get_or_create, cart_line_add

pytestmark = pytest.mark.django_db


def _request(user=None, session=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = session or SessionStore()
    return request


def _resolve(context):
    return (
        dict(context["cart_summary"]),
        dict(context["cart_quantities"]),
        context["delivery_area"] or None,
    )


def test_a_visitor_without_cart_or_pin_code_costs_no_query(
    django_assert_num_queries,
):
    request = _request()

    with django_assert_num_queries(0):
        summary, quantities, area = _resolve(cart(request))

    assert summary == {"count": 0, "subtotal": "₹0"}
    assert quantities == {}
    assert area is None


def test_a_visitor_cart_and_pin_code_cost_two_queries(
    variant, area, django_assert_num_queries
):
    session = SessionStore()
    session.create()
    session[SESSION_CART_KEY] = True
    session[SESSION_POSTAL_CODE_KEY] = "560001"
    visitor_cart = cart_get_or_create(session_key=session.session_key)
    cart_line_add(cart=visitor_cart, variant_id=variant.pk, quantity=3)
    request = _request(session=session)

    with django_assert_num_queries(2):
        summary, quantities, delivery_area = _resolve(cart(request))

    assert summary == {"count": 3, "subtotal": "₹120"}
    assert quantities == {variant.pk: 3}
    assert delivery_area == area


def test_a_users_cart_is_counted_once_per_request(
    user, variant, django_assert_num_queries
):
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    request = _request(user=user)

    with django_assert_num_queries(1):
        first = _resolve(cart(request))
        second = _resolve(cart(request))

    assert first[0] == second[0] == {"count": 2, "subtotal": "₹80"}


def test_inactive_items_are_not_counted(user, variant):
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)
    variant.is_active = False
    variant.save()

    summary, quantities, _area = _resolve(cart(_request(user=user)))

    assert summary["count"] == 0
    assert quantities == {}


def test_the_header_shows_the_cart_count_and_total(user_client, user, variant):
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=2)

    html = user_client.get("/").content.decode()

    assert "<span data-cart-count>2</span> items" in html
    assert "₹80" in html


def test_home_offers_a_shopper_what_they_bought_before(
    user_client, user, paid_order, placed_order, django_assert_num_queries
):
    bought = [line.variant.product.name for line in paid_order.lines.all()]

    # The tree, home picks (2) and their cards (2), the user, the cart's
    # lines, then for "Buy again" the past products and their cards (2).
    with django_assert_num_queries(10):
        html = user_client.get("/").content.decode()

    again = html.split('id="buy-again-title"')[1].split("</section>")[0]
    assert [name for name in bought if name in again] == bought
    # The order awaiting payment is not bought yet.
    assert placed_order.lines.get().variant.product.name not in again


def test_home_has_no_buy_again_row_for_visitors_or_new_shoppers(client, user_client):
    assert "Buy again" not in client.get("/").content.decode()
    assert "Buy again" not in user_client.get("/").content.decode()
