from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from catalog.models import ProductVariant
from orders.errors import IllegalTransition
from orders.models import TRANSITIONS, DeliverySlot, Order, OrderStatus
from orders.services.cancellation import order_cancel, order_expire_unpaid
from orders.services.status import order_status_change
from orders.services.stock import order_stock_release
from orders.tasks import orders_expire_unpaid
from shop.errors import Conflict, NotFound
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db

ILLEGAL = [
    (from_status, to_status)
    for from_status in OrderStatus.values
    for to_status in OrderStatus.values
    if to_status not in TRANSITIONS[from_status]
]


def _stock(variant):
    return ProductVariant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def _booked(slot):
    return DeliverySlot.objects.values_list("booked", flat=True).get(pk=slot.pk)


def _force_status(order, status):
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_every_illegal_transition_is_refused(placed_order, from_status, to_status):
    _force_status(placed_order, from_status)
    history = placed_order.history.count()

    with pytest.raises(IllegalTransition) as caught:
        order_status_change(order=placed_order, to_status=to_status)

    assert caught.value.code == "illegal_transition"
    assert caught.value.status_code == 409
    placed_order.refresh_from_db()
    assert placed_order.status == from_status
    assert placed_order.history.count() == history


def test_an_unknown_status_is_refused(placed_order):
    with pytest.raises(IllegalTransition):
        order_status_change(order=placed_order, to_status="shipped")


def test_the_happy_path_writes_a_history_row_per_change(placed_order, staff_user):
    order = placed_order
    for status in ("paid", "packed", "out_for_delivery", "delivered"):
        order = order_status_change(order=order, to_status=status, by=staff_user)

    rows = list(
        placed_order.history.values_list("from_status", "to_status", "changed_by")
    )
    assert rows == [
        ("", "pending_payment", placed_order.user_id),
        ("pending_payment", "paid", staff_user.pk),
        ("paid", "packed", staff_user.pk),
        ("packed", "out_for_delivery", staff_user.pk),
        ("out_for_delivery", "delivered", staff_user.pk),
    ]
    assert order.status == "delivered"
    placed_order.refresh_from_db()
    assert placed_order.status == "delivered"


def test_paying_stamps_paid_at(placed_order):
    order = order_status_change(order=placed_order, to_status="paid")

    assert order.paid_at is not None
    placed_order.refresh_from_db()
    assert placed_order.paid_at == order.paid_at


def test_packing_emails_the_shopper_once(
    placed_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_status_change(order=placed_order, to_status="paid")
        order_status_change(order=placed_order, to_status="packed")

    emails = OutboundEmail.objects.filter(reference=placed_order.number)
    assert list(emails.values_list("key", flat=True)) == [
        f"order-status:{placed_order.pk}:packed"
    ]
    assert [message.to for message in mail.outbox] == [[placed_order.email]]


def test_cancelling_gives_stock_and_slot_back(placed_order, variant, slot):
    assert _stock(variant) == 7

    order = order_status_change(order=placed_order, to_status="cancelled", note="test")

    assert _stock(variant) == 10
    assert _booked(slot) == 0
    assert order.stock_released_at is not None
    placed_order.refresh_from_db()
    assert placed_order.stock_released_at == order.stock_released_at


def test_stock_release_happens_once(placed_order, variant, slot):
    assert order_stock_release(order=placed_order) is True
    assert order_stock_release(order=placed_order) is False

    assert _stock(variant) == 10
    assert _booked(slot) == 0


# CANCEL BY THE SHOPPER


def test_shopper_cancels_an_unpaid_order(placed_order, user, variant, slot):
    order = order_cancel(order=placed_order, by=user)

    assert order.status == "cancelled"
    assert _stock(variant) == 10
    assert _booked(slot) == 0
    assert order.history.last().note == "cancelled by the shopper"
    assert OutboundEmail.objects.filter(
        key=f"order-status:{order.pk}:cancelled"
    ).exists()


def test_cancelling_twice_refuses_the_second_and_releases_once(
    placed_order, user, variant
):
    order_cancel(order=placed_order, by=user)

    with pytest.raises(Conflict) as caught:
        order_cancel(order=placed_order, by=user)

    assert caught.value.code == "not_cancellable"
    assert _stock(variant) == 10


@pytest.mark.parametrize(
    "status", ["packed", "out_for_delivery", "delivered", "refunded"]
)
def test_cancel_after_packing_is_refused(placed_order, user, variant, status):
    _force_status(placed_order, status)

    with pytest.raises(Conflict) as caught:
        order_cancel(order=placed_order, by=user)

    assert caught.value.code == "not_cancellable"
    placed_order.refresh_from_db()
    assert placed_order.status == status
    assert _stock(variant) == 7


def test_another_user_cannot_cancel(placed_order, other_user, variant):
    with pytest.raises(NotFound):
        order_cancel(order=placed_order, by=other_user)

    placed_order.refresh_from_db()
    assert placed_order.status == "pending_payment"
    assert _stock(variant) == 7


# EXPIRY


def _overdue(order):
    Order.objects.filter(pk=order.pk).update(
        payment_due_at=timezone.now() - timedelta(minutes=1)
    )


def test_expiry_cancels_overdue_unpaid_orders_and_gives_back(
    placed_order, variant, slot
):
    _overdue(placed_order)

    assert orders_expire_unpaid() == 1

    placed_order.refresh_from_db()
    assert placed_order.status == "cancelled"
    assert _stock(variant) == 10
    assert _booked(slot) == 0
    change = placed_order.history.last()
    assert (change.changed_by, change.note) == (None, "payment timed out")


def test_expiry_leaves_orders_still_within_their_time(placed_order, variant):
    assert orders_expire_unpaid() == 0

    placed_order.refresh_from_db()
    assert placed_order.status == "pending_payment"
    assert _stock(variant) == 7


def test_expiry_leaves_paid_orders(placed_order, variant):
    order_status_change(order=placed_order, to_status="paid")
    _overdue(placed_order)

    assert orders_expire_unpaid() == 0
    assert order_expire_unpaid(order_id=placed_order.pk) is False
    assert _stock(variant) == 7


def test_expiring_twice_gives_back_once(placed_order, variant, slot):
    _overdue(placed_order)

    assert order_expire_unpaid(order_id=placed_order.pk) is True
    assert order_expire_unpaid(order_id=placed_order.pk) is False

    assert _stock(variant) == 10
    assert _booked(slot) == 0


def test_cancelling_a_paid_order_refunds_it_and_restocks_once(
    placed_order, user, variant, slot
):
    from orders.models import Payment, Refund

    order_status_change(order=placed_order, to_status="paid")
    Payment.objects.create(
        order=placed_order,
        provider=Payment.Provider.OFFLINE,
        intent_id="offline_pi_test",
        amount=placed_order.total,
        currency="INR",
        status=Payment.Status.SUCCEEDED,
    )

    order_cancel(order=placed_order, by=user)

    refund = Refund.objects.get(order=placed_order)
    assert refund.amount == placed_order.total
    assert refund.status == Refund.Status.SUCCEEDED
    placed_order.refresh_from_db()
    assert placed_order.status == "cancelled"
    assert placed_order.refunded_amount == placed_order.total
    assert _stock(variant) == 10
    assert _booked(slot) == 0
