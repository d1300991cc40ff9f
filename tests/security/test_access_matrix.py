"""Every door to an object, tried by four people: the table is the specification.

Each row is a page or endpoint that touches one object (address, cart line,
order, invoice, review, a seller's product or order in the admin). Anonymous
visitors get 401 (API) or the login page; another shopper and another seller
get 404, or the admin's refusal for admin pages; the owner gets through.
Whoever is refused, the object is exactly as it was.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.forms.models import model_to_dict
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Address
from catalog.models import Product, Review
from orders.models import CartLine, Order


@dataclass(frozen=True)
class Redirect:
    """A redirect whose Location starts with `to` (or is exactly `to`)."""

    to: str
    exact: bool = False

    def matches(self, response) -> bool:
        location = response.headers.get("Location", "")
        if self.exact:
            return location == self.to
        return location.startswith(self.to)


LOGIN = Redirect("/account/login/?next=")
ADMIN_LOGIN = Redirect("/admin/login/?next=")
# Django's admin answers an object outside the user's queryset this way.
ADMIN_REFUSED = Redirect("/admin/", exact=True)


def _address(w):
    return Address.objects.filter(pk=w.address.pk).values().first()


def _cart_line(w):
    return CartLine.objects.filter(pk=w.cart_line.pk).values().first()


def _order(order_attr):
    def snapshot(w):
        order = Order.objects.get(pk=getattr(w, order_attr).pk)
        return (order.status, order.history.count(), order.payments.count())

    return snapshot


def _reviews(w):
    return sorted(Review.objects.values_list("product_id", "user_id", "rating"))


@dataclass(frozen=True)
class Later:
    """Equal to any moment after `than`: an `updated_at` the write stamped."""

    than: object

    def __eq__(self, other):
        return other is not None and other > self.than


def _edited(**fields):
    """The row as before, with these fields changed and `updated_at` stamped."""
    return lambda before, w: {
        **before,
        **fields,
        "updated_at": Later(before["updated_at"]),
    }


def _gone(before, w):
    return None


def _order_moved(status, *, history=1, payments=0):
    """The order snapshot after a move to `status` with so many new rows."""
    return lambda before, w: (status, before[1] + history, before[2] + payments)


def _banana_reviewed(before, w):
    return sorted([*before, (w.shop.products["banana"].pk, w.owner.pk, 5)])


def _product(w):
    return model_to_dict(Product.objects.get(pk=w.shop.products["apple"].pk))


ADDRESS_FORM = {
    "label": "Office",
    "name": "Olivia Owner",
    "phone": "+919812345678",
    "line1": "22 Brigade Road",
    "line2": "",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560001",
    "country": "IN",
}


@dataclass(frozen=True)
class Door:
    name: str
    method: str
    path: Callable
    owner: object = 200
    kind: str = "page"  # "page", "api" or "admin"
    data: Callable | None = None
    state: Callable | None = None
    # What another shopper and another seller get, when not the default.
    others: object = None
    needs_invoice: bool = False
    # The state the owner's write leaves, from the state before; None when
    # the owner's request changes nothing.
    owner_after: Callable | None = None


DOORS = [
    # Addresses: pages
    Door(
        "address edit page",
        "get",
        lambda w: f"/account/addresses/{w.address.pk}/edit/",
    ),
    Door(
        "address edit",
        "post",
        lambda w: f"/account/addresses/{w.address.pk}/edit/",
        owner=Redirect("/account/addresses/"),
        data=lambda w: ADDRESS_FORM,
        state=_address,
        owner_after=_edited(**ADDRESS_FORM),
    ),
    Door(
        "address delete page",
        "get",
        lambda w: f"/account/addresses/{w.address.pk}/delete/",
    ),
    Door(
        "address delete",
        "post",
        lambda w: f"/account/addresses/{w.address.pk}/delete/",
        owner=Redirect("/account/addresses/"),
        state=_address,
        owner_after=_gone,
    ),
    Door(
        "address make default",
        "post",
        lambda w: f"/account/addresses/{w.address.pk}/default/",
        owner=Redirect("/account/addresses/"),
        state=_address,
        owner_after=_edited(is_default=True),
    ),
    # Addresses: API
    Door("api address read", "get", lambda w: f"/api/v1/me/addresses/{w.address.pk}/",
         kind="api"),
    Door(
        "api address change",
        "patch",
        lambda w: f"/api/v1/me/addresses/{w.address.pk}/",
        kind="api",
        data=lambda w: {"label": "Office"},
        state=_address,
        owner_after=_edited(label="Office"),
    ),
    Door(
        "api address delete",
        "delete",
        lambda w: f"/api/v1/me/addresses/{w.address.pk}/",
        kind="api",
        owner=204,
        state=_address,
        owner_after=_gone,
    ),
    # Cart lines: API (pages change the visitor's own cart by variant)
    Door(
        "api cart line change",
        "patch",
        lambda w: f"/api/v1/cart/items/{w.cart_line.pk}/",
        kind="api",
        data=lambda w: {"quantity": 5},
        state=_cart_line,
        owner_after=lambda before, w: {**before, "quantity": 5},
    ),
    Door(
        "api cart line delete",
        "delete",
        lambda w: f"/api/v1/cart/items/{w.cart_line.pk}/",
        kind="api",
        owner=204,
        state=_cart_line,
        owner_after=_gone,
    ),
    # Orders: pages
    Door("order page", "get", lambda w: f"/orders/{w.delivered_order.number}/"),
    Door(
        "order cancel",
        "post",
        lambda w: f"/orders/{w.pending_order.number}/cancel/",
        owner=Redirect("/orders/"),
        state=_order("pending_order"),
        owner_after=_order_moved("cancelled"),
    ),
    Door("payment page", "get", lambda w: f"/orders/{w.pending_order.number}/pay/"),
    Door(
        "pay with a test card",
        "post",
        lambda w: f"/orders/{w.pending_order.number}/pay/test-card/",
        owner=Redirect("/orders/"),
        data=lambda w: {"card_number": "4242 4242 4242 4242"},
        state=_order("pending_order"),
        owner_after=_order_moved("paid", payments=1),
    ),
    Door(
        "invoice download",
        "get",
        lambda w: f"/orders/{w.delivered_order.number}/invoice/",
        needs_invoice=True,
    ),
    # Orders: API
    Door("api order read", "get",
         lambda w: f"/api/v1/orders/{w.delivered_order.number}/", kind="api"),
    Door(
        "api order cancel",
        "post",
        lambda w: f"/api/v1/orders/{w.pending_order.number}/cancel/",
        kind="api",
        state=_order("pending_order"),
        owner_after=_order_moved("cancelled"),
    ),
    Door(
        "api payment start",
        "post",
        lambda w: f"/api/v1/orders/{w.pending_order.number}/payment/",
        kind="api",
        state=_order("pending_order"),
        owner_after=_order_moved("pending_payment", history=0, payments=1),
    ),
    Door(
        "api invoice download",
        "get",
        lambda w: f"/api/v1/orders/{w.delivered_order.number}/invoice/",
        kind="api",
        needs_invoice=True,
    ),
    # Reviews: only the shopper who received the product may post one.
    Door(
        "review post",
        "post",
        lambda w: f"/p/{w.shop.products['banana'].slug}/reviews/",
        owner=Redirect("/p/robusta-banana/"),
        others=Redirect("/p/robusta-banana/"),
        data=lambda w: {"rating": "5", "title": "Sweet", "text": "Ripe and sweet."},
        state=_reviews,
        owner_after=_banana_reviewed,
    ),
    Door(
        "api review post",
        "post",
        lambda w: f"/api/v1/products/{w.shop.products['banana'].slug}/reviews/",
        kind="api",
        owner=201,
        others=403,
        data=lambda w: {"rating": 5, "title": "Sweet", "text": "Ripe and sweet."},
        state=_reviews,
        owner_after=_banana_reviewed,
    ),
    # The seller's admin
    Door("admin review", "get",
         lambda w: f"/admin/catalog/review/{w.review.pk}/change/", kind="admin"),
    Door(
        "admin product change page",
        "get",
        lambda w: f"/admin/catalog/product/{w.shop.products['apple'].pk}/change/",
        kind="admin",
    ),
    Door(
        "admin product delete page",
        "get",
        lambda w: f"/admin/catalog/product/{w.shop.products['apple'].pk}/delete/",
        kind="admin",
        state=_product,
    ),
    Door(
        "admin order page",
        "get",
        lambda w: f"/admin/orders/order/{w.paid_order.pk}/change/",
        kind="admin",
    ),
    Door(
        "admin order marked packed",
        "post",
        lambda w: "/admin/orders/order/",
        kind="admin",
        owner=Redirect("/admin/orders/order/"),
        others=Redirect("/admin/orders/order/"),
        data=lambda w: {
            "action": "mark_packed",
            "_selected_action": [str(w.paid_order.pk)],
            "index": "0",
        },
        state=_order("paid_order"),
        owner_after=_order_moved("packed"),
    ),
]  # fmt: skip

ACTORS = ["anonymous", "other_shopper", "other_seller", "owner"]


def _expected(door: Door, actor: str):
    if actor == "owner":
        return door.owner
    if actor == "anonymous":
        return {"api": 401, "page": LOGIN, "admin": ADMIN_LOGIN}[door.kind]
    if door.others is not None and not (
        door.kind == "admin" and actor == "other_shopper"
    ):
        return door.others
    if door.kind == "admin":
        return ADMIN_LOGIN if actor == "other_shopper" else ADMIN_REFUSED
    return 404


def _user(world, door: Door, actor: str):
    if actor == "anonymous":
        return None
    if actor == "owner":
        return world.seller if door.kind == "admin" else world.owner
    return getattr(world, actor)


def _request(client, door: Door, world, user):
    path = door.path(world)
    data = door.data(world) if door.data else None
    if door.kind == "api":
        headers = {}
        if user is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {AccessToken.for_user(user)}"
        if door.method == "get":
            return client.get(path, **headers)
        return getattr(client, door.method)(
            path, data=data or {}, content_type="application/json", **headers
        )
    if user is not None:
        client.force_login(user)
    if door.method == "get":
        return client.get(path)
    return client.post(path, data=data or {})


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("door", DOORS, ids=[door.name for door in DOORS])
def test_each_door_answers_each_person_as_written(request, client, world, door, actor):
    if door.needs_invoice:
        request.getfixturevalue("ready_invoice")
    before = door.state(world) if door.state else None

    response = _request(client, door, world, _user(world, door, actor))

    expected = _expected(door, actor)
    if isinstance(expected, Redirect):
        assert response.status_code == 302, (response.status_code, expected)
        assert expected.matches(response), response.headers.get("Location")
    else:
        assert response.status_code == expected, response.content[:300]
    if door.state is None:
        return
    after = door.state(world)
    if actor == "owner" and door.owner_after is not None:
        assert after == door.owner_after(before, world)
    else:
        assert after == before


@pytest.mark.parametrize(
    "door", [d for d in DOORS if d.needs_invoice], ids=lambda door: door.name
)
def test_the_owner_receives_the_invoice_pdf(client, world, ready_invoice, door):
    response = _request(client, door, world, world.owner)

    assert response["Content-Type"] == "application/pdf"
    assert b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).startswith(b"%PDF")


@pytest.fixture
def other_shopper_cart(world):
    from orders.services.cart import cart_get_or_create, cart_line_add

    cart = cart_get_or_create(user=world.other_shopper)
    cart_line_add(cart=cart, variant_id=world.shop.variants["milk"].pk, quantity=1)
    return cart


def test_nobody_can_check_out_to_another_users_address_page(
    client, world, other_shopper_cart
):
    client.force_login(world.other_shopper)
    orders_before = Order.objects.count()

    response = client.post(
        "/checkout/",
        {
            "address": world.address.pk,
            "slot": world.shop.slots[0].pk,
            "token": "a-checkout-token-0001",
        },
    )

    assert response.status_code == 404
    assert Order.objects.count() == orders_before
    assert other_shopper_cart.lines.count() == 1


def test_nobody_can_check_out_to_another_users_address_api(
    api_client, world, other_shopper_cart
):
    api_client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(world.other_shopper)}"
    )
    orders_before = Order.objects.count()

    response = api_client.post(
        "/api/v1/orders/",
        {"address": world.address.pk, "slot": world.shop.slots[0].pk},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Order.objects.count() == orders_before
    assert other_shopper_cart.lines.count() == 1


# What a seller may not learn through the admin's query string: a change list
# answers only the lookups its filters declare (400 for any other), so
# staff-only fields cannot be probed one yes-or-no at a time.

PROBES = [
    ("/admin/orders/order/", "email__regex=^o"),
    ("/admin/orders/order/", "total__gte=0"),
    ("/admin/orders/order/", "subtotal__lt=100000"),
    ("/admin/orders/order/", "user__email__startswith=o"),
    ("/admin/orders/order/", "lines__seller__email__startswith=s"),
    ("/admin/catalog/review/", "user__email__startswith=o"),
    ("/admin/catalog/product/", "seller__email__startswith=s"),
    ("/admin/catalog/productvariant/", "product__seller__email__regex=."),
    ("/admin/catalog/category/", "products__seller__email__regex=."),
]

DECLARED = [
    ("/admin/orders/order/", "status__exact=paid"),
    ("/admin/orders/order/", "created_at__year=2026"),
    ("/admin/catalog/review/", "rating=5"),
    ("/admin/catalog/product/", "stock=in"),
    ("/admin/catalog/productvariant/", "is_active__exact=1"),
]


@pytest.mark.parametrize(("path", "query"), PROBES)
def test_a_seller_cannot_probe_fields_through_admin_lookups(client, world, path, query):
    client.force_login(world.seller)

    response = client.get(f"{path}?{query}")

    assert response.status_code == 400


@pytest.mark.parametrize(("path", "query"), DECLARED)
def test_the_filters_an_admin_declares_still_filter(client, world, path, query):
    client.force_login(world.seller)

    response = client.get(f"{path}?{query}")

    assert response.status_code == 200


def test_the_sellers_review_list_and_search_show_no_shopper_email(client, world):
    client.force_login(world.seller)

    listing = client.get("/admin/catalog/review/")
    by_email = client.get("/admin/catalog/review/", {"q": world.owner.email})
    page = client.get(f"/admin/catalog/review/{world.review.pk}/change/")

    assert listing.context["cl"].result_count == 1
    assert world.owner.email not in listing.content.decode()
    assert "Olivia" in listing.content.decode()
    assert by_email.context["cl"].result_count == 0
    assert page.status_code == 200
    assert world.owner.email not in page.content.decode()
