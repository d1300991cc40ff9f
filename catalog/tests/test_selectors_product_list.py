from decimal import Decimal

import pytest

from catalog.selectors import (
    category_tree,
    product_brand_counts,
    product_list,
    products_of_brands,
)
from catalog.tests.factories import ProductVariantFactory


def names(queryset):
    return [p.name for p in queryset]


@pytest.mark.django_db
def test_category_includes_its_subcategories(tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])
    make_product(name="Cheddar", category=tree["cheese"])
    make_product(name="Banana", category=tree["fresh-fruits"])

    dairy = category_tree().get("dairy")

    assert sorted(names(product_list(category=dairy))) == ["Cheddar", "Toned Milk"]


@pytest.mark.django_db
def test_inactive_products_and_those_without_active_variants_are_hidden(
    tree, make_product
):
    make_product(name="Shown", category=tree["milk"])
    make_product(name="Hidden", category=tree["milk"], is_active=False)
    make_product(
        name="No sizes",
        category=tree["milk"],
        variants=[{"price": "10", "mrp": "10", "stock": 5, "is_active": False}],
    )

    assert names(product_list()) == ["Shown"]


@pytest.mark.django_db
def test_products_of_an_inactive_category_are_hidden(tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])
    tree["dairy"].is_active = False
    tree["dairy"].save()

    assert names(product_list()) == []


@pytest.mark.django_db
def test_price_range_filters_on_the_offered_price(tree, make_product):
    make_product(name="Cheap", category=tree["milk"], price="20", mrp="20")
    make_product(name="Middle", category=tree["milk"], price="50", mrp="60")
    make_product(name="Dear", category=tree["milk"], price="90", mrp="90")

    found = product_list(min_price=Decimal("20.01"), max_price=Decimal("90"))

    assert sorted(names(found)) == ["Dear", "Middle"]


@pytest.mark.django_db
def test_offered_price_is_the_cheapest_in_stock_size(tree, make_product):
    product = make_product(
        name="Paneer",
        category=tree["cheese"],
        variants=[
            {"label": "200 g", "price": "50", "mrp": "60", "stock": 0},
            {"label": "500 g", "price": "110", "mrp": "120", "stock": 4},
        ],
    )

    listed = product_list().get(pk=product.pk)

    assert listed.price_from == Decimal("110.00")
    assert listed.card_variant.label == "500 g"


@pytest.mark.django_db
def test_brand_filter_ignores_case_and_takes_several(tree, make_product):
    make_product(name="A", category=tree["milk"], brand="Amul")
    make_product(name="B", category=tree["milk"], brand="Nandini")
    make_product(name="C", category=tree["milk"], brand="Heritage")

    found = product_list(brands=["amul", "NANDINI"])

    assert sorted(names(found)) == ["A", "B"]


@pytest.mark.django_db
def test_in_stock_filter_both_ways(tree, make_product):
    make_product(name="Available", category=tree["milk"], stock=3)
    make_product(name="Sold out", category=tree["milk"], stock=0)

    assert names(product_list(in_stock=True)) == ["Available"]
    assert names(product_list(in_stock=False)) == ["Sold out"]


@pytest.mark.django_db
def test_rating_filter_keeps_products_rated_at_least(tree, make_product):
    make_product(name="Loved", category=tree["milk"], rating_avg=Decimal("4.6"))
    make_product(name="Fine", category=tree["milk"], rating_avg=Decimal("3.9"))

    assert names(product_list(rating_min=Decimal("4"))) == ["Loved"]


