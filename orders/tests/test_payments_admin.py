"""Refunds from the admin: the full-refund action and the refund-by-line page."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from orders.models import OrderLine, OrderStatus, Refund
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/orders/order/"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def refund_url(order):
    return f"/admin/orders/order/{order.pk}/refund/"


def test_the_action_asks_for_confirmation_first(staff_client, paid_order):
    response = staff_client.post(
        CHANGELIST, {"action": "refund_in_full", ACTION_CHECKBOX_NAME: [paid_order.pk]}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert paid_order.number in html
    assert "Yes, refund 1 order" in html
    assert Refund.objects.count() == 0


def test_the_confirmed_action_refunds_in_full(
    offline_payments, staff_client, staff_user, paid_order
):
    response = staff_client.post(
        CHANGELIST,
        {
            "action": "refund_in_full",
            ACTION_CHECKBOX_NAME: [paid_order.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    paid_order.refresh_from_db()
    refund = Refund.objects.get()
    assert paid_order.status == OrderStatus.REFUNDED
    assert (refund.amount, refund.created_by) == (Decimal("316.50"), staff_user)


def test_the_action_skips_orders_that_cannot_be_refunded(
    offline_payments, staff_client, paid_order, user
):
    pending = OrderFactory(user=user)

    response = staff_client.post(
        CHANGELIST,
        {
            "action": "refund_in_full",
            ACTION_CHECKBOX_NAME: [paid_order.pk, pending.pk],
            "post": "yes",
        },
        follow=True,
    )

    html = response.content.decode()
    assert f"Refunded in full: {paid_order.number}" in html
    assert "cannot be refunded" in html
    pending.refresh_from_db()
    assert pending.status == OrderStatus.PENDING_PAYMENT
    assert list(Refund.objects.values_list("order_id", flat=True)) == [paid_order.pk]


def test_the_order_page_links_to_the_refund_page_and_shows_payments(
    staff_client, paid_order
):
    response = staff_client.get(f"/admin/orders/order/{paid_order.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{refund_url(paid_order)}"' in html
    assert f"offline_{paid_order.number}" in html


def test_an_unpaid_order_page_has_no_refund_link(staff_client, user):
    order = OrderFactory(user=user)

    response = staff_client.get(f"/admin/orders/order/{order.pk}/change/")

    assert refund_url(order) not in response.content.decode()


def test_the_refund_page_refunds_chosen_quantities(
    offline_payments, staff_client, paid_order
):
    bananas = OrderLine.objects.get(order=paid_order, product_name="Robusta Bananas")
    page = staff_client.get(refund_url(paid_order))
    assert f'name="line_{bananas.pk}"' in page.content.decode()

    response = staff_client.post(
        refund_url(paid_order),
        {f"line_{bananas.pk}": "2", "reason": "Bruised", "refund_lines": "1"},
    )

    assert response.status_code == 302
    assert response.url == f"/admin/orders/order/{paid_order.pk}/change/"
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason, refund.lines) == (
        Decimal("125.00"),
        "Bruised",
        {str(bananas.pk): 2},
    )
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PAID


def test_the_refund_page_refunds_everything_left(
    offline_payments, staff_client, paid_order
):
    response = staff_client.post(refund_url(paid_order), {"refund_all": "1"})

    assert response.status_code == 302
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.REFUNDED
    assert paid_order.refunded_amount == Decimal("316.50")


@pytest.mark.parametrize("quantity", ["4", "-1", "x"])
def test_the_refund_page_refuses_bad_quantities(
    offline_payments, staff_client, paid_order, quantity
):
    bananas = OrderLine.objects.get(order=paid_order, product_name="Robusta Bananas")

    response = staff_client.post(
        refund_url(paid_order), {f"line_{bananas.pk}": quantity, "refund_lines": "1"}
    )

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Refund.objects.count() == 0


def test_the_refund_page_asks_for_at_least_one_quantity(
    offline_payments, staff_client, paid_order
):
    response = staff_client.post(refund_url(paid_order), {"refund_lines": "1"})

    assert "Enter a quantity for at least one line." in response.content.decode()
    assert Refund.objects.count() == 0


def test_a_seller_can_neither_see_nor_use_refunds(client, paid_order):
    line = OrderLine.objects.filter(order=paid_order).first()
    client.force_login(line.seller)

    changelist = client.get(CHANGELIST)
    refund_page = client.get(refund_url(paid_order))
    posted = client.post(refund_url(paid_order), {"refund_all": "1"})

    assert changelist.status_code == 200
    assert "refund_in_full" not in changelist.content.decode()
    assert refund_page.status_code == 403
    assert posted.status_code == 403
    assert Refund.objects.count() == 0
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.PAID
