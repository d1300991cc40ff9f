"""Impossible order and invoice numbers are 404 before any view or query."""

import pytest

pytestmark = pytest.mark.django_db

ODD = ["FC%00X", "%D8%00", "x" * 40, "FC%20X"]
PAGES = [
    "/orders/{}/",
    "/orders/{}/pay/",
    "/orders/{}/invoice/",
    "/orders/FC1/credit-notes/{}/",
    "/api/v1/orders/{}/",
    "/api/v1/orders/{}/invoice/",
]
POSTS = [
    "/orders/{}/cancel/",
    "/orders/{}/pay/test-card/",
    "/api/v1/orders/{}/cancel/",
    "/api/v1/orders/{}/payment/",
]


@pytest.mark.parametrize("number", ODD)
@pytest.mark.parametrize("path", PAGES)
def test_odd_numbers_in_pages_are_404(client, user, path, number):
    client.force_login(user)

    assert client.get(path.format(number)).status_code == 404


@pytest.mark.parametrize("number", ODD)
@pytest.mark.parametrize("path", POSTS)
def test_odd_numbers_in_actions_are_404(client, user, path, number):
    client.force_login(user)

    assert client.post(path.format(number)).status_code == 404
