import csv
import io

import pytest

from accounts.tests.factories import AddressFactory
from catalog.tests.factories import ProductVariantFactory
from orders.models import DeliverySlot, Order, OrderStatus
from orders.services.placement import order_place
from orders.services.status import order_status_change

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/orders/order/"


@pytest.fixture
def mixed_order(user, address, slot, seller, other_seller, fill_cart):
    """One order holding a product of `seller` and one of `other_seller`."""
    mine = ProductVariantFactory(product__seller=seller, product__name="Seller Milk")
    theirs = ProductVariantFactory(
        product__seller=other_seller, product__name="Other Bread"
    )
    fill_cart(user, (mine, 2), (theirs, 1))
    return order_place(user=user, address=address, slot=slot)


@pytest.fixture
def foreign_order(other_user, area, slot, other_seller, fill_cart):
    """An order holding only `other_seller`'s product."""
    variant = ProductVariantFactory(product__seller=other_seller)
    fill_cart(other_user, (variant, 1))
    return order_place(
        user=other_user, address=AddressFactory(user=other_user), slot=slot
    )


def _action(client, action, *orders, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [o.pk for o in orders], **extra},
        follow=True,
    )


def test_seller_sees_only_orders_holding_their_products(
    client, seller, mixed_order, foreign_order
):
    client.force_login(seller)

    response = client.get(CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert mixed_order.number in html
    assert foreign_order.number not in html
    assert client.get(f"{CHANGELIST}{foreign_order.pk}/change/").status_code == 302


def test_seller_sees_only_their_own_lines_and_no_totals(client, seller, mixed_order):
    client.force_login(seller)

    html = client.get(f"{CHANGELIST}{mixed_order.pk}/change/").content.decode()

    assert "Seller Milk" in html
    assert "Other Bread" not in html
    assert mixed_order.email not in html


def test_seller_list_shows_their_lines_amount(client, seller, mixed_order):
    client.force_login(seller)

    response = client.get(CHANGELIST)

    [order] = response.context["cl"].result_list
    assert order.amount_shown == mixed_order.lines.get(seller=seller).line_total


def test_bulk_status_action_goes_through_the_service(
    client, seller, mixed_order, user, address, slot, fill_cart
):
    mine = mixed_order.lines.get(seller=seller).variant
    fill_cart(user, (mine, 1))
    second = order_place(user=user, address=address, slot=slot)
    for order in (mixed_order, second):
        order_status_change(order=order, to_status=OrderStatus.PAID)
    client.force_login(seller)

    response = _action(client, "mark_packed", mixed_order, second)

    assert "2 orders now packed." in response.content.decode()
    assert set(Order.objects.values_list("status", flat=True)) == {"packed"}
    change = mixed_order.history.last()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "paid",
        "packed",
        seller,
    )


def test_illegal_bulk_change_is_refused_with_a_message(client, staff_user, mixed_order):
    client.force_login(staff_user)

    response = _action(client, "mark_delivered", mixed_order)

    assert "cannot go from awaiting payment to delivered" in response.content.decode()
    mixed_order.refresh_from_db()
    assert mixed_order.status == "pending_payment"


def _out_for_delivery(order):
    for step in (OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.OUT_FOR_DELIVERY):
        order_status_change(order=order, to_status=step)


@pytest.mark.parametrize("action", ["mark_out_for_delivery", "mark_delivered"])
def test_a_seller_is_offered_no_delivery_step(client, seller, mixed_order, action):
    client.force_login(seller)

    response = client.get(CHANGELIST)

    offered = dict(response.context["action_form"].fields["action"].choices)
    assert "mark_packed" in offered
    assert action not in offered


def test_a_seller_cannot_deliver_an_order_holding_another_sellers_lines(
    client, seller, user, mixed_order
):
    from catalog.models import Product
    from orders.selectors import user_has_received_product

    _out_for_delivery(mixed_order)
    client.force_login(seller)

    _action(client, "mark_delivered", mixed_order)

    mixed_order.refresh_from_db()
    assert mixed_order.status == OrderStatus.OUT_FOR_DELIVERY
    other_product = Product.objects.get(name="Other Bread")
    assert not user_has_received_product(user=user, product=other_product)


