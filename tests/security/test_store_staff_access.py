"""Store staff of one store reach nothing of another: the table is the specification.

Each door touches an object of the Koramangala store (an order, its shelf, a
slot, an area, the store itself). Koramangala's own picker gets through, so
the door is real; Indiranagar's picker is refused (the admin's "not found"
redirect, 404, or a count sheet's row error) and the object is exactly as it
was. Through the shop's API and pages, store staff are shoppers: a store's
order is nobody's but its shopper's.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductVariantFactory
from orders.models import DeliverySlot, Order, ServiceArea, StoreStock
from orders.tests.factories import (
    DarkStoreFactory,
    ServiceAreaFactory,
    store_order,
    store_staff_make,
    store_stock_set,
)
from tests.security.test_access_matrix import Redirect

pytestmark = pytest.mark.django_db

ADMIN_REFUSED = Redirect("/admin/", exact=True)


@dataclass
class Stores:
    here: object
    there: object
    picker_here: object
    picker_there: object
    shopper: object
    milk: object
    order: object  # paid, at `there`
    shelf: object  # `there`'s milk

    @property
    def slot(self):
        return self.order.slot


@pytest.fixture
def stores():
    here = DarkStoreFactory(name="Indiranagar")
    there = DarkStoreFactory(name="Koramangala")
    ServiceAreaFactory(postal_code="560095", name="Koramangala", store=there)
    milk = ProductVariantFactory(sku="MLK-500", stock=0)
    store_stock_set(variant=milk, quantity=10, store=here)
    shelf = store_stock_set(variant=milk, quantity=50, store=there)
    shopper = UserFactory(name="Sam Shopper")
    order = store_order(store=there, lines=[(milk, 2)], user=shopper)
    return Stores(
        here=here,
        there=there,
        picker_here=store_staff_make(store=here, name="Priya Picker"),
        picker_there=store_staff_make(store=there, name="Kiran Picker"),
        shopper=shopper,
        milk=milk,
        order=order,
        shelf=shelf,
    )


def _order(s):
    order = Order.objects.get(pk=s.order.pk)
    return (order.status, order.history.count())


def _shelves(s):
    return sorted(StoreStock.objects.values_list("store_id", "quantity"))


def _slot(s):
    return DeliverySlot.objects.filter(pk=s.slot.pk).values().first()


def _areas(s):
    return sorted(ServiceArea.objects.values_list("postal_code", "store_id"))


def _count_sheet(s, counted: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = f"store,sku,on_shelf,counted\nKoramangala,MLK-500,50,{counted}\n"
    return {"sheet": SimpleUploadedFile("count.csv", text.encode())}


@dataclass(frozen=True)
class Door:
    name: str
    method: str
    path: Callable
    # What Koramangala's picker gets, and what Indiranagar's picker gets.
    own: object = 200
    other: object = ADMIN_REFUSED
    data: Callable | None = None
    state: Callable | None = None
    own_after: Callable | None = None


CHANGE = "/admin/orders/{model}/{pk}/{page}/"

DOORS = [
    Door("order change page", "get",
         lambda s: CHANGE.format(model="order", pk=s.order.pk, page="change")),
    Door("order history page", "get",
         lambda s: CHANGE.format(model="order", pk=s.order.pk, page="history")),
    Door(
        "order action packed",
        "post",
        lambda s: "/admin/orders/order/",
        own=Redirect("/admin/orders/order/"),
        other=Redirect("/admin/orders/order/"),
        data=lambda s: {"action": "mark_packed", "_selected_action": [s.order.pk]},
        state=_order,
        own_after=lambda before, s: ("packed", before[1] + 1),
    ),
    Door(
        "picking queue step",
        "post",
        lambda s: "/admin/orders/order/picking/step/",
        own=Redirect("/admin/orders/order/picking/?store="),
        other=404,
        data=lambda s: {"order": s.order.pk, "to": "packed", "store": s.there.pk},
        state=_order,
        own_after=lambda before, s: ("packed", before[1] + 1),
    ),
    Door("shelf change page", "get",
         lambda s: CHANGE.format(model="storestock", pk=s.shelf.pk, page="change")),
    Door("shelf history page", "get",
         lambda s: CHANGE.format(model="storestock", pk=s.shelf.pk, page="history")),
    Door(
        "shelf count",
        "post",
        lambda s: CHANGE.format(model="storestock", pk=s.shelf.pk, page="change"),
        own=Redirect("/admin/orders/storestock/"),
        data=lambda s: {"seen": "50", "change_by": "-20"},
        state=_shelves,
        own_after=lambda before, s: sorted(
            (store, q - 20 if store == s.there.pk else q) for store, q in before
        ),
    ),
    Door(
        "shelf count sheet",
        "post",
        lambda s: "/admin/orders/storestock/import/",
        own=Redirect("/admin/orders/storestock/", exact=True),
        other=200,  # the form again, with the row refused
        data=lambda s: _count_sheet(s, counted=45),
        state=_shelves,
        own_after=lambda before, s: sorted(
            (store, q - 5 if store == s.there.pk else q) for store, q in before
        ),
    ),
    Door("slot change page", "get",
         lambda s: CHANGE.format(model="deliveryslot", pk=s.slot.pk, page="change"),
         state=_slot),
    Door("area change page", "get",
         lambda s: CHANGE.format(model="servicearea",
                                 pk=s.there.areas.get().pk, page="change"),
         state=_areas),
    Door("store change page", "get",
         lambda s: CHANGE.format(model="darkstore", pk=s.there.pk, page="change")),
]  # fmt: skip


def _answers(response, expected) -> bool:
    if isinstance(expected, Redirect):
        return response.status_code == 302 and expected.matches(response)
    return response.status_code == expected


@pytest.mark.parametrize("who", ["own", "other"])
@pytest.mark.parametrize("door", DOORS, ids=[door.name for door in DOORS])
def test_each_door_of_a_store_opens_to_its_own_staff_only(client, stores, door, who):
    user = stores.picker_there if who == "own" else stores.picker_here
    before = door.state(stores) if door.state else None
    client.force_login(user)

    data = door.data(stores) if door.data else None
    if door.method == "get":
        response = client.get(door.path(stores))
    else:
        response = client.post(door.path(stores), data=data or {})

    expected = door.own if who == "own" else door.other
    assert _answers(response, expected), (
        response.status_code,
        response.headers.get("Location"),
    )
    if door.state is None:
        return
    after = door.state(stores)
    if who == "own" and door.own_after is not None:
        assert after == door.own_after(before, stores)
    else:
        assert after == before


LISTS = [
    ("/admin/orders/order/", lambda s: s.order.pk),
    ("/admin/orders/storestock/", lambda s: s.shelf.pk),
    ("/admin/orders/deliveryslot/", lambda s: s.slot.pk),
    ("/admin/orders/servicearea/", lambda s: s.there.areas.get().pk),
    ("/admin/orders/darkstore/", lambda s: s.there.pk),
]


@pytest.mark.parametrize(("path", "pk_of"), LISTS, ids=[p for p, _ in LISTS])
def test_no_change_list_shows_another_stores_rows(client, stores, path, pk_of):
    client.force_login(stores.picker_here)
    own = client.get(path)
    client.force_login(stores.picker_there)
    theirs = client.get(path)

    assert pk_of(stores) not in [row.pk for row in own.context["cl"].result_list]
    assert pk_of(stores) in [row.pk for row in theirs.context["cl"].result_list]


@pytest.mark.parametrize("path", [p for p, _ in LISTS])
def test_no_change_list_filters_by_another_store(client, stores, path):
    client.force_login(stores.picker_here)
    lookup = "id__exact" if path.endswith("darkstore/") else "store__id__exact"

    response = client.get(path, {lookup: stores.there.pk})

    assert response.status_code == 400


def test_the_picking_queue_shows_only_the_pickers_store(client, stores):
    client.force_login(stores.picker_here)

    response = client.get("/admin/orders/order/picking/", {"store": stores.there.pk})

    assert response.context["store"] == stores.here
    assert stores.order.number not in response.content.decode()


def test_the_count_sheet_export_holds_only_the_pickers_store(client, stores):
    client.force_login(stores.picker_here)

    response = client.get("/admin/orders/storestock/export/")

    assert "Koramangala" not in response.content.decode()
    assert "Indiranagar,MLK-500" in response.content.decode()


def test_store_staff_cannot_look_up_users_to_give_roles(client, stores):
    client.force_login(stores.picker_here)

    lookup = client.get(
        "/admin/autocomplete/",
        {"app_label": "orders", "model_name": "storestaff", "field_name": "user"},
    )
    staff_page = client.get("/admin/orders/storestaff/")

    assert lookup.status_code == 403
    assert staff_page.status_code == 403


# THE SHOP'S API AND PAGES: store staff are shoppers there.


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}"}


@pytest.fixture
def invoiced(stores, settings, tmp_path):
    from orders.invoicing.services import invoice_issue, invoice_render_pdf

    return invoice_render_pdf(invoice=invoice_issue(order=stores.order))


@pytest.mark.parametrize("picker", ["picker_here", "picker_there"])
def test_the_api_gives_store_staff_no_stores_orders(api_client, stores, picker):
    headers = _bearer(getattr(stores, picker))
    number = stores.order.number

    listing = api_client.get("/api/v1/orders/", **headers)
    detail = api_client.get(f"/api/v1/orders/{number}/", **headers)
    cancel = api_client.post(f"/api/v1/orders/{number}/cancel/", **headers)

    assert (listing.status_code, listing.json()["count"]) == (200, 0)
    assert (detail.status_code, cancel.status_code) == (404, 404)
    assert Order.objects.get(pk=stores.order.pk).status == "paid"


@pytest.mark.parametrize("picker", ["picker_here", "picker_there"])
def test_store_staff_download_no_invoice(client, api_client, stores, invoiced, picker):
    user = getattr(stores, picker)
    number = stores.order.number
    client.force_login(user)

    page = client.get(f"/orders/{number}/invoice/")
    api = api_client.get(f"/api/v1/orders/{number}/invoice/", **_bearer(user))

    assert (page.status_code, api.status_code) == (404, 404)


def test_the_shopper_still_downloads_their_invoice(client, stores, invoiced):
    client.force_login(stores.shopper)

    assert client.get(f"/orders/{stores.order.number}/invoice/").status_code == 200
