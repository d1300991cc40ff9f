import pytest
from django.db import connection

from catalog.models import Product
from catalog.search import FTS_INDEX_NAME, SEARCH_MAX_LENGTH, TRIGRAM_INDEX_NAME
from catalog.selectors import _search_apply, category_tree, product_list
from catalog.tests.factories import ProductVariantFactory


def names(queryset):
    return [p.name for p in queryset]


@pytest.fixture
def shelf(tree, make_product):
    return {
        "banana": make_product(
            name="Banana Robusta", category=tree["fresh-fruits"], brand="FreshCart"
        ),
        "milk": make_product(name="Toned Milk", category=tree["milk"], brand="Amul"),
        "butter": make_product(
            name="Salted Butter",
            category=tree["cheese"],
            brand="Amul",
            description="Made from fresh cream, churned the old way.",
        ),
        "cheese": make_product(
            name="Cheese Slices", category=tree["cheese"], brand="Britannia"
        ),
    }


@pytest.mark.django_db
def test_a_typo_still_finds_the_product(shelf):
    assert names(product_list(search="bananna")) == ["Banana Robusta"]


@pytest.mark.django_db
def test_words_match_name_brand_and_description(shelf):
    assert sorted(names(product_list(search="amul"))) == ["Salted Butter", "Toned Milk"]
    assert names(product_list(search="churned")) == ["Salted Butter"]


@pytest.mark.django_db
def test_every_word_must_match(shelf):
    assert names(product_list(search="amul milk")) == ["Toned Milk"]


@pytest.mark.django_db
def test_a_word_prefix_matches(shelf):
    assert names(product_list(search="slic")) == ["Cheese Slices"]


@pytest.mark.django_db
def test_a_category_name_finds_the_products_below_it(shelf):
    found = product_list(search="dairy breakfast")

    assert sorted(names(found)) == ["Cheese Slices", "Salted Butter", "Toned Milk"]


@pytest.mark.django_db
def test_an_exact_sku_finds_its_product(shelf):
    ProductVariantFactory(product=shelf["cheese"], sku="FC448812-2")

    assert names(product_list(search="fc448812-2")) == ["Cheese Slices"]


@pytest.mark.django_db
def test_best_match_comes_first(shelf, make_product, tree):
    make_product(name="Milk Bread", category=tree["dairy"], brand="Modern")

    found = names(product_list(search="toned milk"))

    assert found[0] == "Toned Milk"


@pytest.mark.django_db
def test_saved_product_is_searchable_at_once(shelf):
    shelf["cheese"].name = "Mozzarella Cheese"
    shelf["cheese"].save()

    assert names(product_list(search="mozzarella")) == ["Mozzarella Cheese"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Banana Robusta", "Cheese Slices", "Salted Butter", "Toned Milk"]),
        ("   ", ["Banana Robusta", "Cheese Slices", "Salted Butter", "Toned Milk"]),
        ("%_\\", []),
        ("' OR 1=1 --", []),
        ("milk & | ! ( :*", ["Toned Milk"]),
        ("\x00milk", ["Toned Milk"]),
        ("😀🍌", []),
    ],
)
def test_odd_queries_answer_without_error(shelf, query, expected):
    assert sorted(names(product_list(search=query))) == expected


@pytest.mark.django_db
def test_punctuation_only_matches_nothing(shelf):
    assert names(product_list(search="!!! ???")) == []


@pytest.mark.django_db
def test_a_huge_query_is_cut_to_the_limit(shelf):
    query = "banana " * 1000

    assert names(product_list(search=query)) == ["Banana Robusta"]
    assert SEARCH_MAX_LENGTH == 100


@pytest.mark.django_db
def test_search_conditions_use_the_indexes(shelf):
    # The text conditions product_list adds, on their own: the stored search
    # document's index and the name's trigram expression index.
    queryset = _search_apply(Product.objects.all(), "toned", category_tree())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert f"Bitmap Index Scan on {FTS_INDEX_NAME}" in plan
    assert f"Bitmap Index Scan on {TRIGRAM_INDEX_NAME}" in plan


@pytest.mark.django_db
def test_ranking_reads_the_stored_document(shelf):
    sql = str(product_list(search="toned").query)

    assert '"catalog_product"."search_doc"' in sql
    assert "to_tsvector" not in sql


@pytest.mark.django_db
def test_a_changed_description_is_searchable_at_once(shelf):
    Product.objects.filter(name="Banana Robusta").update(
        description="Ripened with care in Jalgaon."
    )

    assert names(product_list(search="jalgaon")) == ["Banana Robusta"]
