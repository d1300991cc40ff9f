"""Store staff in the admin: their store's orders, its picking queue and its steps."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductVariantFactory
from orders.models import Order, OrderStatus, OrderStatusChange
from orders.services.status import order_status_change
from orders.stores.models import STORE_STAFF_GROUP, StoreStaff
from orders.stores.services import store_staff_grant, store_staff_revoke
from orders.tests.factories import (
    store_order,
    store_stock_set,
)
from shop.access import user_is_shop_staff, user_is_store_staff, user_store_id
from shop.errors import DomainError, NotFound

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/orders/order/"
QUEUE = "/admin/orders/order/picking/"
STEP = "/admin/orders/order/picking/step/"


@pytest.fixture
def milk(here, there):
    variant = ProductVariantFactory(
        product__name="Toned Milk", label="500 ml", sku="MLK-500", stock=0
    )
    store_stock_set(variant=variant, quantity=7, store=here)
    store_stock_set(variant=variant, quantity=50, store=there)
    return variant


@pytest.fixture
def bread(here):
    variant = ProductVariantFactory(
        product__name="Brown Bread", label="400 g", sku="BRD-400", stock=0
    )
    store_stock_set(variant=variant, quantity=2, store=here)
    return variant


def _status(order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


# WHO IS STORE STAFF


def test_the_role_makes_staff_of_one_store_in_the_group(here):
    user = UserFactory()

    works_at = store_staff_grant(user=user, store=here)

    user.refresh_from_db()
    assert works_at.store == here
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [STORE_STAFF_GROUP]
    assert user_store_id(user) == here.pk
    assert user_is_store_staff(user)
    assert not user_is_shop_staff(user)


def test_the_role_is_refused_to_sellers_and_superusers(here, seller, staff_user):
    for user in (seller, staff_user):
        with pytest.raises(DomainError):
            store_staff_grant(user=user, store=here)

    assert not StoreStaff.objects.exists()


def test_taking_the_role_back_leaves_no_staff_who_sees_all(picker):
    store_staff_revoke(user=picker)

    picker.refresh_from_db()
    assert not picker.is_staff
    assert not picker.groups.exists()
    assert not user_is_shop_staff(picker)
    assert not StoreStaff.objects.filter(user=picker).exists()


def test_the_group_grants_the_stores_work_and_nothing_of_the_shop():
    codenames = set(
        Group.objects.get(name=STORE_STAFF_GROUP).permissions.values_list(
            "codename", flat=True
        )
    )

    assert codenames == {
        "view_order",
        "change_order",
        "view_orderline",
        "view_orderstatuschange",
        "view_storestock",
        "add_storestock",
        "change_storestock",
        "view_darkstore",
        "view_deliveryslot",
        "view_servicearea",
    }


# THE ORDER ADMIN


def test_store_staff_see_only_their_stores_orders(client, picker, here, there, milk):
    mine = store_order(store=here, lines=[(milk, 1)])
    theirs = store_order(store=there, lines=[(milk, 1)])
    client.force_login(picker)

    response = client.get(CHANGELIST)
    popup = client.get(CHANGELIST, {"_to_field": "id", "_popup": "1"})

    assert [o.pk for o in response.context["cl"].result_list] == [mine.pk]
    assert [o.pk for o in popup.context["cl"].result_list] == [mine.pk]
    assert theirs.number not in response.content.decode()


@pytest.mark.parametrize("page", ["change", "history"])
def test_another_stores_order_page_is_not_theirs(client, picker, there, milk, page):
    theirs = store_order(store=there, lines=[(milk, 1)])
    client.force_login(picker)

    response = client.get(f"{CHANGELIST}{theirs.pk}/{page}/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_store_filter_cannot_reach_another_store(client, picker, there):
    client.force_login(picker)

    response = client.get(CHANGELIST, {"store__id__exact": there.pk})

    assert response.status_code == 400


def test_an_action_on_another_stores_order_changes_nothing(
    client, picker, here, there, milk
):
    mine = store_order(store=here, lines=[(milk, 1)])
    theirs = store_order(store=there, lines=[(milk, 1)])
    client.force_login(picker)

    client.post(
        CHANGELIST,
        {"action": "mark_packed", "_selected_action": [mine.pk, theirs.pk]},
    )

    assert (_status(mine), _status(theirs)) == ("packed", "paid")
    assert not OrderStatusChange.objects.filter(order=theirs).exists()


def test_store_staff_take_delivery_steps_but_do_not_cancel(client, picker):
    client.force_login(picker)

    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices

    names = {name for name, _label in actions}
    assert {"mark_packed", "mark_out_for_delivery", "mark_delivered"} <= names
    assert "cancel_orders" not in names
    assert "refund_in_full" not in names


def test_the_order_page_shows_no_shopper_email_payments_or_invoices(
    client, picker, here, milk
):
    mine = store_order(store=here, lines=[(milk, 2)])
    client.force_login(picker)

    response = client.get(f"{CHANGELIST}{mine.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert mine.email not in html
    inlines = response.context["inline_admin_formsets"]
    assert [type(inline.opts).__name__ for inline in inlines] == [
        "OrderLineInline",
        "OrderStatusChangeInline",
    ]
    assert "Toned Milk" in html


def test_the_status_service_refuses_store_staff_another_stores_order(
    picker, there, milk
):
    theirs = store_order(store=there, lines=[(milk, 1)])

    with pytest.raises(NotFound):
        order_status_change(order=theirs, to_status=OrderStatus.PACKED, by=picker)

    assert _status(theirs) == "paid"


# THE PICKING QUEUE


def test_the_queue_is_the_stores_paid_orders_in_promise_order(
    client, picker, here, there, milk, bread
):
    now = timezone.now()
    later = store_order(
        store=here, lines=[(milk, 1)], promised_at=now + timedelta(minutes=30)
    )
    sooner = store_order(
        store=here,
        lines=[(bread, 2), (milk, 3)],
        promised_at=now + timedelta(minutes=8),
    )
    late = store_order(
        store=here, lines=[(milk, 1)], promised_at=now - timedelta(minutes=5)
    )
    packed = store_order(
        store=here,
        lines=[(bread, 1)],
        status="packed",
        promised_at=now + timedelta(minutes=3),
    )
    store_order(
        store=here, lines=[(milk, 1)], status="pending_payment", promised_at=now
    )
    store_order(store=here, lines=[(milk, 1)], status="delivered", promised_at=now)
    store_order(store=there, lines=[(milk, 1)], promised_at=now)  # fmt: skip
    client.force_login(picker)

    response = client.get(QUEUE)

    sections = response.context["sections"]
    assert [(title, [pick.order.number for pick in picks]) for title, picks in sections
            ] == [
        ("To pick", [late.number, sooner.number, later.number]),
        ("Packed, waiting for a rider", [packed.number]),
        ("Out for delivery", []),
    ]  # fmt: skip
    to_pick = sections[0][1]
    assert [(line.name, line.size, line.quantity, line.on_shelf)
            for line in to_pick[1].lines] == [
        ("Brown Bread", "400 g", 2, 2),
        ("Toned Milk", "500 ml", 3, 7),
    ]  # fmt: skip
    assert [pick.is_late for pick in to_pick] == [True, False, False]
    assert [(pick.next_status, pick.next_label) for pick in to_pick][0] == (
        "packed",
        "Packed",
    )
    assert "late by" in response.content.decode()


def test_the_queue_costs_the_same_queries_for_one_order_or_many(
    client, picker, here, milk, bread, django_assert_num_queries
):
    now = timezone.now()
    store_order(store=here, lines=[(milk, 1)], promised_at=now)
    client.force_login(picker)
    client.get(QUEUE)

    # The user (its session is cached), its groups (is it a seller?), its
    # permissions (two), its store row, the store, the orders, their lines,
    # the shelf.
    with django_assert_num_queries(9):
        one = client.get(QUEUE)
    for minutes in range(4):
        store_order(store=here, lines=[(milk, 1), (bread, 1)],
                    promised_at=now + timedelta(minutes=minutes))  # fmt: skip
    with django_assert_num_queries(9):
        five = client.get(QUEUE)

    assert len(one.context["sections"][0][1]) == 1
    assert len(five.context["sections"][0][1]) == 5


def test_a_picker_packs_hands_over_and_delivers(client, picker, here, milk):
    order = store_order(store=here, lines=[(milk, 1)], promised_at=timezone.now())
    client.force_login(picker)

    statuses = []
    for step in ("packed", "out_for_delivery", "delivered"):
        response = client.post(STEP, {"order": order.pk, "to": step}, follow=True)
        statuses.append(_status(order))

    assert statuses == ["packed", "out_for_delivery", "delivered"]
    assert f"Order {order.number} is now delivered." in response.content.decode()
    assert list(
        order.history.filter(changed_by=picker).values_list("to_status", "note")
    ) == [
        ("packed", "picking queue"),
        ("out_for_delivery", "picking queue"),
        ("delivered", "picking queue"),
    ]


def test_a_step_out_of_turn_is_refused_with_the_reason(client, picker, here, milk):
    order = store_order(store=here, lines=[(milk, 1)], promised_at=timezone.now())
    client.force_login(picker)

    response = client.post(STEP, {"order": order.pk, "to": "delivered"}, follow=True)

    assert f"Order {order.number} cannot go from paid to delivered." in (
        response.content.decode()
    )
    assert _status(order) == "paid"


@pytest.mark.parametrize("to", ["cancelled", "refunded", "pending_payment"])
def test_the_queue_takes_only_picking_steps(client, picker, here, milk, to):
    order = store_order(store=here, lines=[(milk, 1)], promised_at=timezone.now())
    client.force_login(picker)

    response = client.post(STEP, {"order": order.pk, "to": to}, follow=True)

    assert "That is not a picking step." in response.content.decode()
    assert _status(order) == "paid"


def test_a_step_on_another_stores_order_is_not_found(client, picker, there, milk):
    theirs = store_order(store=there, lines=[(milk, 1)], promised_at=timezone.now())
    client.force_login(picker)

    as_is = client.post(STEP, {"order": theirs.pk, "to": "packed"})
    with_store = client.post(
        STEP, {"order": theirs.pk, "to": "packed", "store": theirs.store_id}
    )

    assert (as_is.status_code, with_store.status_code) == (404, 404)
    assert _status(theirs) == "paid"


def test_a_step_is_a_post(client, picker, here, milk):
    order = store_order(store=here, lines=[(milk, 1)], promised_at=timezone.now())
    client.force_login(picker)

    response = client.get(STEP, {"order": order.pk, "to": "packed"})

    assert response.status_code == 405
    assert _status(order) == "paid"


def test_sellers_have_no_picking_queue(client, seller):
    client.force_login(seller)

    assert client.get(QUEUE).status_code == 403
    assert client.post(STEP, {"order": "1", "to": "packed"}).status_code == 403


def test_shop_staff_pick_any_stores_queue(client, staff_user, here, there, milk):
    mine = store_order(store=here, lines=[(milk, 1)], promised_at=timezone.now())
    theirs = store_order(store=there, lines=[(milk, 1)], promised_at=timezone.now())
    client.force_login(staff_user)

    first = client.get(QUEUE)
    chosen = client.get(QUEUE, {"store": there.pk})
    client.post(STEP, {"order": theirs.pk, "to": "packed", "store": there.pk})

    assert [p.order.pk for p in first.context["sections"][0][1]] == [mine.pk]
    assert [p.order.pk for p in chosen.context["sections"][0][1]] == [theirs.pk]
    assert _status(theirs) == "packed"
    assert client.get(QUEUE, {"store": "nope"}).status_code == 404


def test_the_admin_home_leads_a_picker_to_the_queue(client, picker):
    client.force_login(picker)

    html = client.get("/admin/").content.decode()

    assert "Indiranagar store" in html
    assert 'href="/admin/orders/order/picking/"' in html
