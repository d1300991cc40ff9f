import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services
from catalog.selectors import (
    _CATEGORY_TREE_KEY,
    CATEGORY_TREE_GENERATION_KEY,
    category_tree,
    category_tree_for,
)
from catalog.tests.factories import CategoryFactory


@pytest.mark.django_db
def test_tree_nests_active_categories_in_position_order(tree):
    roots = category_tree().roots

    assert [node.slug for node in roots] == ["fruits", "dairy"]
    assert [node.slug for node in roots[1].children] == ["cheese", "milk"]


@pytest.mark.django_db
def test_warm_tree_costs_no_query(tree):
    category_tree()

    with CaptureQueriesContext(connection) as queries:
        again = category_tree()

    assert len(queries) == 0
    assert again.get("milk").name == "Milk"


@pytest.mark.django_db
def test_inactive_parent_hides_its_subtree(tree):
    tree["dairy"].is_active = False
    services.category_save(category=tree["dairy"])

    fresh = category_tree()

    assert fresh.get("dairy") is None
    assert fresh.get("milk") is None
    assert fresh.get("fresh-fruits") is not None


@pytest.mark.django_db
def test_saving_a_category_replaces_the_cached_tree(
    tree, django_capture_on_commit_callbacks
):
    assert category_tree().get("milk").name == "Milk"

    with django_capture_on_commit_callbacks(execute=True):
        tree["milk"].name = "Milk & Lassi"
        services.category_save(category=tree["milk"])

    assert category_tree().get("milk").name == "Milk & Lassi"


@pytest.mark.django_db
def test_a_tree_built_before_a_change_is_not_served_after_it(
    tree, django_capture_on_commit_callbacks
):
    # A slow reader reads the generation, loads the old rows, and only stores
    # its tree after the change has committed.
    stale = category_tree()
    old_key = _CATEGORY_TREE_KEY.format(
        generation=cache.get(CATEGORY_TREE_GENERATION_KEY)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.category_save(
            category=CategoryFactory.build(
                name="Eggs", slug="eggs", parent=tree["dairy"]
            )
        )
    cache.set(old_key, stale)

    assert category_tree().get("eggs") is not None


@pytest.mark.django_db
def test_deleting_a_category_removes_it_from_the_tree(
    tree, django_capture_on_commit_callbacks
):
    category_tree()

    with django_capture_on_commit_callbacks(execute=True):
        services.category_delete(category=tree["cheese"])

    assert category_tree().get("cheese") is None


@pytest.mark.django_db
def test_a_category_cannot_move_under_its_own_child(tree):
    from django.core.exceptions import ValidationError

    tree["dairy"].parent = tree["milk"]

    with pytest.raises(ValidationError):
        services.category_save(category=tree["dairy"])

    tree["dairy"].refresh_from_db()
    assert tree["dairy"].parent is None


@pytest.mark.django_db
def test_new_category_gets_a_unique_slug_from_its_name(tree):
    category = services.category_save(
        category=CategoryFactory.build(name="Milk", slug="", parent=tree["dairy"])
    )

    assert category.slug == "milk-2"


@pytest.mark.django_db
def test_warm_tree_comes_from_process_memory_not_the_cache(tree):
    first = category_tree()
    cache.delete(
        _CATEGORY_TREE_KEY.format(generation=cache.get(CATEGORY_TREE_GENERATION_KEY))
    )

    with CaptureQueriesContext(connection) as queries:
        again = category_tree()

    assert again is first
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_request_asks_for_the_tree_once(tree, rf):
    request = rf.get("/")
    first = category_tree_for(request)
    cache.set(CATEGORY_TREE_GENERATION_KEY, "a-later-generation", timeout=None)

    again = category_tree_for(request)

    assert again is first
    assert category_tree_for(rf.get("/")) is not first
