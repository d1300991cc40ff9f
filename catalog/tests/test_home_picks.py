"""Home picks: kept while fresh, served stale while one process works out the next."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.selectors import HOME_PICKS_KEY, category_tree, home_sections

KEY = f"{HOME_PICKS_KEY}:12:6"
# Reading the featured products' cards: the products, then their variants.
CARD_QUERIES = 2


def _queries(tree) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        sections = home_sections(tree=tree)
    return sections, len(queries)


@pytest.mark.django_db
def test_fresh_picks_are_not_worked_out_again(tree, make_product):
    make_product(name="Milk", category=tree["milk"])
    categories = category_tree()
    home_sections(tree=categories)

    sections, queries = _queries(categories)

    assert queries == CARD_QUERIES
    assert [p.name for p in sections["deals"]] == ["Milk"]


@pytest.mark.django_db
def test_stale_picks_are_served_while_another_process_refreshes(tree, make_product):
    milk = make_product(name="Milk", category=tree["milk"])
    make_product(name="Curd", category=tree["milk"])
    categories = category_tree()
    stale = {"deals": [milk.pk], "rows": {}}
    cache.set(KEY, {"picks": stale, "fresh_until": time.time() - 1})
    cache.add(f"{KEY}:lock", 1, timeout=60)

    sections, queries = _queries(categories)

    assert queries == CARD_QUERIES
    assert [p.name for p in sections["deals"]] == ["Milk"]


@pytest.mark.django_db
def test_stale_picks_are_refreshed_by_the_process_that_takes_the_lock(
    tree, make_product
):
    milk = make_product(name="Milk", category=tree["milk"])
    make_product(name="Curd", category=tree["milk"], price="50", mrp="100")
    categories = category_tree()
    cache.set(KEY, {"picks": {"deals": [milk.pk], "rows": {}}, "fresh_until": 0})

    sections, queries = _queries(categories)

    assert queries > CARD_QUERIES
    assert [p.name for p in sections["deals"]] == ["Curd", "Milk"]
    assert cache.get(KEY)["fresh_until"] > time.time()
    assert cache.get(f"{KEY}:lock") is None
