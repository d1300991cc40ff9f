"""Rate limits count the client behind the trusted proxy, and only behind it."""

import pytest
from django.test import RequestFactory

from shop.client_ip import client_ip

PROXY = "172.28.0.10"


@pytest.fixture
def behind_proxy(settings):
    settings.SHOP_TRUSTED_PROXIES = [PROXY]


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.usefixtures("behind_proxy")
def test_the_client_address_comes_from_the_trusted_proxys_header():
    assert client_ip(_request(PROXY, "203.0.113.7")) == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_entries_a_client_wrote_itself_are_passed_over():
    # The client sent "X-Forwarded-For: 1.2.3.4"; a proxy appended its view.
    assert client_ip(_request(PROXY, "1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_a_trusted_network_covers_a_chain_of_proxies(settings):
    settings.SHOP_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(_request("10.0.0.2", "203.0.113.7, 10.1.1.1")) == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_a_client_not_behind_the_proxy_cannot_choose_its_address():
    assert client_ip(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(_request(PROXY, "203.0.113.7")) == PROXY


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize("forwarded", ["", "not-an-address", "203.0.113.7, junk"])
def test_a_missing_or_malformed_header_leaves_the_proxy_address(forwarded):
    assert client_ip(_request(PROXY, forwarded)) == PROXY
