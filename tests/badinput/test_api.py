"""Bad input to every API write: a 4xx that says what is wrong, and nothing stored.

Each endpoint has a valid body; each kind of bad input breaks it in one way
(malformed JSON, not an object, missing fields, wrong types, huge strings and
numbers, NUL bytes, lone surrogates) field by field. The answer must be a
4xx in the shop's error shape naming the field at fault, and the database
must be exactly as it was. Odd but valid text (right-to-left marks, emoji)
may be accepted, and must never be a 5xx.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import Address, User
from accounts.tests.factories import PASSWORD
from catalog.models import Review
from orders.models import CartLine, Order, Payment
from shop.models import OutboundEmail

STRONG = "lemon-grass-91-Tiffin"


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # the path as the schema names it
    path: Callable
    body: Callable
    auth: bool = True


ENDPOINTS = [
    Endpoint("post", "/api/v1/auth/register/", lambda w: "/api/v1/auth/register/",
             lambda w: {"email": "new.shopper@example.com", "name": "New Shopper",
                        "password": STRONG}, auth=False),
    Endpoint("post", "/api/v1/auth/verify-email/",
             lambda w: "/api/v1/auth/verify-email/",
             lambda w: {"token": "not-a-real-token"}, auth=False),
    Endpoint("post", "/api/v1/auth/token/", lambda w: "/api/v1/auth/token/",
             lambda w: {"email": w.owner.email, "password": PASSWORD}, auth=False),
    Endpoint("post", "/api/v1/auth/token/refresh/",
             lambda w: "/api/v1/auth/token/refresh/",
             lambda w: {"refresh": str(RefreshToken.for_user(w.owner))}, auth=False),
    Endpoint("post", "/api/v1/auth/logout/", lambda w: "/api/v1/auth/logout/",
             lambda w: {"refresh": str(RefreshToken.for_user(w.owner))}),
    Endpoint("post", "/api/v1/auth/password-reset/",
             lambda w: "/api/v1/auth/password-reset/",
             lambda w: {"email": w.owner.email}, auth=False),
    Endpoint("post", "/api/v1/auth/password-reset/confirm/",
             lambda w: "/api/v1/auth/password-reset/confirm/",
             lambda w: {"uid": "MQ", "token": "abc-123", "new_password": STRONG},
             auth=False),
    Endpoint("patch", "/api/v1/me/", lambda w: "/api/v1/me/",
             lambda w: {"name": "Olivia O.", "phone": "+919812345678"}),
    Endpoint("post", "/api/v1/me/password/", lambda w: "/api/v1/me/password/",
             lambda w: {"old_password": PASSWORD, "new_password": STRONG}),
    Endpoint("post", "/api/v1/me/addresses/", lambda w: "/api/v1/me/addresses/",
             lambda w: {"label": "Work", "name": "Olivia", "phone": "+919812345678",
                        "line1": "22 Brigade Road", "line2": "", "city": "Bengaluru",
                        "state": "Karnataka", "postal_code": "560001",
                        "country": "IN", "is_default": False}),
    Endpoint("patch", "/api/v1/me/addresses/{id}/",
             lambda w: f"/api/v1/me/addresses/{w.address.pk}/",
             lambda w: {"label": "Work", "city": "Bengaluru", "is_default": True}),
    Endpoint("post", "/api/v1/cart/items/", lambda w: "/api/v1/cart/items/",
             lambda w: {"variant": w.shop.variants["milk"].pk, "quantity": 2}),
    Endpoint("patch", "/api/v1/cart/items/{line_id}/",
             lambda w: f"/api/v1/cart/items/{w.cart_line.pk}/",
             lambda w: {"quantity": 2}),
    Endpoint("post", "/api/v1/orders/", lambda w: "/api/v1/orders/",
             lambda w: {"address": w.address.pk, "slot": w.shop.slots[0].pk}),
    Endpoint("post", "/api/v1/products/{slug}/reviews/",
             lambda w: "/api/v1/products/robusta-banana/reviews/",
             lambda w: {"rating": 5, "title": "Sweet", "text": "Ripe and sweet."}),
]  # fmt: skip

# Writes that take no body at all; bad bodies are simply ignored there.
BODILESS = {
    ("POST", "/api/v1/auth/verify-email/resend/"),
    ("POST", "/api/v1/orders/{number}/cancel/"),
    ("POST", "/api/v1/orders/{number}/payment/"),
    # Signed by Stripe; its bad input is the payments engineer's signature tests.
    ("POST", "/api/v1/payments/stripe/webhook/"),
}


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _body_schema(document: dict, method: str, template: str) -> dict:
    operation = document["paths"][template][method]
    content = operation["requestBody"]["content"]["application/json"]["schema"]
    name = content["$ref"].rsplit("/", 1)[-1]
    return document["components"]["schemas"][name]


SCHEMA = _schema()


def test_every_api_write_is_swept():
    writes = {
        (method.upper(), path)
        for path, item in SCHEMA["paths"].items()
        for method in item
        if method in {"post", "put", "patch", "delete"} and method != "delete"
    }
    swept = {(e.method.upper(), e.template) for e in ENDPOINTS} | BODILESS

    assert writes == swept


def _state():
    """Everything a bad request could have written, exactly."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "addresses": list(Address.objects.order_by("pk").values()),
        "cart_lines": list(CartLine.objects.order_by("pk").values()),
        "orders": list(Order.objects.order_by("pk").values("pk", "status")),
        "reviews": Review.objects.count(),
        "emails": OutboundEmail.objects.count(),
        "payments": Payment.objects.count(),
    }


