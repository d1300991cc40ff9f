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


def _colour_at_centre(name: str, storage) -> tuple[int, int, int]:
    from PIL import Image

    with storage.open(name) as file, Image.open(file) as picture:
        return picture.convert("RGB").getpixel(
            (picture.width // 2, picture.height // 2)
        )


@pytest.mark.django_db
def test_seeded_pictures_show_the_item_and_are_drawn_once_per_item(settings, tmp_path):
    from catalog import demo

    if not demo.emoji_font_available():
        pytest.fail(f"{demo.EMOJI_FONT} is missing: run make system-packages")
    settings.MEDIA_ROOT = str(tmp_path)
    seed(products=60, categories=16)

    storage = ProductImage._meta.get_field("image").storage
    banana = ProductImage.objects.get(product__name="Banana Robusta")
    assert banana.image.name == "demo/emoji/products/banana-robusta.jpg"
    assert banana.thumbnail.name == "demo/emoji/thumbs/banana-robusta.webp"
    red, green, blue = _colour_at_centre(banana.thumbnail.name, storage)
    assert red > 200
    assert green > 150
    assert blue < 120
    # Every brand's banana shares the one drawing.
    assert (
        ProductImage.objects.filter(image=banana.image.name).count()
        == Product.objects.filter(name__endswith="Banana Robusta").count()
        > 1
    )
    # One file per item of the chosen aisles, whatever the number of products.
    items = {
        item
        for top, subs in demo.categories_chosen(16)
        for sub in subs
        for item, _price in sub.items
    }
    drawn = list((tmp_path / "demo" / "emoji" / "products").iterdir())
    assert len(drawn) == len(items)
    fruits = Category.objects.get(name="Fresh Fruits")
    assert fruits.image.name == "demo/emoji/categories/fresh-fruits.webp"
    assert fruits.thumbnail.name == "demo/emoji/categories/thumbs/fresh-fruits.webp"
    assert Category.objects.filter(thumbnail="").count() == 0


def test_without_the_emoji_font_pictures_are_initials_tiles(monkeypatch):
    from io import BytesIO

    from PIL import Image

    from catalog import demo

    monkeypatch.setattr(demo, "EMOJI_FONT", "/nonexistent/emoji.ttf")
    data = demo.picture_render("Banana Robusta", "#2e7d32", emoji="🍌", format="WEBP")

    with Image.open(BytesIO(data)) as picture:
        assert picture.format == "WEBP"
        # The tile's strong colour, where the banana would be.
        red, green, blue = picture.convert("RGB").getpixel((300, 150))
        assert green > red
        assert green > blue


def test_every_item_has_a_picture_word():
    from catalog import demo

    missing = [
        item
        for top in demo.CATALOGUE
        for sub in top.children
        for item, _price in sub.items
        if not (demo.item_emoji(item) or demo.category_emoji(sub.name))
    ]
    assert missing == []
    assert demo.item_emoji("Milk Chocolate") == "🍫"
    assert demo.item_emoji("Watermelon") == "🍉"
    assert demo.item_emoji("Pineapple") == "🍍"


def test_ten_thousand_demo_products_have_ten_thousand_names():
    from itertools import islice

    from catalog import demo

    names = [
        p.name for p in islice(demo.products_plan(demo.categories_chosen(None)), 10_000)
    ]
    assert len(set(names)) == 10_000


@pytest.mark.django_db
def test_a_top_up_with_other_categories_repeats_no_name():
    seed(products=30, categories=16)

    seed(products=60)

    names = list(Product.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