@pytest.mark.django_db
def test_orderings(tree, make_product):
    low = make_product(name="Low", category=tree["milk"], price="10", mrp="10")
    high = make_product(
        name="High", category=tree["milk"], price="99", mrp="99", rating_avg=5
    )
    mid = make_product(
        name="Mid", category=tree["milk"], price="50", mrp="50", rating_avg=3
    )

    assert list(product_list(ordering="price")) == [low, mid, high]
    assert list(product_list(ordering="-price")) == [high, mid, low]
    assert list(product_list(ordering="newest")) == [mid, high, low]
    assert list(product_list(ordering="rating")) == [high, mid, low]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ordering", ["relevance", "price", "-price", "newest", "rating"]
)
def test_out_of_stock_sorts_last_whatever_the_order(tree, make_product, ordering):
    sold_out = make_product(
        name="Sold out",
        category=tree["milk"],
        price="1",
        mrp="1",
        stock=0,
        rating_avg=5,
    )
    make_product(name="In stock A", category=tree["milk"], price="5", mrp="5")
    make_product(name="In stock B", category=tree["milk"], price="500", mrp="500")

    listed = list(product_list(ordering=ordering))

    assert listed[-1] == sold_out
    assert listed[-1].in_stock is False


@pytest.mark.django_db
def test_unknown_ordering_is_refused(tree):
    with pytest.raises(ValueError, match="unknown ordering"):
        product_list(ordering="cheapest")


@pytest.mark.django_db
def test_brand_counts_add_up_to_the_brand_filtered_listing(tree, make_product):
    make_product(name="A", category=tree["milk"], brand="Amul")
    make_product(name="B", category=tree["milk"], brand="Amul")
    make_product(name="C", category=tree["milk"], brand="Nandini")
    listing = product_list()

    counts = product_brand_counts(listing)

    assert counts == {"Amul": 2, "Nandini": 1}
    assert products_of_brands(listing, brands=["amul"]).count() == counts["Amul"]


@pytest.mark.django_db
def test_listing_cards_carry_variants_and_thumbnail(tree, make_product):
    product = make_product(
        name="Curd", category=tree["milk"], thumbnail="products/thumbs/curd.webp"
    )
    ProductVariantFactory(
        product=product, label="1 kg", price=Decimal("80"), mrp=Decimal("90")
    )

    listed = product_list().get(pk=product.pk)

    assert [v.label for v in listed.active_variants] == ["500 g", "1 kg"]
    assert listed.card_thumbnail_url == "/media/products/thumbs/curd.webp"


@pytest.mark.django_db
def test_home_rows_group_in_stock_products_by_top_category(tree, make_product):
    from catalog.selectors import home_sections

    milk = make_product(name="Milk", category=tree["milk"], rating_count=9)
    make_product(name="Sold out", category=tree["milk"], stock=0)
    cheese = make_product(name="Cheese", category=tree["cheese"], rating_count=3)
    banana = make_product(name="Banana", category=tree["fresh-fruits"])

    rows = home_sections(per_category=5)["category_rows"]

    assert [(row.category.slug, row.products) for row in rows] == [
        ("fruits", [banana]),
        ("dairy", [milk, cheese]),
    ]


@pytest.mark.django_db
def test_home_deals_put_the_biggest_discount_first(tree, make_product):
    from catalog.selectors import home_sections

    make_product(name="Small", category=tree["milk"], price="95", mrp="100")
    make_product(name="Big", category=tree["milk"], price="60", mrp="100")
    make_product(name="None", category=tree["milk"], price="50", mrp="50")

    deals = home_sections()["deals"]

    assert [p.name for p in deals] == ["Big", "Small", "None"]


@pytest.mark.django_db
def test_category_listing_filters_on_the_category_once(tree, make_product):
    make_product(name="Toned Milk", category=tree["milk"])
    dairy = category_tree().get("dairy")

    sql = str(product_list(category=dairy).query)

    assert sql.count('"catalog_product"."category_id" IN') == 1
    assert f'"catalog_product"."category_id" IN ({dairy.id}, ' in sql


@pytest.mark.django_db
def test_variants_have_partial_indexes_for_listing_probes():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "catalog_productvariant"
        )

    for name in ("variant_product_active", "variant_product_in_stock"):
        assert constraints[name]["index"] is True
        assert constraints[name]["columns"] == ["product_id"]
