"""`reverse_slug` answers what `reverse()` answers."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from shop.reverse import reverse_slug


@pytest.mark.parametrize("slug", ["amul-taaza-toned-milk", "a", "x_1-2", "0slug0"])
@pytest.mark.parametrize("viewname", ["catalog:product", "catalog:category"])
def test_the_url_is_the_one_reverse_gives(viewname, slug):
    assert reverse_slug(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_the_script_prefix_is_the_requests():
    set_script_prefix("/shop/")
    try:
        assert reverse_slug("catalog:product", "toned-milk") == "/shop/p/toned-milk/"
    finally:
        set_script_prefix("/")
    assert reverse_slug("catalog:product", "toned-milk") == "/p/toned-milk/"


@override_settings(ROOT_URLCONF="bench.urls")
def test_another_urlconf_is_reversed_on_its_own():
    assert reverse_slug("catalog:product", "toned-milk") == reverse(
        "catalog:product", kwargs={"slug": "toned-milk"}
    )


@pytest.mark.parametrize("slug", ["", "with space", "dahi/curd", "दही"])
def test_a_slug_the_converter_refuses_fails_as_reverse_fails(slug):
    with pytest.raises(NoReverseMatch):
        reverse_slug("catalog:product", slug)
