"""Category, search, home and product pages show the shopper's store's shelf."""

import re

import pytest

from catalog.selectors import category_tree, search_synonyms
from catalog.tests.factories import ProductVariantFactory
from orders.selectors import SESSION_POSTAL_CODE_KEY
from orders.tests.factories import DarkStoreFactory, ServiceAreaFactory, store_stock_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelves(tree, make_product):
    """Indiranagar (560038) has Apple and Banana's 500 g; Koramangala (560095)
    has Banana's 1 kg only."""
    here = DarkStoreFactory(name="Indiranagar")
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code="560038", name="Indiranagar", store=here)
    ServiceAreaFactory(postal_code="560095", name="Koramangala", store=there)
    apple = make_product(name="Apple", category=tree["fresh-fruits"], stock=0)
    banana = make_product(
        name="Banana", category=tree["fresh-fruits"], price="20.00", stock=0
    )
    kilo = ProductVariantFactory(
        product=banana, label="1 kg", price="35.00", mrp="40.00", stock=0
    )
    store_stock_set(variant=apple.variants.get(), quantity=4, store=here)
    store_stock_set(variant=banana.variants.get(label="500 g"), quantity=2, store=here)
    store_stock_set(variant=kilo, quantity=9, store=there)
    category_tree()
    search_synonyms()
    return {"apple": apple, "banana": banana, "kilo": kilo}


def _at(client, postal_code):
    session = client.session
    session[SESSION_POSTAL_CODE_KEY] = postal_code
    session.save()
    return client


def _cards(html):
    """(name, greyed, says out at your store) of each card, in page order."""
    cards = re.findall(r'<article class="product-card([^"]*)".*?</article>', html, re.S)
    names = re.findall(r'<h3 class="product-card-name">([^<]+)</h3>', html)
    notes = [
        "Out of stock at your store" in card
        for card in re.findall(r"<article.*?</article>", html, re.S)
    ]
    return [
        (name, "is-out-of-stock" in classes, note)
        for name, classes, note in zip(names, cards, notes, strict=True)
    ]


@pytest.mark.parametrize("path", ["/c/fresh-fruits/", "/search/?q=fruit", "/"])
def test_cards_grey_what_the_store_lacks_and_put_it_last(client, shelves, path):
    at_there = _at(client, "560095").get(path).content.decode()

    assert _cards(at_there)[:2] == [
        ("Banana", False, False),
        ("Apple", True, True),
    ]


def test_the_other_store_shows_its_own_shelf(client, shelves):
    at_here = _at(client, "560038").get("/c/fresh-fruits/?ordering=price")

    assert _cards(at_here.content.decode()) == [
        ("Banana", False, False),
        ("Apple", False, False),
    ]


def test_the_in_stock_filter_keeps_what_the_store_has(client, shelves):
    page = _at(client, "560095").get("/c/fresh-fruits/?in_stock=1")

    assert [name for name, _g, _n in _cards(page.content.decode())] == ["Banana"]


def test_without_a_pin_code_any_store_counts_and_the_page_says_so(client, shelves):
    html = client.get("/c/fresh-fruits/").content.decode()

    assert [(n, g) for n, g, _note in _cards(html)] == [
        ("Apple", False),
        ("Banana", False),
    ]
    assert "Out of stock at your store" not in html
    assert "Showing what any of our stores has." in html
    assert 'href="/delivery/area/?next=/c/fresh-fruits/"' in html


def test_the_product_page_says_which_sizes_the_store_has(client, shelves):
    html = _at(client, "560095").get(shelves["banana"].get_absolute_url())
    html = html.content.decode()

    assert "Your store (560095) has 1 kg." in html
    option = re.search(r'<a class="variant-option is-out"[^>]*>.*?</a>', html, re.S)
    assert "500 g" in option[0]
    assert "Out of stock at your store" in option[0]
    # The size offered first is the one the store has, and it can be added.
    assert f'name="variant" value="{shelves["kilo"].pk}" data-variant-input' in html
    assert "data-buy-button>Add to cart" in html


def test_the_product_page_of_what_the_store_lacks_cannot_be_added(client, shelves):
    html = _at(client, "560095").get(shelves["apple"].get_absolute_url())
    html = html.content.decode()

    assert "Your store (560095) has none of it right now." in html
    assert "Your store is out of this product right now." in html
    assert 'action="/cart/add/"' not in html


def test_the_product_page_without_a_pin_code_names_no_store(client, shelves):
    html = client.get(shelves["banana"].get_absolute_url()).content.decode()

    assert "Your store" not in html
    assert "is-out" not in html
    assert "data-postal-code-missing" in html


def test_a_category_page_at_a_store_costs_what_it_did(
    client, shelves, django_assert_num_queries
):
    _at(client, "560095")

    # The store of the session's PIN code (the session is cached), the brand
    # counts, the page's ids, the products (with the store's stock), their
    # variants (with the store's shelf): a visitor's four and the store; and
    # the store's queue for the promise in the header, cached a few seconds.
    with django_assert_num_queries(6):
        response = client.get("/c/fresh-fruits/")

    assert len(_cards(response.content.decode())) == 2
