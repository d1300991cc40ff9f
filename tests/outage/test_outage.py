"""A real gunicorn server whose Redis, or database, address is a closed port.

Without Redis the shop keeps selling: catalogue pages and API, login (page
and API, sessions from the database), the cart and order placement answer as
usual, and a limit that guards email stays closed. Without the database
every page answers the shop's 503 page and the API its JSON error shape,
never a traceback.
"""

import re
import socket
import time

import pytest
import requests

from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from tests.conftest import (
    ARTIFACTS,
    _server_env,
    free_port,
    gunicorn_serving,
    served_database_name,
)
from tests.shopdata import PIN_CODE, shop_seed

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

CATALOGUE = [
    "/",
    "/c/fresh-fruits/",
    "/p/shimla-apple/",
    "/search/?q=apple",
    "/api/v1/products/",
    "/api/v1/categories/",
    "/api/v1/products/shimla-apple/",
]


def _closed_port() -> int:
    port = free_port()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the port must be closed"
    return port


@pytest.fixture
def outage_server(transactional_db, django_db_blocker, tmp_path):
    """Start a server with some variables replaced; yield its URL."""

    def serve(name: str, **overrides):
        env = _server_env(served_database_name(django_db_blocker), tmp_path)
        env.update(overrides)
        return gunicorn_serving(env, ARTIFACTS / f"outage-{name}.log")

    return serve


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def test_without_redis_the_shop_keeps_selling(outage_server):
    shop = shop_seed()
    shopper = UserFactory(email="redis.down@example.com")
    address = AddressFactory(user=shopper, postal_code=PIN_CODE)
    redis_down = f"redis://127.0.0.1:{_closed_port()}/0"

    with outage_server(
        "redis",
        REDIS_URL=redis_down,
        CELERY_BROKER_URL=redis_down,
        CELERY_RESULT_BACKEND=redis_down,
        CELERY_TASK_ALWAYS_EAGER="false",
    ) as url:
        ready = requests.get(f"{url}/readyz", timeout=30)
        catalogue = {path: requests.get(url + path, timeout=30) for path in CATALOGUE}

        browser = requests.Session()
        login = browser.post(
            f"{url}/account/login/",
            {
                "email": shopper.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(browser, f"{url}/account/login/"),
            },
            headers={"Referer": f"{url}/account/login/"},
            timeout=30,
            allow_redirects=False,
        )
        orders_page = browser.get(f"{url}/orders/", timeout=30)

        token = requests.post(
            f"{url}/api/v1/auth/token/",
            json={"email": shopper.email, "password": PASSWORD},
            timeout=30,
        )
        bearer = {"Authorization": f"Bearer {token.json()['access']}"}
        added = requests.post(
            f"{url}/api/v1/cart/items/",
            json={"variant": shop.variants["apple"].pk, "quantity": 2},
            headers=bearer,
            timeout=30,
        )
        started = time.monotonic()
        placed = requests.post(
            f"{url}/api/v1/orders/",
            json={"address": address.pk, "slot": shop.slots[0].pk},
            headers=bearer,
            timeout=60,
        )
        placing_took = time.monotonic() - started
        reset = requests.post(
            f"{url}/api/v1/auth/password-reset/",
            json={"email": shopper.email},
            timeout=30,
        )

    assert ready.status_code == 503
    assert ready.json()["checks"]["cache"] == "unreachable"
    assert {path: r.status_code for path, r in catalogue.items()} == dict.fromkeys(
        CATALOGUE, 200
    )
    assert "Shimla Apple" in catalogue["/p/shimla-apple/"].text
    assert login.status_code == 302
    assert orders_page.status_code == 200
    assert "Log in" not in orders_page.text.split("<main", 1)[1][:2000]
    assert token.status_code == 200
    assert added.status_code == 201, added.text
    assert placed.status_code == 201, placed.text
    assert placing_took < 10
    # Reset mail is limited per address; without the count it waits.
    assert reset.status_code == 429
    assert reset.json()["code"] == "rate_limited"


PAGES = ["/", "/c/fresh-fruits/", "/p/shimla-apple/", "/search/?q=apple"]


def test_without_the_database_pages_answer_503_and_the_api_its_json(outage_server):
    database_down = f"postgres://postgres@127.0.0.1:{_closed_port()}/shop"

    with outage_server("database", DATABASE_URL=database_down) as url:
        answers = {
            path: requests.get(url + path, timeout=30)
            for path in [*PAGES, "/account/login/", "/api/v1/products/"]
        }
        login = requests.post(
            f"{url}/api/v1/auth/token/",
            json={"email": "someone@example.com", "password": "x"},
            timeout=30,
        )

    # The login form needs no data until it is sent.
    assert answers["/account/login/"].status_code == 200
    for path in PAGES:
        page = answers[path]
        assert page.status_code == 503, (path, page.text[:300])
        assert page.headers["Content-Type"].startswith("text/html")
        assert "We'll be right back" in page.text
        assert "Traceback" not in page.text
        assert page.headers["Retry-After"] == "30"
    for api in (answers["/api/v1/products/"], login):
        assert api.status_code == 503
        assert api.json() == {
            "code": "service_unavailable",
            "detail": "The shop is briefly unavailable. Please try again in a minute.",
        }
