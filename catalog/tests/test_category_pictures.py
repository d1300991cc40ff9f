"""A category's picture gets a small copy, which tiles and the rail offer first."""

import pytest
from django.urls import reverse
from PIL import Image

from catalog import services, tasks
from catalog.images import CATEGORY_THUMBNAIL_SIZE
from catalog.models import Category
from catalog.selectors import category_tree
from catalog.tests.pictures import picture_upload, stored_files


def _admin_save(client, category, upload, **fields):
    data = {
        "name": category.name,
        "parent": str(category.parent_id or ""),
        "position": str(category.position),
        "is_active": "on",
        "image": upload,
        "_save": "Save",
        **fields,
    }
    return client.post(
        reverse("admin:catalog_category_change", args=[category.pk]), data
    )


@pytest.mark.django_db
def test_a_new_category_picture_gets_its_small_copy_after_commit(
    client, staff_user, tree, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    milk = tree["milk"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _admin_save(client, milk, picture_upload(size=(900, 600)))
    milk.refresh_from_db()
    # Nothing is drawn inside the request.
    assert response.status_code == 302
    assert milk.image.name.startswith("categories/")
    assert milk.thumbnail.name == ""
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    milk.refresh_from_db()
    assert milk.thumbnail.name.startswith("categories/thumbs/")
    with Image.open(milk.thumbnail.path) as thumbnail:
        assert thumbnail.format == "WEBP"
        assert thumbnail.size == (CATEGORY_THUMBNAIL_SIZE, CATEGORY_THUMBNAIL_SIZE)
    node = category_tree().get("milk")
    assert node.thumbnail_url == milk.thumbnail.url


@pytest.fixture
def milk_pictured(client, staff_user, tree, django_capture_on_commit_callbacks):
    """Milk with a picture and its small copy, saved by staff in the admin."""
    client.force_login(staff_user)
    milk = tree["milk"]
    with django_capture_on_commit_callbacks(execute=True):
        _admin_save(client, milk, picture_upload())
    milk.refresh_from_db()
    assert milk.thumbnail.name
    return milk


@pytest.mark.django_db
def test_a_replaced_picture_replaces_the_small_copy(
    client, milk_pictured, settings, django_capture_on_commit_callbacks
):
    milk = milk_pictured
    first = milk.thumbnail.name

    with django_capture_on_commit_callbacks(execute=True):
        _admin_save(client, milk, picture_upload(format="PNG"))

    milk.refresh_from_db()
    assert milk.image.name.endswith(".png")
    assert milk.thumbnail.name not in ("", first)
    # The replaced picture and its copy are gone from storage.
    assert stored_files(settings) == sorted([milk.image.name, milk.thumbnail.name])


@pytest.mark.django_db
def test_a_replaced_picture_another_category_shows_is_kept(
    client, milk_pictured, tree, settings, django_capture_on_commit_callbacks
):
    milk = milk_pictured
    shared = (milk.image.name, milk.thumbnail.name)
    Category.objects.filter(pk=tree["cheese"].pk).update(
        image=shared[0], thumbnail=shared[1]
    )

    with django_capture_on_commit_callbacks(execute=True):
        _admin_save(client, milk, picture_upload(format="PNG"))

    assert set(shared) <= set(stored_files(settings))


@pytest.mark.django_db
def test_deleting_a_category_removes_its_pictures_after_commit(
    milk_pictured, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.category_delete(category=milk_pictured)

    assert stored_files(settings) == []


@pytest.mark.django_db
def test_saving_other_fields_keeps_the_small_copy(
    client, milk_pictured, django_capture_on_commit_callbacks
):
    milk = milk_pictured
    kept = (milk.image.name, milk.thumbnail.name)

    with django_capture_on_commit_callbacks(execute=True):
        _admin_save(client, milk, "", name="Milk & Lassi")

    milk.refresh_from_db()
    assert milk.name == "Milk & Lassi"
    # Drawn again, the copy would be stored under a new name.
    assert (milk.image.name, milk.thumbnail.name) == kept


@pytest.mark.django_db
def test_making_the_small_copy_twice_makes_one(tree):
    milk = tree["milk"]
    milk.image.save("milk.jpg", picture_upload(), save=False)
    Category.objects.filter(pk=milk.pk).update(image=milk.image.name)

    made = [tasks.category_thumbnail_make(milk.pk) for _ in range(2)]

    assert made == [True, False]
    assert tasks.category_thumbnail_make(tree["cheese"].pk) is False


@pytest.mark.django_db
def test_tiles_offer_the_small_copy_and_the_full_picture_to_dense_screens(client, tree):
    fruits = tree["fruits"]
    fruits.image = "categories/fruits.webp"
    fruits.thumbnail = "categories/thumbs/fruits.webp"
    services.category_save(category=fruits)
    dairy = tree["dairy"]
    dairy.image = "categories/dairy.webp"
    services.category_save(category=dairy)

    page = client.get("/").content.decode()

    assert (
        'src="/media/categories/thumbs/fruits.webp" '
        'srcset="/media/categories/thumbs/fruits.webp 160w, '
        '/media/categories/fruits.webp 320w" '
        'sizes="(min-width: 1000px) 140px, (min-width: 600px) 16vw, 24vw"'
    ) in page
    # Until its small copy is made, a picture shows on its own.
    assert '<img src="/media/categories/dairy.webp" alt=""' in page
