"""The seller's admin: own products only, seller stamped, writes through services."""

from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse

from catalog import services
from catalog.models import Product, ProductImage, ProductVariant
from catalog.tests.factories import ReviewFactory
from catalog.tests.pictures import picture_upload

CHANGELIST = reverse("admin:catalog_product_changelist")
ADD = reverse("admin:catalog_product_add")


def change_url(product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def product_form(category, **overrides) -> dict:
    data = {
        "name": "Farm Paneer",
        "brand": "Green Valley",
        "category": str(category.pk),
        "description": "Soft and fresh.",
        "is_active": "on",
        **inline_management("variants", total=1),
        "variants-0-sku": "GV-PANEER-200",
        "variants-0-label": "200 g",
        "variants-0-price": "90.00",
        "variants-0-mrp": "100.00",
        "variants-0-stock": "12",  # not a field: stock moves only at a store
        "variants-0-position": "0",
        "variants-0-is_active": "on",
        **inline_management("images"),
        "_save": "Save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def own_and_other(tree, seller, other_seller, make_product):
    own = make_product(name="Own Milk", category=tree["milk"])
    other = make_product(name="Other Milk", category=tree["milk"])
    other.seller = other_seller
    other.save()
    return own, other


@pytest.mark.django_db
def test_seller_lists_only_own_products_with_thumbnails(client, seller, own_and_other):
    own, _other = own_and_other
    ProductImage.objects.create(
        product=own, image="products/own.jpg", thumbnail="products/thumbs/own.webp"
    )
    client.force_login(seller)

    page = client.get(CHANGELIST).content.decode()

    assert "Own Milk" in page
    assert "Other Milk" not in page
    assert 'src="/media/products/thumbs/own.webp"' in page


@pytest.mark.django_db
def test_staff_list_all_products_with_their_sellers(client, staff_user, own_and_other):
    client.force_login(staff_user)

    page = client.get(CHANGELIST).content.decode()

    assert "Own Milk" in page
    assert "Other Milk" in page
    assert "column-seller" in page


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_another_sellers_product_by_url_is_not_found(
    client, seller, own_and_other, view
):
    _own, other = own_and_other
    client.force_login(seller)

    response = client.get(reverse(f"admin:catalog_product_{view}", args=[other.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.django_db
def test_posting_to_another_sellers_product_changes_nothing(
    client, seller, own_and_other, tree
):
    _own, other = own_and_other
    client.force_login(seller)

    client.post(change_url(other), product_form(tree["milk"], name="Hijacked"))

    other.refresh_from_db()
    assert other.name == "Other Milk"
    assert not ProductVariant.objects.filter(sku="GV-PANEER-200").exists()


@pytest.mark.django_db
def test_a_sellers_new_product_is_stamped_with_the_seller(client, seller, tree):
    client.force_login(seller)

    response = client.post(ADD, product_form(tree["cheese"]))

    assert response.status_code == 302
    product = Product.objects.get(name="Farm Paneer")
    assert product.seller == seller
    assert product.slug == "farm-paneer"
    assert product.variants.get().stock == 0


@pytest.mark.django_db
def test_a_seller_cannot_choose_another_seller(client, seller, other_seller, tree):
    client.force_login(seller)

    client.post(ADD, product_form(tree["cheese"], seller=str(other_seller.pk)))

    assert Product.objects.get(name="Farm Paneer").seller == seller


@pytest.mark.django_db
def test_a_bad_picture_in_the_inline_is_refused_and_nothing_saved(
    client, seller, tree, settings
):
    client.force_login(seller)
    data = product_form(
        tree["cheese"],
        **inline_management("images", total=1),
        **{"images-0-alt_text": "", "images-0-position": "0"},
    )
    data["images-0-image"] = picture_upload(format="GIF", name="paneer.gif")

    response = client.post(ADD, data)

    assert response.status_code == 200
    assert "Upload a JPEG, PNG or WebP picture." in response.content.decode()
    assert not Product.objects.filter(name="Farm Paneer").exists()


@pytest.mark.django_db
def test_a_picture_added_in_the_admin_gets_a_thumbnail(
    client, seller, tree, django_capture_on_commit_callbacks
):
    client.force_login(seller)
    data = product_form(
        tree["cheese"],
        **inline_management("images", total=1),
        **{"images-0-alt_text": "", "images-0-position": "0"},
    )
    data["images-0-image"] = picture_upload(name="paneer.png", format="PNG")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ADD, data)

    image = ProductImage.objects.get(product__name="Farm Paneer")
    assert image.thumbnail.name.endswith(".webp")
    assert image.alt_text == "Farm Paneer"


@pytest.mark.django_db
def test_bulk_deactivate_touches_only_the_sellers_own(client, seller, own_and_other):
    own, other = own_and_other
    client.force_login(seller)

    client.post(
        CHANGELIST,
        {
            "action": "products_deactivate",
            "_selected_action": [str(own.pk), str(other.pk)],
        },
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert own.is_active is False
    assert other.is_active is True


@pytest.mark.django_db
def test_bulk_activate(client, seller, tree, make_product):
    hidden = make_product(name="Hidden", category=tree["milk"], is_active=False)
    client.force_login(seller)

    client.post(
        CHANGELIST,
        {"action": "products_activate", "_selected_action": [str(hidden.pk)]},
    )

    hidden.refresh_from_db()
    assert hidden.is_active is True


@pytest.mark.django_db
def test_seller_stock_list_shows_only_own_variants(client, seller, own_and_other):
    client.force_login(seller)

    page = client.get(reverse("admin:catalog_productvariant_changelist")).content
    page = page.decode()

    assert "Own Milk" in page
    assert "Other Milk" not in page


@pytest.mark.django_db
def test_another_sellers_variant_by_url_is_not_found(client, seller, own_and_other):
    _own, other = own_and_other
    variant = other.variants.get()
    client.force_login(seller)

    response = client.post(
        reverse("admin:catalog_productvariant_change", args=[variant.pk]),
        {"stock": "0"},
    )

    variant.refresh_from_db()
    assert response.status_code == 302
    assert variant.stock == 10


@pytest.mark.django_db
def test_a_variant_edit_never_writes_stock(tree, make_product):
    variant = make_product(category=tree["milk"], stock=10).variants.get()
    # An order takes 3 units while the seller's form is open.
    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") - 3)

    variant.stock, variant.price = 15, Decimal("25.00")
    services.variant_save(variant=variant, changed=["stock", "price"])

    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (Decimal("25.00"), 7)


@pytest.mark.django_db
def test_a_price_edit_leaves_stock_alone(tree, make_product):
    variant = make_product(category=tree["milk"], stock=10).variants.get()
    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") - 3)

    variant.price = Decimal("25.00")
    services.variant_save(variant=variant, changed=["price"])

    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (Decimal("25.00"), 7)


@pytest.mark.django_db
def test_the_stock_list_edits_prices_and_shows_the_stores_stock(
    client, seller, own_and_other
):
    own, _other = own_and_other
    variant = own.variants.get()
    client.force_login(seller)

    response = client.post(
        reverse("admin:catalog_productvariant_changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(variant.pk),
            "form-0-price": "31.00",
            "form-0-mrp": "32.00",
            "form-0-stock": "40",
            "form-0-is_active": "on",
            "_save": "Save",
        },
    )

    variant.refresh_from_db()
    assert response.status_code == 302
    assert (variant.price, variant.stock) == (Decimal("31.00"), 10)


@pytest.mark.django_db
def test_sellers_may_view_categories_but_not_change_them(client, seller, tree):
    client.force_login(seller)
    change = reverse("admin:catalog_category_change", args=[tree["milk"].pk])

    assert client.get(reverse("admin:catalog_category_changelist")).status_code == 200
    assert client.get(reverse("admin:catalog_category_add")).status_code == 403
    response = client.post(change, {"name": "Renamed", "position": "0"})

    tree["milk"].refresh_from_db()
    assert response.status_code == 403
    assert tree["milk"].name == "Milk"


@pytest.mark.django_db
def test_staff_category_edit_refreshes_the_storefront(
    client, staff_user, tree, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    client.get("/c/milk/")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:catalog_category_change", args=[tree["milk"].pk]),
            {
                "name": "Milk & Lassi",
                "parent": str(tree["dairy"].pk),
                "position": "0",
                "is_active": "on",
                "_save": "Save",
            },
        )

    assert "Milk &amp; Lassi" in client.get("/c/milk/").content.decode()


@pytest.mark.django_db
def test_seller_sees_reviews_of_own_products_only(client, seller, own_and_other):
    own, other = own_and_other
    ReviewFactory(product=own, title="About mine")
    ReviewFactory(product=other, title="About theirs")
    client.force_login(seller)

    page = client.get(reverse("admin:catalog_review_changelist")).content.decode()

    assert "About mine" in page
    assert "About theirs" not in page