def test_delivery_steps_are_refused_to_sellers_by_the_service(seller, mixed_order):
    from orders.errors import DeliveryStepForStaff

    order_status_change(order=mixed_order, to_status=OrderStatus.PAID)
    order_status_change(order=mixed_order, to_status=OrderStatus.PACKED, by=seller)

    with pytest.raises(DeliveryStepForStaff) as refused:
        order_status_change(
            order=mixed_order, to_status=OrderStatus.OUT_FOR_DELIVERY, by=seller
        )

    assert refused.value.status_code == 403
    assert refused.value.message == (
        f"Order {mixed_order.number}: out for delivery is a delivery step, "
        "which the shop's staff take, not sellers."
    )
    mixed_order.refresh_from_db()
    assert mixed_order.status == OrderStatus.PACKED


def test_staff_deliver_and_the_shopper_may_then_review(
    client, staff_user, user, mixed_order
):
    from catalog.models import Product
    from orders.selectors import user_has_received_product

    _out_for_delivery(mixed_order)
    client.force_login(staff_user)

    response = _action(client, "mark_delivered", mixed_order)

    assert "1 order now delivered." in response.content.decode()
    other_product = Product.objects.get(name="Other Bread")
    assert user_has_received_product(user=user, product=other_product)


def test_seller_cannot_act_on_other_sellers_orders(client, seller, foreign_order):
    order_status_change(order=foreign_order, to_status=OrderStatus.PAID)
    client.force_login(seller)

    _action(client, "mark_packed", foreign_order)

    foreign_order.refresh_from_db()
    assert foreign_order.status == "paid"


def test_seller_cannot_cancel_but_staff_can(client, seller, staff_user, mixed_order):
    client.force_login(seller)
    _action(client, "cancel_orders", mixed_order)
    mixed_order.refresh_from_db()
    assert mixed_order.status == "pending_payment"

    client.force_login(staff_user)
    response = _action(client, "cancel_orders", mixed_order)

    assert "1 order now cancelled." in response.content.decode()
    mixed_order.refresh_from_db()
    assert mixed_order.status == "cancelled"
    assert DeliverySlot.objects.get(pk=mixed_order.slot_id).booked == 0


def test_status_field_cannot_be_edited(client, staff_user, mixed_order):
    client.force_login(staff_user)

    client.post(
        f"{CHANGELIST}{mixed_order.pk}/change/",
        {"status": "delivered", "total": "1.00"},
    )

    mixed_order.refresh_from_db()
    assert mixed_order.status == "pending_payment"


def test_seller_csv_holds_only_their_lines(client, seller, mixed_order):
    client.force_login(seller)

    response = _action(client, "export_csv", mixed_order)

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:3] == ["order", "placed_at", "status"]
    assert "seller" not in rows[0]
    assert [(r[0], r[6], r[8]) for r in rows[1:]] == [
        (mixed_order.number, "Seller Milk", "2")
    ]


def test_staff_csv_holds_every_line_and_defuses_formulas(
    client, staff_user, mixed_order
):
    line = mixed_order.lines.get(product_name="Other Bread")
    line.product_name = "=HYPERLINK(1)"
    line.save()
    client.force_login(staff_user)

    response = _action(client, "export_csv", mixed_order)

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    assert "'=HYPERLINK(1)" in [row[6] for row in rows]
    assert rows[0][-3:] == ["seller", "order_total", "currency"]


def test_filters_by_status_and_slot(client, staff_user, mixed_order, foreign_order):
    order_status_change(order=foreign_order, to_status=OrderStatus.PAID)
    client.force_login(staff_user)

    by_status = client.get(f"{CHANGELIST}?status__exact=paid")
    by_slot = client.get(f"{CHANGELIST}?slot__id__exact={mixed_order.slot_id}")

    assert [o.pk for o in by_status.context["cl"].result_list] == [foreign_order.pk]
    assert len(by_slot.context["cl"].result_list) == 2


def test_sellers_cannot_see_service_areas_or_slots(client, seller):
    client.force_login(seller)

    assert client.get("/admin/orders/servicearea/").status_code == 403
    assert client.get("/admin/orders/deliveryslot/").status_code == 403


def test_staff_cannot_set_a_capacity_below_the_bookings(client, staff_user, slot):
    DeliverySlot.objects.filter(pk=slot.pk).update(booked=5)
    client.force_login(staff_user)

    response = client.post(
        f"/admin/orders/deliveryslot/{slot.pk}/change/",
        {
            "starts_at_0": slot.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": slot.starts_at.strftime("%H:%M:%S"),
            "ends_at_0": slot.ends_at.strftime("%Y-%m-%d"),
            "ends_at_1": slot.ends_at.strftime("%H:%M:%S"),
            "capacity": 3,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "5 orders already booked this slot" in response.content.decode()
    assert DeliverySlot.objects.get(pk=slot.pk).capacity == 20
