"""ETags and Cache-Control: catalogue reads revalidate cheaply, personal answers
are never stored.

Transactional, like the page cache's tests: the catalogue generation moves
when a write commits.
"""

import gzip

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductVariant

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_api_catalogue_read_is_public_with_an_etag(variant):
    response = Client().get("/api/v1/products/")

    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Cache-Control"] == "public, no-cache"
    assert "Accept" in {v.strip() for v in response["Vary"].split(",")}


def test_an_api_catalogue_read_with_a_token_is_public_alike(variant, auth_api_client):
    anonymous = Client().get("/api/v1/products/")

    response = auth_api_client.get(
        "/api/v1/products/", HTTP_IF_NONE_MATCH=anonymous["ETag"]
    )

    assert response.status_code == 304
    assert response["Cache-Control"] == "public, no-cache"


def test_a_matching_if_none_match_answers_304_after_one_query(variant):
    etag = Client().get("/api/v1/products/")["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/api/v1/products/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert len(queries) == 1  # the catalogue generation


def test_a_price_change_makes_the_old_etag_miss(variant):
    etag = Client().get("/api/v1/products/")["ETag"]
    ProductVariant.objects.filter(pk=variant.pk).update(price=F("price") - 1)

    response = Client().get("/api/v1/products/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["results"][0]["variants"][0]["price"] == "29.00"


def test_max_age_comes_from_the_settings(variant, settings):
    settings.SHOP_HTTP_MAX_AGE = 60

    response = Client().get("/api/v1/categories/")

    assert response["Cache-Control"] == "public, max-age=60"


def test_a_catalogue_page_is_private_and_revalidates_per_visitor(variant):
    client = Client()
    first = client.get("/p/toned-milk/")
    second = client.get("/p/toned-milk/")  # now with the csrftoken cookie

    again = client.get("/p/toned-milk/", HTTP_IF_NONE_MATCH=second["ETag"])
    stranger = Client().get("/p/toned-milk/", HTTP_IF_NONE_MATCH=second["ETag"])

    assert first["Cache-Control"] == second["Cache-Control"] == "private, no-cache"
    assert again.status_code == 304
    # Another visitor's copy holds another CSRF token: never theirs.
    assert stranger.status_code == 200


def test_a_signed_in_visitor_gets_no_validator_and_no_store(variant, user):
    client = Client()
    client.force_login(user)

    response = client.get("/p/toned-milk/")

    assert response.status_code == 200
    assert "ETag" not in response
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/cart/", "/api/v1/cart/", "/api/v1/me/"])
def test_personal_answers_are_private_and_never_stored(auth_api_client, path, user):
    client = Client()
    client.force_login(user)

    response = (
        auth_api_client.get(path) if path.startswith("/api/") else client.get(path)
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_json_and_html_are_gzipped_for_clients_that_accept_it(variant):
    api = Client().get("/api/v1/products/", HTTP_ACCEPT_ENCODING="gzip, br")
    page = Client().get("/p/toned-milk/", HTTP_ACCEPT_ENCODING="gzip")

    assert api["Content-Encoding"] == page["Content-Encoding"] == "gzip"
    assert b"Toned Milk" in gzip.decompress(api.content)
    assert b"Toned Milk" in gzip.decompress(page.content)


def test_a_local_media_file_is_kept_for_a_year():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("products/thumbs/a1b2.webp", ContentFile(b"RIFF"))

    response = Client().get(f"/media/{name}")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(response.streaming_content) == b"RIFF"
    assert Client().get("/media/products/thumbs/missing.webp").status_code == 404
