"""Search knows the words Indian shoppers type: spellings, synonyms, pack sizes."""

import pytest

from catalog.models import SearchSynonym
from catalog.selectors import product_list, search_rewrite, search_synonyms_forget

pytestmark = pytest.mark.django_db


def names(queryset):
    return [p.name for p in queryset]


@pytest.fixture
def shelf(tree, make_product):
    atta = make_product(
        name="Aashirvaad Whole Wheat Atta",
        category=tree["fresh-fruits"],
        variants=[
            {"label": "1 kg", "price": "60", "mrp": "65", "stock": 9},
            {"label": "5 kg", "price": "280", "mrp": "300", "stock": 9},
        ],
    )
    make_product(
        name="Fortune Chakki Atta",
        category=tree["fresh-fruits"],
        variants=[{"label": "1 kg", "price": "55", "mrp": "60", "stock": 9}],
    )
    make_product(name="Marie Gold Biscuit", category=tree["cheese"], brand="Britannia")
    make_product(name="Malai Paneer", category=tree["cheese"], brand="Amul")
    make_product(name="Dairy Milk Chocolate", category=tree["milk"], brand="Cadbury")
    make_product(name="Coca-Cola Original", category=tree["milk"], brand="Coca-Cola")
    make_product(name="Soft Drink Lemon Soda", category=tree["milk"], brand="Campa")
    return atta


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("aata", {"Aashirvaad Whole Wheat Atta", "Fortune Chakki Atta"}),
        ("biscut", {"Marie Gold Biscuit"}),
        ("panner", {"Malai Paneer"}),
        ("cold drink", {"Soft Drink Lemon Soda"}),
    ],
)
def test_shoppers_words_find_the_shops_products(shelf, typed, found):
    assert set(names(product_list(search=typed))) == found


def test_a_fixed_spelling_is_shown_and_a_synonym_is_not():
    assert search_rewrite("Aata").corrected == "atta"
    assert search_rewrite("cold drink").text == "soft drink"
    assert search_rewrite("cold drink").corrected == ""
    assert search_rewrite("milk").text == "milk"


def test_a_pack_size_in_the_query_prefers_that_pack(shelf):
    assert names(product_list(search="atta 5kg")) == [
        "Aashirvaad Whole Wheat Atta",
        "Fortune Chakki Atta",
    ]
    assert names(product_list(search="atta 5 kg"))[0] == shelf.name


def test_cola_puts_coca_cola_above_chocolate(shelf):
    found = names(product_list(search="cola"))

    assert found[0] == "Coca-Cola Original"


def test_staff_add_a_word_and_the_next_search_knows_it(shelf):
    assert names(product_list(search="gehun")) == []

    SearchSynonym.objects.create(term="gehun", replacement="atta", kind="synonym")
    search_synonyms_forget()

    assert len(names(product_list(search="gehun"))) == 2


def test_a_word_added_in_the_admin_is_searched_at_once(admin_client, shelf):
    assert names(product_list(search="gehu")) == []

    response = admin_client.post(
        "/admin/catalog/searchsynonym/add/",
        {"term": "Gehu", "replacement": "atta", "kind": "synonym", "is_active": "on"},
    )

    assert response.status_code == 302
    assert SearchSynonym.objects.get(term="gehu").replacement == "atta"
    assert len(names(product_list(search="gehu"))) == 2
