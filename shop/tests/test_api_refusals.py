"""Django's own refusals under /api/ answer the API's error shape, DEBUG or not."""

import pytest

pytestmark = pytest.mark.django_db

DEBUG_MODES = pytest.mark.parametrize("debug", [True, False], ids=["debug", "no-debug"])


@DEBUG_MODES
@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v2/products/", "/api/", "/api/v1/x"]
)
def test_an_unknown_api_path_is_a_json_404(client, settings, debug, path):
    settings.DEBUG = debug

    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@DEBUG_MODES
def test_a_post_to_an_unknown_api_path_is_a_json_404(client, settings, debug):
    settings.DEBUG = debug

    response = client.post("/api/v1/nope/", {}, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@DEBUG_MODES
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/categories/"),
        ("delete", "/api/v1/products/"),
        ("post", "/api/docs/"),
        ("delete", "/api/schema/"),
    ],
)
def test_an_unsupported_method_is_a_json_405_with_allow(
    client, settings, debug, method, path
):
    settings.DEBUG = debug

    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "method_not_allowed",
        "detail": f'Method "{method.upper()}" not allowed.',
    }
    assert "GET" in response["Allow"]


@DEBUG_MODES
def test_a_missing_slash_still_redirects(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/api/v1/products")

    assert response.status_code == 301
    assert response.url == "/api/v1/products/"


@DEBUG_MODES
def test_pages_outside_the_api_keep_their_html_404(client, settings, debug):
    settings.DEBUG = debug

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_json_refusals_keep_the_security_headers(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
