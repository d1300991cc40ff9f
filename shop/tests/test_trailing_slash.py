"""Every path ends in a slash; a request without it never loses its body."""

import pytest


@pytest.mark.django_db
def test_a_post_without_the_slash_is_sent_on_with_308(auth_api_client):
    response = auth_api_client.post(
        "/api/v1/cart/items", {"variant": 1, "quantity": 1}, format="json"
    )

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/cart/items/"


@pytest.mark.django_db
def test_a_post_without_the_slash_is_308_with_debug_on_too(client, settings):
    settings.DEBUG = True

    response = client.post("/account/login?next=/cart/", {"email": "a@b.c"})

    assert response.status_code == 308
    assert response["Location"] == "/account/login/?next=/cart/"


@pytest.mark.django_db
def test_a_get_without_the_slash_is_redirected_as_before(client):
    response = client.get("/api/v1/products")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/products/"


@pytest.mark.django_db
def test_an_unknown_path_stays_404(client):
    response = client.post("/no-such-page")

    assert response.status_code == 404
