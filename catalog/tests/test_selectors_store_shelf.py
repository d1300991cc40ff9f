"""Listings, home rows and the product page read one store's shelf when given one."""

import pytest

from catalog.selectors import (
    category_tree,
    home_sections,
    product_cards_by_ids,
    product_get_for_page,
    product_list,
)
from catalog.tests.factories import ProductVariantFactory
from orders.tests.factories import DarkStoreFactory, store_stock_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores():
    return DarkStoreFactory(name="Indiranagar"), DarkStoreFactory(name="Koramangala")


@pytest.fixture
def shelves(tree, make_product, stores):
    """Apple only at Indiranagar; Banana (two sizes) at both, its 1 kg only at
    Koramangala; Cherry nowhere."""
    here, there = stores
    apple = make_product(name="Apple", category=tree["fresh-fruits"], stock=0)
    banana = make_product(
        name="Banana", category=tree["fresh-fruits"], price="20.00", stock=0
    )
    kilo = ProductVariantFactory(
        product=banana, label="1 kg", price="35.00", mrp="40.00", stock=0
    )
    cherry = make_product(name="Cherry", category=tree["fresh-fruits"], stock=0)
    half = banana.variants.get(label="500 g")
    store_stock_set(variant=apple.variants.get(), quantity=5, store=here)
    store_stock_set(variant=half, quantity=3, store=here)
    store_stock_set(variant=half, quantity=2, store=there)
    store_stock_set(variant=kilo, quantity=7, store=there)
    return {"apple": apple, "banana": banana, "cherry": cherry, "kilo": kilo}


def _names_and_stock(products):
    return [(p.name, p.in_stock) for p in products]


def test_a_listing_at_each_store_puts_what_it_lacks_last(shelves, stores):
    here, there = stores
    fruits = category_tree().get("fresh-fruits")

    at_here = product_list(category=fruits, ordering="price", store_id=here.pk)
    at_there = product_list(category=fruits, ordering="price", store_id=there.pk)

    assert _names_and_stock(at_here) == [
        ("Banana", True),
        ("Apple", True),
        ("Cherry", False),
    ]
    assert _names_and_stock(at_there) == [
        ("Banana", True),
        ("Apple", False),
        ("Cherry", False),
    ]


def test_without_a_store_any_shelf_counts(shelves):
    listing = product_list(ordering="price")

    assert _names_and_stock(listing) == [
        ("Banana", True),
        ("Apple", True),
        ("Cherry", False),
    ]


def test_the_in_stock_filter_and_price_follow_the_store(shelves, stores):
    here, there = stores

    only_there = product_list(in_stock=True, store_id=there.pk)

    assert [p.name for p in only_there] == ["Banana"]
    # The cheapest size Koramangala has; Indiranagar has the 500 g too.
    assert str(only_there[0].price_from) == "20.00"
    assert [p.name for p in product_list(in_stock=False, store_id=here.pk)] == [
        "Cherry"
    ]


def test_the_card_offers_the_cheapest_size_the_store_has(shelves, stores):
    _here, there = stores
    store_stock_set(variant=shelves["banana"].variants.get(label="500 g"), quantity=0)
    store_stock_set(
        variant=shelves["banana"].variants.get(label="500 g"), quantity=0, store=there
    )

    banana = product_list(search="banana", store_id=there.pk)[0]

    assert banana.card_variant == shelves["kilo"]
    assert str(banana.price_from) == "35.00"


def test_the_product_page_knows_each_sizes_shelf_at_the_store(shelves, stores):
    here, there = stores

    at_here = product_get_for_page(slug=shelves["banana"].slug, store_id=here.pk)
    at_there = product_get_for_page(slug=shelves["banana"].slug, store_id=there.pk)
    anywhere = product_get_for_page(slug=shelves["banana"].slug)

    def sizes(product):
        return [(v.label, v.shelf_stock) for v in product.active_variants]

    assert sizes(at_here) == [("500 g", 3), ("1 kg", 0)]
    assert sizes(at_there) == [("500 g", 2), ("1 kg", 7)]
    assert sizes(anywhere) == [("500 g", 5), ("1 kg", 7)]


def test_cards_by_ids_keep_their_order_with_the_stores_gaps_last(shelves, stores):
    _here, there = stores
    ids = [shelves[name].pk for name in ("apple", "cherry", "banana")]

    cards = product_cards_by_ids(ids=ids, store_id=there.pk)

    assert [p.name for p in cards] == ["Banana", "Apple", "Cherry"]


def test_home_rows_show_the_stores_stock_what_it_lacks_last(shelves, stores):
    _here, there = stores

    row = home_sections(store_id=there.pk)["category_rows"][0]

    # Featured over the whole shop (Apple and Banana are in stock somewhere).
    assert _names_and_stock(row.products) == [("Banana", True), ("Apple", False)]
