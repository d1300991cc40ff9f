from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from accounts.models import User
from catalog.models import Category, Product, ProductImage, ProductVariant, Review


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_builds_a_shop_with_pictures_sellers_and_reviews(settings):
    output = seed(products=40, categories=16)

    assert Category.objects.filter(parent=None).count() == 8
    assert Category.objects.exclude(parent=None).count() == 8
    assert Product.objects.count() == 40
    assert ProductImage.objects.filter(thumbnail="").count() == 0
    assert ProductVariant.objects.filter(stock=0).exists()
    assert ProductVariant.objects.filter(mrp__gt=F("price")).exists()
    assert Review.objects.exists()
    assert Product.objects.filter(rating_count__gt=0).exists()
    demo_seller = User.objects.get(email="seller@freshcart.test")
    assert demo_seller.is_seller
    assert Product.objects.filter(seller=demo_seller).exists()
    assert "[############################] 100% 40/40" in output
    assert "Demo shop ready: 40 products" in output


@pytest.mark.django_db
def test_seeding_twice_adds_nothing_and_a_bigger_number_tops_up():
    seed(products=30, categories=16)
    names = set(Product.objects.values_list("name", flat=True))

    seed(products=30, categories=16)
    assert Product.objects.count() == 30
    assert set(Product.objects.values_list("name", flat=True)) == names

    seed(products=45, categories=16)
    assert Product.objects.count() == 45
    assert Product.objects.values("slug").distinct().count() == 45
    assert Category.objects.count() == 16


@pytest.mark.django_db
def test_seeded_products_spread_over_every_subcategory():
    seed(products=50)

    subcategories = Category.objects.exclude(parent=None)
    assert subcategories.count() == 42
    assert all(c.products.exists() for c in subcategories)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options", [{"products": -1}, {"categories": 15}, {"categories": 51}]
)
def test_bad_numbers_are_refused(options):
    with pytest.raises(CommandError):
        seed(**options)
    assert Product.objects.count() == 0
