"""The anonymous page cache: fresh on the next request, never anyone's own page.

Transactional tests: the catalogue generation moves when a writer commits
(deferred PostgreSQL triggers), and inside a test's transaction the cache is
bypassed, so these tests commit like production does.
"""

import re
import threading
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from catalog.models import CatalogGeneration, ProductVariant
from catalog.services import variant_save
from orders.tests.factories import DeliverySlotFactory, ServiceAreaFactory
from shop import pagecache
from shop.pagecache import (
    CACHE_STATUS_HEADER,
    AnonymousPageCacheMiddleware,
    page_generation,
)

pytestmark = pytest.mark.django_db(transaction=True)

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _get(client, path, **extra):
    """GET `path`; return the response and the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, len(queries)


def _stored(path):
    """The cached copy of an anonymous GET of `path`, as the middleware keys it."""
    request = RequestFactory().get(path)
    middleware = AnonymousPageCacheMiddleware(lambda request: None)
    return cache.get(middleware._key(request, page_generation(), "anonymous"))


def test_second_anonymous_request_is_served_by_one_query(variant):
    first, first_queries = _get(Client(), "/p/toned-milk/")
    second, second_queries = _get(Client(), "/p/toned-milk/")

    assert first.status_code == second.status_code == 200
    assert first_queries > 1
    assert second_queries == 1  # the generation
    assert "₹30" in second.text


def test_price_lowered_with_f_shows_on_next_request(variant):
    Client().get("/p/toned-milk/")
    ProductVariant.objects.filter(pk=variant.pk).update(price=F("price") - 1)

    response = Client().get("/p/toned-milk/")

    assert "₹29" in response.text
    assert "₹30" not in response.text


def test_price_changed_through_service_shows_on_next_request(variant):
    Client().get("/c/dairy/")
    variant.price = Decimal("25.00")
    variant_save(variant=variant, changed=["price"])

    response = Client().get("/c/dairy/")

    assert "₹25" in response.text
    assert "₹30" not in response.text


def test_stock_taken_with_f_shows_on_next_request(variant):
    assert "In stock" in Client().get("/p/toned-milk/").text
    ProductVariant.objects.filter(pk=variant.pk).update(stock=F("stock") - 8)

    response = Client().get("/p/toned-milk/")

    assert "Only 2 left" in response.text


def test_order_placed_invalidates_pages(variant, user):
    from accounts.tests.factories import AddressFactory
    from orders.services.cart import cart_get_or_create, cart_line_add
    from orders.services.placement import order_place

    area = ServiceAreaFactory(postal_code="560001")
    address = AddressFactory(user=user, postal_code=area.postal_code)
    slot = DeliverySlotFactory(capacity=20)
    cart_line_add(cart=cart_get_or_create(user=user), variant_id=variant.pk, quantity=5)
    before = Client().get("/p/toned-milk/")
    generation = page_generation()

    order_place(user=user, address=address, slot=slot)
    after = Client().get("/p/toned-milk/")

    assert "In stock" in before.text
    assert page_generation() != generation
    assert "Only 5 left" in after.text


def test_rolled_back_write_leaves_generation(variant):
    from django.db import transaction

    def lower_then_fail():
        with transaction.atomic():
            ProductVariant.objects.filter(pk=variant.pk).update(price=F("price") - 1)
            raise RuntimeError("rolled back")

    generation = page_generation()
    with pytest.raises(RuntimeError):
        lower_then_fail()

    assert page_generation() == generation
    assert CatalogGeneration.objects.get(pk=1).n == int(generation.split(".")[0])


def test_cached_page_form_posts_with_another_visitors_cookie(variant):
    first = Client(enforce_csrf_checks=True)
    first_page = first.get("/p/toned-milk/")
    second = Client(enforce_csrf_checks=True)
    second_page, queries = _get(second, "/p/toned-milk/")
    token = _TOKEN.search(second_page.text).group(1)

    response = second.post(
        "/cart/add/",
        {
            "csrfmiddlewaretoken": token,
            "variant": variant.pk,
            "quantity": 1,
            "next": "/p/toned-milk/",
        },
    )

    assert queries == 1
    assert token != _TOKEN.search(first_page.text).group(1)
    assert second_page.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    assert response.status_code == 302
    # A visitor without a PIN code is asked for one first, the ADD kept.
    assert response["Location"] == (
        f"/delivery/area/?variant={variant.pk}&quantity=1&mode=add"
        "&next=%2Fp%2Ftoned-milk%2F"
    )


def test_cached_copy_holds_no_cookie_and_no_token(variant):
    client = Client()
    page = client.get("/p/toned-milk/")
    token = _TOKEN.search(page.text).group(1)

    status, headers, body = _stored("/p/toned-milk/")

    names = {name.lower() for name, _value in headers}
    assert status == 200
    assert not names & {"set-cookie", "x-request-id"}
    assert token.encode() not in body
    assert client.cookies["csrftoken"].value.encode() not in body
    assert b'name="csrfmiddlewaretoken" value="@@csrfmiddlewaretoken@@"' in body


def test_signed_in_visitor_is_never_served_an_anonymous_page(variant, user):
    Client().get("/p/toned-milk/")
    client = Client()
    client.force_login(user)

    response, queries = _get(client, "/p/toned-milk/")

    assert queries > 1
    assert response["X-Page-Cache"] == "miss"  # the shared copy, made now
    assert user.get_short_name() in response.text
    assert 'href="/orders/">Orders</a>' in response.text


def test_visitor_with_a_cart_is_never_served_an_anonymous_page(variant):
    Client().get("/p/toned-milk/")
    client = Client()
    client.post("/delivery/area/", {"postal_code": ServiceAreaFactory().postal_code})
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 2, "next": "/"})

    response, queries = _get(client, "/p/toned-milk/")

    assert queries > 1
    assert "2 in cart" in response.text
    assert _stored("/p/toned-milk/") is not None


def test_visitor_with_a_flash_message_is_never_served_a_cached_page(variant):
    Client().get("/p/toned-milk/")
    client = Client()
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode(
        [Message(messages.INFO, "Welcome back to the shop")]
    )

    response, queries = _get(client, "/p/toned-milk/")

    assert queries > 1
    assert "Welcome back to the shop" in response.text


def test_page_that_starts_a_session_is_not_stored(variant):
    client = Client()
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 1, "next": "/"})

    assert _stored("/") is None


@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param("valid", id="valid-token"),
        pytest.param("Bearer not-a-token", id="bad-token"),
    ],
)
def test_jwt_api_call_is_served_from_the_cache(variant, auth_api_client, credentials):
    first = Client().get("/api/v1/products/toned-milk/")
    if credentials != "valid":
        auth_api_client.credentials(HTTP_AUTHORIZATION=credentials)

    response, queries = _get(auth_api_client, "/api/v1/products/toned-milk/")

    assert response.status_code == 200
    assert queries == 1  # the generation
    assert response["X-Page-Cache"] == "hit"
    assert response.json() == first.json()


def test_api_call_with_a_session_is_served_from_the_cache(variant, user):
    Client().get("/api/v1/products/?category=dairy")
    client = Client()
    client.force_login(user)

    response, queries = _get(client, "/api/v1/products/?category=dairy")

    # The generation, and the user for the request's log line
    # (shop.middleware.RequestLogMiddleware).
    assert queries == 2
    assert response["X-Page-Cache"] == "hit"
    assert "Cookie" not in response.get("Vary", "")


def test_a_jwt_callers_miss_is_stored_for_everyone(variant, auth_api_client):
    auth_api_client.get("/api/v1/categories/")

    response, queries = _get(Client(), "/api/v1/categories/")

    assert queries == 1
    assert response["X-Page-Cache"] == "hit"


def _routes(resolver, prefix="/"):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern, route)
        else:
            yield route, pattern.callback


def test_the_cached_api_paths_read_as_nobody():
    """Every read the cache hands to any caller authenticates nobody."""
    from django.urls import get_resolver
    from rest_framework.test import APIRequestFactory

    from shop.pagecache import API_PATHS

    views = {
        route: callback.view_class
        for route, callback in _routes(get_resolver())
        if route.startswith(API_PATHS)
    }
    assert len(views) == 4
    for route, view_class in views.items():
        view = view_class()
        view.request = APIRequestFactory().get(route)
        assert view.get_authenticators() == [], route


def test_api_list_is_served_from_the_cache(variant):
    first = Client().get("/api/v1/products/?category=dairy")
    second, queries = _get(Client(), "/api/v1/products/?category=dairy")

    assert queries == 1
    assert second.json() == first.json()
    assert second["Content-Type"] == "application/json"


def test_head_of_a_cached_page_has_no_body(variant):
    page = Client().get("/")

    with CaptureQueriesContext(connection) as queries:
        response = Client().head("/")

    assert len(queries) == 1
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(len(page.content))


def test_setting_off_serves_every_request(variant, settings):
    settings.SHOP_PAGE_CACHE = False
    Client().get("/p/toned-milk/")

    response, queries = _get(Client(), "/p/toned-milk/")

    assert response.status_code == 200
    assert queries > 1


def _key(path):
    request = RequestFactory().get(path)
    middleware = AnonymousPageCacheMiddleware(lambda request: None)
    return middleware._key(request, page_generation(), "anonymous")


def test_a_visitor_waits_for_the_copy_another_worker_is_rendering(variant):
    key = _key("/p/toned-milk/")
    elsewhere = (200, [("Content-Type", "text/html")], b"<p>rendered elsewhere</p>")
    assert cache.add(f"{key}:rendering", 1)
    threading.Timer(0.2, cache.set, (key, elsewhere)).start()

    response, queries = _get(Client(), "/p/toned-milk/")

    assert response.content == b"<p>rendered elsewhere</p>"
    assert response[CACHE_STATUS_HEADER] == "hit"
    assert queries == 1  # the generation: nothing rendered here


def test_a_render_that_never_finishes_holds_visitors_only_so_long(variant, monkeypatch):
    monkeypatch.setattr(pagecache, "RENDER_WAIT_SECONDS", 0.1)
    assert cache.add(f"{_key('/p/toned-milk/')}:rendering", 1)

    response, queries = _get(Client(), "/p/toned-milk/")

    assert response.status_code == 200
    assert "Toned Milk" in response.text
    assert response[CACHE_STATUS_HEADER] == "miss"
    assert queries > 1


@pytest.mark.parametrize("path", ["/p/toned-milk/", "/p/no-such-milk/"])
def test_a_render_lets_go_of_its_lock_stored_or_not(variant, path):
    Client().get(path)

    assert cache.get(f"{_key(path)}:rendering") is None


def _visitor(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_workers_missing_a_page_at_once_render_it_once(variant, user, signed_in):
    shopper = user if signed_in else None
    _visitor(shopper).get("/p/toned-milk/")
    # A new price: every worker's next request for the page misses.
    ProductVariant.objects.filter(pk=variant.pk).update(price=F("price") - 1)
    renders = []

    def count(sender, template, **kwargs):
        if template.name == "catalog/product.html":
            renders.append(template.name)

    workers = 4
    start = threading.Barrier(workers)
    answers = []

    def worker():
        try:
            visitor = _visitor(shopper)
            start.wait()
            answers.append(visitor.get("/p/toned-milk/"))
        finally:
            connection.close()

    template_rendered.connect(count)
    try:
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        template_rendered.disconnect(count)

    assert len(renders) == 1
    assert sorted(a[CACHE_STATUS_HEADER] for a in answers) == ["hit"] * 3 + ["miss"]
    assert all("₹29" in a.text for a in answers)
