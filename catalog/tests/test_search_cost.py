"""What keeps listings and searches cheap in SQL (docs/performance.md)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from catalog.models import Category, Product, ProductVariant
from catalog.selectors import ListingPages, category_tree, product_list


@pytest.mark.django_db
def test_trigram_word_match_is_priced_above_a_comparison():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT procost FROM pg_proc "
            "WHERE proname = 'strict_word_similarity_commutator_op'"
        )
        (cost,) = cursor.fetchone()

    assert cost == 100


@pytest.mark.django_db
def test_whole_shop_search_has_no_filter_on_every_category(tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])

    sql = str(product_list(search="milk", tree=category_tree()).query)

    assert '"catalog_product"."category_id" IN' not in sql.split("ORDER BY")[0]


@pytest.mark.django_db
def test_a_hidden_category_keeps_the_filter(tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])
    hidden = make_product(name="Hidden Milk", category=tree["cheese"])
    Category.objects.filter(pk=tree["cheese"].pk).update(is_active=False)

    listed = list(product_list(search="milk", tree=category_tree()))

    assert hidden not in listed
    assert [p.name for p in listed] == ["Toned Milk"]


def _explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _stocked(seller, category, name: str, count: int) -> None:
    products = Product.objects.bulk_create(
        Product(
            seller=seller,
            category=category,
            name=f"{name} {n}",
            slug=f"{slugify(name)}-{n}",
            brand="Orchard",
        )
        for n in range(count)
    )
    ProductVariant.objects.bulk_create(
        ProductVariant(
            product=product,
            sku=f"SKU-{product.pk}",
            label="1 kg",
            price="90.00",
            mrp="99.00",
            stock=5,
        )
        for product in products
    )


@pytest.mark.django_db
def test_in_stock_first_probes_the_listings_variants_instead_of_hashing_them_all(
    tree, seller
):
    # A listing of a thousand in a catalogue four times as large.
    _stocked(seller, tree["milk"], "Toned Milk", 1000)
    _stocked(seller, tree["fresh-fruits"], "Apple", 3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product, catalog_productvariant")

    plan = _explain(product_list(category=category_tree().get("milk")))

    # The sort's "in stock" is a subquery run for each milk, not a hash of
    # every in-stock variant of the shop.
    assert "hashed SubPlan" not in plan
    assert "SubPlan" in plan


@pytest.mark.django_db
def test_a_search_pages_cards_are_read_by_id_without_the_search(tree, make_product):
    wanted = [
        make_product(name=f"Toned Milk {n}", category=tree["milk"]) for n in range(3)
    ]
    listing = product_list(search="milk", tree=category_tree())

    with CaptureQueriesContext(connection) as captured:
        page = ListingPages(listing)[0:24]

    assert {p.pk for p in page} == {p.pk for p in wanted}
    ids_sql, cards_sql, variants_sql = (q["sql"] for q in captured.captured_queries)
    assert "ts_rank" in ids_sql
    # Neither the match nor the rank is worked out again for the page's cards.
    assert "ts_rank" not in cards_sql
    assert "to_tsquery" not in cards_sql
    # Only what a card shows (`catalog.cards.CARD_FIELDS`).
    assert '"catalog_product"."description"' not in cards_sql
    assert '"catalog_product"."created_at"' not in cards_sql
    assert "catalog_productvariant" in variants_sql


@pytest.mark.django_db
def test_the_trigram_comparison_is_the_last_branch_tried(tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])

    listing = product_list(search="milk", tree=category_tree())
    sql = str(listing.values_list("pk", flat=True).query)
    where = sql.split(" WHERE ", 1)[1].split(" ORDER BY ")[0]

    # A row the stored vector matches is never compared by trigrams.
    assert where.index("@@") < where.index("%>>")


@pytest.mark.django_db
def test_a_listing_without_cards_sorts_and_filters_on_its_own_columns(
    tree, make_product
):
    dear = make_product(
        name="Dear Milk", category=tree["milk"], price="90.00", mrp="99.00"
    )
    cheap = make_product(
        name="Cheap Milk", category=tree["milk"], price="20.00", mrp="25.00"
    )
    make_product(name="Cheapest Milk", category=tree["milk"], price="5.00", mrp="6.00")
    milk = category_tree().get("milk")

    listing = product_list(
        category=milk, ordering="-price", min_price=Decimal("10"), cards=False
    )

    assert list(listing.values_list("pk", flat=True)) == [dear.pk, cheap.pk]
    sql = str(listing.values_list("pk", flat=True).query)
    # No card column is built or run for a product the page does not show.
    assert "catalog_productimage" not in sql
    plain = str(product_list(category=milk, cards=False).query)
    assert "price_from" not in plain
    assert "in_stock" in plain
