"""A browser SPA on an allowed origin may call the API; other origins may not."""

import pytest

SPA = "https://app.shop.test"
OTHER = "https://evil.test"


@pytest.fixture(autouse=True)
def spa_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]


def _preflight(client, path, origin, method="GET"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, idempotency-key",
    )


@pytest.mark.django_db
def test_a_preflight_from_the_spa_is_allowed_without_credentials(client):
    response = _preflight(client, "/api/v1/products/", SPA)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SPA
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "idempotency-key" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_a_preflight_from_another_origin_is_refused(client):
    response = _preflight(client, "/api/v1/products/", OTHER)

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in response


@pytest.mark.django_db
def test_a_read_from_the_spa_names_its_origin_and_exposes_the_etag(client):
    response = client.get("/api/v1/products/", HTTP_ORIGIN=SPA)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SPA
    assert "etag" in response["Access-Control-Expose-Headers"]
    assert "origin" in response["Vary"].lower()


@pytest.mark.django_db
def test_a_read_from_another_origin_gets_no_cors_headers(client):
    response = client.get("/api/v1/products/", HTTP_ORIGIN=OTHER)

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/v1/auth/token/", "/api/v1/auth/token/refresh/", "/api/v1/auth/logout/"],
)
def test_the_cookie_mode_endpoints_allow_credentials_for_the_spa(client, path):
    response = _preflight(client, path, SPA, method="POST")

    assert response["Access-Control-Allow-Origin"] == SPA
    assert response["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.django_db
def test_the_cookie_mode_endpoints_refuse_another_origin(client):
    response = _preflight(client, "/api/v1/auth/token/", OTHER, method="POST")

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_pages_are_not_opened_to_other_origins(client):
    response = client.get("/", HTTP_ORIGIN=SPA)

    assert "Access-Control-Allow-Origin" not in response
