"""Product cards are rendered once for what they show, and the control is each
request's own."""

from decimal import Decimal

import pytest
from django.test import Client
from django.test.signals import template_rendered

from catalog import cards
from catalog.models import ProductVariant
from orders.selectors import SESSION_POSTAL_CODE_KEY
from orders.services.cart import cart_get_or_create, cart_line_add
from orders.tests.factories import ServiceAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cards_kept():
    cards._kept.clear()
    cards._add_buttons.clear()
    yield
    cards._kept.clear()
    cards._add_buttons.clear()


@pytest.fixture
def card_renders():
    """The names of the products whose card template was rendered."""
    names = []

    def record(sender, template, context, **kwargs):
        if template.name == cards.CARD_TEMPLATE:
            names.append(context["card"]["name"])

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def _card(page: str, slug: str) -> str:
    return page.split(f'id="product-{slug}"')[1].split("</article>")[0]


def test_a_card_is_rendered_once_for_every_page_that_shows_it(
    client, tree, make_product, card_renders
):
    slug = make_product(name="Toned Milk", category=tree["milk"]).slug

    first = client.get("/c/milk/").content.decode()
    again = client.get("/c/dairy/").content.decode()

    assert card_renders == ["Toned Milk"]
    # The kept card gets each page's own control, sending the shopper back there.
    assert f'name="next" value="/c/milk/#product-{slug}"' in first
    assert f'name="next" value="/c/dairy/#product-{slug}"' in again
    assert first.count('name="csrfmiddlewaretoken"') == again.count(
        'name="csrfmiddlewaretoken"'
    )


def test_a_price_change_is_a_new_card(client, tree, make_product, card_renders):
    product = make_product(name="Toned Milk", category=tree["milk"], price="30.00")
    client.get("/c/milk/")
    ProductVariant.objects.filter(product=product).update(price=Decimal("27.00"))

    page = client.get("/c/milk/").content.decode()

    assert card_renders == ["Toned Milk", "Toned Milk"]
    assert "₹27" in _card(page, product.slug)
    assert "₹30" not in _card(page, product.slug)


def test_a_kept_card_shows_each_shoppers_own_stepper(
    client, user, tree, make_product, card_renders
):
    product = make_product(name="Toned Milk", category=tree["milk"])
    client.get("/c/milk/")
    cart_line_add(
        cart=cart_get_or_create(user=user),
        variant_id=product.variants.get().pk,
        quantity=2,
    )
    shopper = Client()
    shopper.force_login(user)

    mine = _card(shopper.get("/c/milk/").content.decode(), product.slug)
    visitors = _card(Client().get("/c/milk/").content.decode(), product.slug)

    assert card_renders == ["Toned Milk"]
    assert "cart-control-stepper" in mine
    assert 'action="/cart/add/"' not in mine
    assert 'action="/cart/add/"' in visitors


def test_out_of_stock_at_the_store_is_its_own_card(client, tree, make_product):
    slug = make_product(name="Toned Milk", category=tree["milk"], stock=0).slug
    ServiceAreaFactory(postal_code="560034")
    anywhere = _card(client.get("/c/milk/").content.decode(), slug)

    session = client.session
    session[SESSION_POSTAL_CODE_KEY] = "560034"
    session.save()
    at_store = _card(client.get("/c/milk/").content.decode(), slug)

    assert "Out of stock at your store" in at_store
    assert "Out of stock at your store" not in anywhere
    assert "Out of stock" in anywhere


def test_a_full_keep_is_emptied_rather_than_grown(
    client, tree, make_product, monkeypatch
):
    monkeypatch.setattr(cards, "CARDS_KEPT", 2)
    for name in ("Toned Milk", "Full Cream Milk", "Skimmed Milk"):
        make_product(name=name, category=tree["milk"])

    client.get("/c/milk/")

    assert len(cards._kept) == 1


@pytest.fixture
def control_renders():
    """How many times the cart control's template was rendered."""
    renders = []

    def record(sender, template, **kwargs):
        if template.name == cards.CONTROL_TEMPLATE:
            renders.append(template.name)

    template_rendered.connect(record)
    yield renders
    template_rendered.disconnect(record)


def _token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_an_add_button_is_rendered_once_and_carries_each_visitors_token(
    tree, make_product, control_renders
):
    product = make_product(name="Toned Milk", category=tree["milk"])
    first, second = Client(), Client()

    mine = _card(first.get("/c/milk/").content.decode(), product.slug)
    theirs = _card(second.get("/c/milk/").content.decode(), product.slug)

    assert len(control_renders) == 1
    assert 'value="kept"' not in mine + theirs
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert _token(mine) != _token(theirs)


def test_a_kept_add_button_posts_with_its_pages_token(tree, make_product):
    product = make_product(name="Toned Milk", category=tree["milk"])
    Client().get("/c/milk/")
    client = Client(enforce_csrf_checks=True)
    card = _card(client.get("/c/milk/").content.decode(), product.slug)

    response = client.post(
        "/cart/add/",
        {
            "variant": product.variants.get().pk,
            "quantity": 1,
            "next": "/c/milk/",
            "csrfmiddlewaretoken": _token(card),
        },
    )

    # Past the CSRF check (a refusal is a 403), on to choosing a PIN code.
    assert response.status_code == 302
    assert response["Location"].startswith("/delivery/area/")
