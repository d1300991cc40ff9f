"""What keeps a common-word search on its indexes (docs/performance.md)."""

import pytest
from django.db import connection

from catalog.models import Category
from catalog.selectors import category_tree, product_list


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
