import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import services, tasks
from catalog.images import THUMBNAIL_SIZE, image_check
from catalog.models import ProductImage
from catalog.tests.pictures import picture_upload, stored_files


@pytest.mark.parametrize(
    ("format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")]
)
def test_jpeg_png_and_webp_are_accepted(format, extension):
    assert image_check(picture_upload(format=format)) == extension


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (picture_upload(format="GIF"), "Upload a JPEG, PNG or WebP picture."),
        (picture_upload(format="BMP"), "Upload a JPEG, PNG or WebP picture."),
        (
            SimpleUploadedFile("notes.jpg", b"these are not pixels", "image/jpeg"),
            "This file is not a picture, or it is damaged.",
        ),
        (
            SimpleUploadedFile("cut.png", picture_upload(format="PNG").read()[:60]),
            "This file is not a picture, or it is damaged.",
        ),
    ],
)
def test_other_files_are_refused_with_a_clear_message(upload, message):
    with pytest.raises(ValidationError) as refused:
        image_check(upload)

    assert message in refused.value.messages[0]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.SHOP_MAX_IMAGE_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.jpg", b"\xff" * (1024 * 1024 + 1))

    with pytest.raises(ValidationError) as refused:
        image_check(upload)

    assert refused.value.messages == [
        "This picture is 1 MB; a picture may be at most 1 MB."
    ]


def test_a_picture_over_the_pixel_limit_is_refused(settings):
    settings.SHOP_MAX_IMAGE_PIXELS = 10_000

    with pytest.raises(ValidationError) as refused:
        image_check(picture_upload(size=(101, 100)))

    assert refused.value.code == "image_too_many_pixels"
    assert "at most 0.01 megapixels" in refused.value.messages[0]


def test_a_decompression_bomb_is_refused_without_being_inflated():
    # 196 million one-bit pixels compress to a few kilobytes of PNG.
    bomb = picture_upload(format="PNG", mode="1", size=(14_000, 14_000))
    assert bomb.size < 100_000

    with pytest.raises(ValidationError) as refused:
        image_check(bomb)

    assert refused.value.code == "image_too_many_pixels"


@pytest.mark.django_db
def test_a_refused_upload_stores_nothing(settings, tree, make_product):
    product = make_product(category=tree["milk"])

    with pytest.raises(ValidationError):
        services.product_image_add(product=product, upload=picture_upload(format="GIF"))

    assert ProductImage.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_an_accepted_picture_gets_its_thumbnail_after_commit(
    settings, tree, make_product, django_capture_on_commit_callbacks
):
    product = make_product(category=tree["milk"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        image = services.product_image_add(
            product=product, upload=picture_upload(size=(1200, 800))
        )
    # Nothing is rendered inside the request: only after the commit.
    assert image.thumbnail.name == ""
    for callback in callbacks:
        callback()

    image.refresh_from_db()
    assert image.image.name.endswith(".jpg")
    assert image.alt_text == product.name
    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.format == "WEBP"
        assert thumbnail.size == (THUMBNAIL_SIZE, THUMBNAIL_SIZE)


@pytest.mark.django_db
def test_making_a_thumbnail_twice_makes_one(settings, tree, make_product):
    product = make_product(category=tree["milk"])
    image = services.product_image_add(product=product, upload=picture_upload())

    first = tasks.product_image_thumbnail_make(image.pk)
    image.refresh_from_db()
    name = image.thumbnail.name
    second = tasks.product_image_thumbnail_make(image.pk)

    image.refresh_from_db()
    assert (first, second) == (True, False)
    assert image.thumbnail.name == name
    thumbs = [f for f in stored_files(settings) if f.startswith("products/thumbs/")]
    assert thumbs == [name]


@pytest.mark.django_db
def test_thumbnail_of_a_deleted_picture_is_a_no_op(settings):
    assert tasks.product_image_thumbnail_make(987654) is False
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_deleting_a_picture_removes_its_files_after_commit(
    settings, tree, make_product, django_capture_on_commit_callbacks
):
    product = make_product(category=tree["milk"])
    image = services.product_image_add(product=product, upload=picture_upload())
    tasks.product_image_thumbnail_make(image.pk)
    image.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_delete(image=image)

    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_file_shared_by_another_picture_is_kept(
    settings, tree, make_product, django_capture_on_commit_callbacks
):
    product = make_product(category=tree["milk"])
    image = services.product_image_add(product=product, upload=picture_upload())
    twin = ProductImage.objects.create(product=product, image=image.image.name)

    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_delete(image=image)

    assert stored_files(settings) == [twin.image.name]
