"""Pictures on S3, through django-storages and boto3, against moto on loopback."""

import urllib.request

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from catalog import services
from catalog.images import THUMBNAIL_SIZE
from catalog.media_bucket import media_bucket_ensure
from catalog.tests.pictures import picture_upload

BUCKET = "freshcart-media-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint):
    """Point media storage at a fresh bucket made by the release job."""
    credentials = {
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "region_name": "us-east-1",
    }
    client = boto3.client("s3", endpoint_url=s3_endpoint, **credentials)
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_S3_REGION_NAME = "us-east-1"
    # Changing STORAGES makes Django drop the storages it built, so the next
    # use of default_storage (and of every FileField) builds an S3Storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"querystring_auth": False, "custom_domain": None},
        },
    }
    media_bucket_ensure()
    yield client
    client.delete_bucket_policy(Bucket=BUCKET)
    objects = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(
        o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    )


@pytest.mark.django_db
def test_picture_and_thumbnail_live_on_s3(
    s3, tree, make_product, django_capture_on_commit_callbacks
):
    from storages.backends.s3 import S3Storage

    product = make_product(category=tree["milk"])

    with django_capture_on_commit_callbacks(execute=True):
        image = services.product_image_add(product=product, upload=picture_upload())

    image.refresh_from_db()
    assert isinstance(image.image.storage._wrapped, S3Storage)
    assert keys(s3) == sorted([image.image.name, image.thumbnail.name])
    url = image.thumbnail.url
    assert url == f"{s3.meta.endpoint_url}/{BUCKET}/{image.thumbnail.name}"
    with urllib.request.urlopen(url) as answer:  # noqa: S310 (loopback moto)
        thumbnail = Image.open(answer)
        thumbnail.load()
    assert thumbnail.size == (THUMBNAIL_SIZE, THUMBNAIL_SIZE)


@pytest.mark.django_db
def test_a_refused_upload_puts_nothing_on_s3(s3, tree, make_product):
    from django.core.exceptions import ValidationError

    product = make_product(category=tree["milk"])

    with pytest.raises(ValidationError):
        services.product_image_add(product=product, upload=picture_upload(format="GIF"))

    assert keys(s3) == []


@pytest.mark.django_db
def test_listing_pages_link_the_s3_thumbnail(
    s3, client, tree, make_product, django_capture_on_commit_callbacks
):
    product = make_product(name="Toned Milk", category=tree["milk"])
    with django_capture_on_commit_callbacks(execute=True):
        image = services.product_image_add(product=product, upload=picture_upload())
    image.refresh_from_db()

    page = client.get("/c/milk/").content.decode()

    assert f"{s3.meta.endpoint_url}/{BUCKET}/{image.thumbnail.name}" in page
    assert image.image.name not in page


@pytest.mark.django_db
def test_pictures_have_stable_links_on_the_media_domain(
    s3, settings, tree, make_product, django_capture_on_commit_callbacks
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"querystring_auth": False, "custom_domain": "cdn.shop.test"},
        },
    }
    product = make_product(category=tree["milk"])
    with django_capture_on_commit_callbacks(execute=True):
        image = services.product_image_add(product=product, upload=picture_upload())
    image.refresh_from_db()

    first, second = image.thumbnail.url, image.thumbnail.url

    assert first == f"https://cdn.shop.test/{image.thumbnail.name}"
    assert second == first
