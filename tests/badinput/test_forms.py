"""Bad input to every HTML form: a 400 page that says what is wrong, nothing stored.

Each form has a valid submission; the sweep sends it empty, with each field
huge, with a NUL byte, with invalid UTF-8, with numbers that are not numbers,
and with odd but valid text (right-to-left marks, emoji). Refusals answer 400
with the error shown next to the form, and the database is exactly as it was.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from accounts.models import Address, User
from accounts.tests.factories import PASSWORD
from catalog.models import PRICE_MAX_MESSAGE, Product, ProductVariant, Review
from orders.models import Cart, CartLine, Order, Payment
from shop.models import OutboundEmail

STRONG = "lemon-grass-91-Tiffin"
ERROR_MARKS = ("errorlist", 'role="alert"', "field-error", "message-error", "errornote")


def _reset_link(w) -> str:
    from accounts import tokens

    uid = tokens.password_reset_uid(user=w.owner)
    return f"/account/reset/{uid}/{tokens.password_reset_token(user=w.owner)}/"


ADDRESS = {
    "label": "Work",
    "name": "Olivia Owner",
    "phone": "9812345678",
    "line1": "22 Brigade Road",
    "line2": "",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560001",
    "country": "IN",
}


@dataclass(frozen=True)
class Form:
    name: str
    path: Callable
    data: Callable
    who: str | None = "owner"  # None: a visitor; "seller": the seller, admin
    # Fields that hold numbers (ids, quantities, prices, ratings).
    numbers: tuple = ()
    # Fields a server may legitimately ignore when they are odd (e.g. `next`).
    free: tuple = ("next",)
    # The page the form is on, opened first as a browser would.
    page: Callable | None = None


def _admin_product(w) -> dict:
    return {
        "name": "Cow Ghee",
        "brand": "Green Valley",
        "category": str(w.shop.categories["milk"].pk),
        "description": "Slow-cooked ghee.",
        "is_active": "on",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-sku": "GVF-GHEE-500",
        "variants-0-label": "500 ml",
        "variants-0-price": "329.00",
        "variants-0-mrp": "360.00",
        "variants-0-position": "0",
        "variants-0-is_active": "on",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }


FORMS = [
    Form("login", lambda w: "/account/login/",
         lambda w: {"email": w.owner.email, "password": PASSWORD}, who=None),
    Form("sign-up", lambda w: "/account/register/",
         lambda w: {"email": "new@example.com", "name": "New", "password": STRONG},
         who=None),
    Form("password reset", lambda w: "/account/password-reset/",
         lambda w: {"email": w.owner.email}, who=None),
    Form("password reset confirm", _reset_link,
         lambda w: {"new_password1": STRONG, "new_password2": STRONG}, who=None),
    Form("profile", lambda w: "/account/",
         lambda w: {"name": "Olivia", "phone": "9812345678", "email": w.owner.email,
                    "current_password": ""}),
    Form("password change", lambda w: "/account/password/",
         lambda w: {"old_password": PASSWORD, "new_password1": STRONG,
                    "new_password2": STRONG}),
    Form("address add", lambda w: "/account/addresses/add/", lambda w: ADDRESS),
    Form("address edit", lambda w: f"/account/addresses/{w.address.pk}/edit/",
         lambda w: ADDRESS),
    Form("cart add", lambda w: "/cart/add/",
         lambda w: {"variant": str(w.shop.variants["milk"].pk), "quantity": "1",
                    "next": "/"}, who=None, numbers=("variant", "quantity")),
    Form("cart set", lambda w: "/cart/set/",
         lambda w: {"variant": str(w.cart_line.variant_id), "quantity": "2",
                    "next": "/"}, numbers=("variant", "quantity")),
    Form("delivery area", lambda w: "/delivery/area/",
         lambda w: {"postal_code": "560001", "next": "/"}, who=None),
    Form("checkout", lambda w: "/checkout/",
         lambda w: {"address": str(w.address.pk), "slot": str(w.shop.slots[0].pk),
                    "token": "a-checkout-token-0001"}, numbers=("address", "slot")),
    Form("checkout new address", lambda w: "/checkout/address/",
         lambda w: {f"new-{k}": v for k, v in ADDRESS.items()}),
    Form("review", lambda w: "/p/robusta-banana/reviews/",
         lambda w: {"rating": "5", "title": "Sweet", "text": "Ripe and sweet."},
         numbers=("rating",)),
    Form("test card", lambda w: f"/orders/{w.pending_order.number}/pay/test-card/",
         lambda w: {"card_number": "4242 4242 4242 4242"},
         # Opening the page starts the payment attempt the form pays.
         page=lambda w: f"/orders/{w.pending_order.number}/pay/"),
    Form("admin product add", lambda w: "/admin/catalog/product/add/", _admin_product,
         who="seller",
         numbers=("category", "variants-0-price", "variants-0-mrp",
                  "variants-0-position"),
         free=("is_active", "variants-0-is_active", "variants-TOTAL_FORMS",
               "variants-INITIAL_FORMS", "variants-MIN_NUM_FORMS",
               "variants-MAX_NUM_FORMS", "images-TOTAL_FORMS", "images-INITIAL_FORMS",
               "images-MIN_NUM_FORMS", "images-MAX_NUM_FORMS", "description",
               "variants-0-position")),
]  # fmt: skip


def _state():
    return {
        "users": list(User.objects.order_by("pk").values()),
        "addresses": list(Address.objects.order_by("pk").values()),
        "carts": Cart.objects.count(),
        "cart_lines": list(CartLine.objects.order_by("pk").values()),
        "orders": list(Order.objects.order_by("pk").values("pk", "status")),
        "reviews": Review.objects.count(),
        "emails": OutboundEmail.objects.count(),
        "payments": Payment.objects.count(),
        "products": Product.objects.count(),
        "variants": list(ProductVariant.objects.order_by("pk").values("pk", "stock")),
    }


def _client(world, form: Form) -> Client:
    client = Client()
    if form.who is not None:
        client.force_login(getattr(world, form.who))
    return client


@pytest.fixture
def post(world, settings):
    """Post to a form as its user; the login happens before any snapshot."""
    settings.RATELIMIT_ENABLE = False
    clients = {}

    def send(form: Form, data, **extra):
        login(form)
        return clients[form.name].post(form.path(world), data, **extra)

    def login(form: Form):
        if form.name not in clients:
            clients[form.name] = _client(world, form)
            if form.page is not None:
                assert clients[form.name].get(form.page(world)).status_code == 200

    send.login = login
    return send


def _assert_refused(response, form: Form, what: str):
    html = response.content.decode()
    if form.who == "seller":
        # Django's admin re-renders a refused form with 200 and its error note.
        assert response.status_code == 200, (what, response.status_code)
        assert "errornote" in html, (what, html[:500])
        return
    assert response.status_code == 400, (what, response.status_code)
    assert any(mark in html for mark in ERROR_MARKS), (what, html[:500])


def _refused(post, form, data, what: str, **extra):
    post.login(form)
    before = _state()
    response = post(form, data, **extra)
    _assert_refused(response, form, f"{form.name}: {what}")
    assert _state() == before, f"{form.name} stored {what}"
    return response


ids = [form.name for form in FORMS]


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=ids)
def test_the_valid_submission_is_accepted(post, world, form):
    # So each refusal below is the bad field's doing, not a broken baseline.
    response = post(form, form.data(world))

    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=ids)
def test_a_blank_submission_is_refused(post, world, form):
    # What a browser sends for an untouched form: every field, all empty.
    blank = {name: "" for name in form.data(world) if name not in form.free}
    free = {
        name: form.data(world)[name] for name in form.free if name in form.data(world)
    }
    _refused(post, form, {**free, **blank}, "a blank form")


def _text_fields(form: Form, world) -> list[str]:
    return [
        name
        for name in form.data(world)
        if name not in form.numbers and name not in form.free
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=ids)
def test_each_field_huge_is_refused(post, world, form):
    for name in _text_fields(form, world) + list(form.numbers):
        bad = "9" * 100_000 if name in form.numbers else "x" * 100_000
        _refused(post, form, {**form.data(world), name: bad}, f"a huge {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=ids)
def test_each_field_with_a_nul_byte_is_refused(post, world, form):
    for name in _text_fields(form, world) + list(form.numbers):
        value = form.data(world)[name]
        _refused(post, form, {**form.data(world), name: f"{value}\x00"}, f"NUL {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("form", [f for f in FORMS if f.numbers], ids=lambda f: f.name)
def test_numbers_that_are_not_numbers_are_refused(post, world, form):
    for name in form.numbers:
        for bad in ("abc", "-1", "1e400", "NaN", "0x10", "99999999999999999999999"):
            _refused(post, form, {**form.data(world), name: bad}, f"{name}={bad}")


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=ids)
def test_invalid_utf8_is_never_a_server_error(post, world, form):
    names = _text_fields(form, world)
    body = "&".join(
        f"{name}=%FF%FE%C3%28" if name in names else f"{name}={value}"
        for name, value in form.data(world).items()
    )

    response = post(form, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS, ids=ids)
def test_odd_but_valid_unicode_is_never_a_server_error(post, world, form):
    for name in _text_fields(form, world):
        for odd in ("\u202eeivilO", "Olivia 🍌🥭", "Oli\u200dvia"):
            response = post(form, {**form.data(world), name: odd})
            assert response.status_code < 500, (form.name, name, odd)
            if response.status_code == 400:
                _assert_refused(response, form, f"{form.name}: odd {name}")


@pytest.mark.django_db
@pytest.mark.parametrize("price", ["100000.01", "9999999999.99"])
def test_a_price_above_the_bound_is_refused_with_the_reason(post, world, price):
    form = next(form for form in FORMS if form.name == "admin product add")
    data = {**form.data(world), "variants-0-price": price, "variants-0-mrp": price}

    response = _refused(post, form, data, f"the price {price}")

    assert response.content.decode().count(PRICE_MAX_MESSAGE) == 2


class _HugeBody:
    """A request body that says it is 300 MiB and fails the test if read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/account/login/", "multipart/form-data; boundary=xyz"),
        ("/account/register/", "application/x-www-form-urlencoded"),
        ("/api/v1/auth/token/", "application/json"),
        ("/admin/catalog/product/add/", "multipart/form-data; boundary=xyz"),
    ],
)
def test_a_body_larger_than_its_path_takes_is_refused_unread(
    client, path, content_type
):
    response = client.generic(
        "POST",
        path,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": _HugeBody()},
    )

    assert response.status_code == 413
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    if path.startswith("/api/"):
        assert response.json()["code"] == "too_large"
    else:
        assert "too much to send at once" in response.content.decode()