def _send(client, endpoint: Endpoint, world, raw: bytes):
    headers = {}
    if endpoint.auth:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(world.owner)}"
    return getattr(client, endpoint.method)(
        endpoint.path(world), data=raw, content_type="application/json", **headers
    )


def _assert_refused(response, *, field: str | None = None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    body = response.json()
    assert set(body) >= {"code", "detail"}, body
    assert body["detail"].strip(), body
    if field is not None and response.status_code == 400 and body["code"] == "invalid":
        # A validation error names the field at fault.
        assert field in body.get("fields", {}), body


def _properties(endpoint: Endpoint) -> dict:
    return _body_schema(SCHEMA, endpoint.method, endpoint.template)["properties"]


def _required(endpoint: Endpoint) -> list:
    return _body_schema(SCHEMA, endpoint.method, endpoint.template).get("required", [])


def _kind(prop: dict) -> str:
    return prop.get("type") or "string"


def _text_targets(endpoint: Endpoint) -> list[str]:
    """The fields bad and odd text go into: the string fields, or, for a body
    with none (a cart line's quantity, an order's ids), every writable field,
    which must refuse text as clearly."""
    writable = {f: p for f, p in _properties(endpoint).items() if not p.get("readOnly")}
    strings = [field for field, prop in writable.items() if _kind(prop) == "string"]
    return strings or sorted(writable)


# Each bad value for a field of a kind; None means "not for this kind".
# The last of each are what DRF alone reads leniently (5 as "5", "12" and
# 12.0 as 12, 0 and "true" as booleans); JSON bodies take the stated type.
WRONG_TYPES = {
    "string": [[], {}, ["list", "of", "words"], 5, True],
    "integer": ["twelve", 1.5, [], {}, True, None, "12", 12.0],
    "boolean": ["maybe", [], {}, 2, 0, 1, "true"],
}
HUGE = {
    "string": "x" * 100_000,
    "integer": 10**40,
}
BAD_TEXT = {
    "nul byte": "Olivia\x00Owner",
    "lone surrogate": "Olivia \ud800",
}
ODD_TEXT = {
    "right-to-left override": "\u202eeivilO",
    "emoji": "Olivia 🍌🥭",
    "zero-width joiner": "Oli\u200dvia",
}


@pytest.fixture
def sweep(client, world, settings):
    """Send bodies to an endpoint; check refusals changed nothing."""
    # Rate limits have their own gate; here every request must reach the view.
    settings.RATELIMIT_ENABLE = False

    def refused(endpoint: Endpoint, raw: bytes, *, field: str | None = None):
        before = _state()
        response = _send(client, endpoint, world, raw)
        _assert_refused(response, field=field)
        assert _state() == before, f"{endpoint.template} stored bad input {raw[:80]!r}"
        return response

    def answered(endpoint: Endpoint, raw: bytes):
        response = _send(client, endpoint, world, raw)
        assert response.status_code < 500, (raw[:80], response.content[:300])
        if response.status_code >= 400:
            _assert_refused(response)
        return response

    return refused, answered


def _json(value) -> bytes:
    # ensure_ascii escapes a lone surrogate as \\ud800, as a client would send it.
    return json.dumps(value, ensure_ascii=True).encode()


ids = [f"{e.method.upper()} {e.template}" for e in ENDPOINTS]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_malformed_json_and_non_objects_are_refused(sweep, endpoint):
    refused, _answered = sweep
    for raw in (b'{"email": "a@b.c",', b"{'single': 'quotes'}", b"\xff\xfe\x00",
                b"[1, 2, 3]", b'"just text"', b"42", b"null"):  # fmt: skip
        refused(endpoint, raw)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if _required(e)], ids=lambda e: e.template
)
def test_missing_required_fields_are_named(sweep, world, endpoint):
    refused, _answered = sweep
    refused(endpoint, b"{}")
    for field in _required(endpoint):
        body = {k: v for k, v in endpoint.body(world).items() if k != field}
        refused(endpoint, _json(body), field=field)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_wrong_types_are_refused_field_by_field(sweep, world, endpoint):
    refused, _answered = sweep
    for field, prop in _properties(endpoint).items():
        if prop.get("readOnly"):
            continue
        for bad in WRONG_TYPES.get(_kind(prop), []):
            body = {**endpoint.body(world), field: bad}
            refused(endpoint, _json(body), field=field)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_huge_strings_and_numbers_are_refused(sweep, world, endpoint):
    refused, _answered = sweep
    for field, prop in _properties(endpoint).items():
        kind = _kind(prop)
        if kind not in HUGE or prop.get("readOnly"):
            continue
        values = [HUGE[kind]] + ([-(10**40)] if kind == "integer" else [])
        for bad in values:
            body = {**endpoint.body(world), field: bad}
            refused(endpoint, _json(body), field=field)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_nul_bytes_and_lone_surrogates_are_refused(sweep, world, endpoint):
    refused, _answered = sweep
    targets = _text_targets(endpoint)
    assert targets, endpoint.template
    for field in targets:
        for bad in BAD_TEXT.values():
            body = {**endpoint.body(world), field: bad}
            refused(endpoint, _json(body), field=field)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_odd_but_valid_unicode_is_never_a_server_error(sweep, world, endpoint):
    _refused, answered = sweep
    targets = _text_targets(endpoint)
    assert targets, endpoint.template
    strings = {f for f, p in _properties(endpoint).items() if _kind(p) == "string"}
    for field in targets:
        for odd in ODD_TEXT.values():
            response = answered(endpoint, _json({**endpoint.body(world), field: odd}))
            if field not in strings:
                # Text where a number or a yes/no belongs is refused, named.
                _assert_refused(response, field=field)
                assert response.status_code == 400, response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/products/", {"min_price": "abc"}),
        ("/api/v1/products/", {"min_price": "500", "max_price": "10"}),
        ("/api/v1/products/", {"max_price": "1e400"}),
        ("/api/v1/products/", {"min_price": "NaN"}),
        ("/api/v1/products/", {"rating_min": "Infinity"}),
        ("/api/v1/products/", {"ordering": "password"}),
        ("/api/v1/products/", {"page": "x"}),
        ("/api/v1/products/", {"page_size": "-5"}),
        ("/api/v1/products/", {"in_stock": "perhaps"}),
        ("/api/v1/products/", {"search": "x" * 10_000}),
        ("/api/v1/products/", {"search": "banana\x00"}),
        ("/api/v1/products/", {"category": "\u202efruits"}),
        ("/api/v1/delivery/serviceability/", {}),
        ("/api/v1/delivery/serviceability/", {"postal_code": "56\x0001"}),
        ("/api/v1/delivery/serviceability/", {"postal_code": "9" * 5000}),
        ("/api/v1/delivery/slots/", {"postal_code": "🍌"}),
        ("/api/v1/orders/", {"page": "99999999999999999999999"}),
        ("/api/v1/me/addresses/", {"page_size": "1e9"}),
    ],
)
def test_bad_query_parameters_get_a_clear_answer(client, world, path, params):
    response = client.get(
        path, params, HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(world.owner)}"
    )

    assert response.status_code < 500
    if response.status_code >= 400:
        _assert_refused(response)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_json_nested_100000_deep_is_refused(sweep, endpoint):
    refused, _answered = sweep
    deep = b"[" * 100_000 + b"]" * 100_000

    response = refused(endpoint, deep)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["options", "head", "get"])
