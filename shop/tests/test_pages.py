import pytest
from django.template.loader import render_to_string


@pytest.mark.django_db
def test_home_has_the_header_search_cart_and_account(client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html
    assert 'href="/cart/"' in html
    assert "Log in" in html


@pytest.mark.django_db
def test_unknown_page_renders_the_404_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "find that page" in response.content.decode()


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_500_page_needs_no_database_or_context():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


@pytest.mark.django_db
def test_static_files_are_served_by_the_shop(client, settings):
    settings.DEBUG = False
    response = client.get("/static/css/shop.css")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_admin_carries_the_shops_name(client):
    html = client.get("/admin/login/").content.decode()

    assert "FreshCart admin" in html
    assert "Django administration" not in html