def test_every_method_on_the_api_docs_is_answered(client, method):
    response = getattr(client, method)("/api/docs/")

    assert response.status_code in {200, 204}, response.content[:300]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/api/v1/me/addresses/-1/", "/api/v1/products/bad%20slug!/", "/api/v1/nothing/"],
)
def test_a_url_no_api_route_matches_answers_the_json_error(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@pytest.mark.django_db
def test_a_page_no_route_matches_still_gets_the_404_page(client):
    response = client.get("/no-such-shelf/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_the_dearest_pack_at_the_most_per_line_is_carted_and_ordered(client, world):
    from catalog.models import PRICE_MAX, ProductVariant
    from orders.tests.factories import store_stock_set

    store_stock_set(variant=world.shop.variants["apple"], quantity=1000)
    ProductVariant.objects.filter(pk=world.shop.variants["apple"].pk).update(
        price=PRICE_MAX, mrp=PRICE_MAX
    )
    CartLine.objects.filter(cart__user=world.owner).delete()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(world.owner)}"}
    most = settings.SHOP_MAX_LINE_QUANTITY

    added = client.post(
        "/api/v1/cart/items/",
        {"variant": world.shop.variants["apple"].pk, "quantity": most},
        content_type="application/json",
        **bearer,
    )
    cart = client.get("/api/v1/cart/", **bearer)
    placed = client.post(
        "/api/v1/orders/",
        {"address": world.address.pk, "slot": world.shop.slots[0].pk},
        content_type="application/json",
        **bearer,
    )

    assert added.status_code == 201, added.content
    assert cart.status_code == 200
    assert placed.status_code == 201, placed.content
    assert (
        Order.objects.get(number=placed.json()["number"]).subtotal == PRICE_MAX * most
    )
