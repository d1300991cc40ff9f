"""Refunds: full and by line, through Stripe or offline, with stock and history."""

from decimal import Decimal

import pytest

from catalog.models import ProductVariant
from orders.models import (
    DeliverySlot,
    Invoice,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Payment,
    Refund,
)
from orders.payments.services import (
    PaymentProviderError,
    payment_refund,
    payment_refund_for_cancelled_order,
    payment_start,
    stripe_event_receive,
)
from shop.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_by_stripe(
    fake_stripe, payable_order, user, django_capture_on_commit_callbacks
):
    """The payable order, paid by card through the fake Stripe and its event."""
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        stripe_event_receive(
            event=fake_stripe.event("payment_intent.succeeded", payment.intent_id)
        )
    payable_order.refresh_from_db()
    return payable_order


@pytest.fixture
def refund(django_capture_on_commit_callbacks):
    """Call payment_refund and run what its commit queued (the credit note)."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return payment_refund(**kwargs)

    return run


def stocks(order):
    return dict(
        ProductVariant.objects.filter(order_lines__order=order).values_list(
            "sku", "stock"
        )
    )


def lines(order):
    return {line.sku: line for line in OrderLine.objects.filter(order=order)}


def test_full_refund_goes_through_stripe_and_refunds_the_order(
    paid_by_stripe, fake_stripe, staff_user, refund
):
    order = paid_by_stripe
    stock_before = stocks(order)
    booked_before = DeliverySlot.objects.get(pk=order.slot_id).booked

    result = refund(order=order, by=staff_user, reason="Shop closed early")

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_amount == Decimal("185.00")
    assert (result.amount, result.status, result.created_by) == (
        Decimal("185.00"),
        Refund.Status.SUCCEEDED,
        staff_user,
    )
    [request] = fake_stripe.requests_to("POST", "/v1/refunds")
    payment = Payment.objects.get(order=order)
    assert request["params"]["payment_intent"] == payment.intent_id
    assert request["params"]["amount"] == "18500"
    assert request["idempotency_key"] == f"refund-{result.pk}"
    assert result.refund_id == next(iter(fake_stripe.refunds))
    assert all(ln.refunded_quantity == ln.quantity for ln in lines(order).values())
    # The goods never left: stock and the slot go back, once.
    assert {sku: stocks(order)[sku] - stock_before[sku] for sku in stock_before} == {
        ln.sku: ln.quantity for ln in lines(order).values()
    }
    assert DeliverySlot.objects.get(pk=order.slot_id).booked == booked_before - 1
    change = OrderStatusChange.objects.get(order=order, to_status=OrderStatus.REFUNDED)
    assert change.changed_by == staff_user
    assert "Shop closed early" in change.note
    assert Invoice.objects.filter(refund=result, kind="credit_note").count() == 1


def test_partial_refund_by_line_is_the_lines_price_without_the_delivery_fee(
    paid_by_stripe, fake_stripe, staff_user, refund
):
    order = paid_by_stripe
    by_sku = lines(order)
    apples = next(ln for ln in by_sku.values() if ln.unit_price == Decimal("40.00"))
    bread = next(ln for ln in by_sku.values() if ln.unit_price == Decimal("25.00"))
    stock_before = stocks(order)

    result = refund(order=order, by=staff_user, lines={apples.pk: 1, bread.pk: 2})

    order.refresh_from_db()
    assert result.amount == Decimal("90.00")
    assert result.lines == {str(apples.pk): 1, str(bread.pk): 2}
    assert order.status == OrderStatus.PAID
    assert order.refunded_amount == Decimal("90.00")
    assert fake_stripe.requests_to("POST", "/v1/refunds")[0]["params"]["amount"] == (
        "9000"
    )
    after = lines(order)
    assert (
        after[apples.sku].refunded_quantity,
        after[bread.sku].refunded_quantity,
    ) == (
        1,
        2,
    )
    assert stocks(order) == {
        apples.sku: stock_before[apples.sku] + 1,
        bread.sku: stock_before[bread.sku] + 2,
    }
    assert Invoice.objects.filter(refund=result, kind="credit_note").count() == 1
    assert not OrderStatusChange.objects.filter(
        order=order, to_status=OrderStatus.REFUNDED
    ).exists()


def test_refunding_the_rest_after_a_partial_refund_includes_the_delivery_fee(
    paid_by_stripe, staff_user, refund
):
    order = paid_by_stripe
    apples = next(ln for ln in lines(order).values() if ln.quantity == 2)
    stock_before = stocks(order)
    refund(order=order, by=staff_user, lines={apples.pk: 1})

    rest = refund(order=order, by=staff_user)

    order.refresh_from_db()
    assert rest.amount == Decimal("145.00")
    assert order.refunded_amount == order.total
    assert order.status == OrderStatus.REFUNDED
    # Every unit went back exactly once across the two refunds.
    assert {sku: stocks(order)[sku] - stock_before[sku] for sku in stock_before} == {
        ln.sku: ln.quantity for ln in lines(order).values()
    }


def test_refunding_every_line_by_quantity_is_a_full_refund(
    paid_by_stripe, staff_user, refund
):
    order = paid_by_stripe

    result = refund(
        order=order,
        by=staff_user,
        lines={ln.pk: ln.quantity for ln in lines(order).values()},
    )

    order.refresh_from_db()
    assert result.amount == Decimal("185.00")
    assert order.status == OrderStatus.REFUNDED


def test_a_packed_order_is_restocked_once(paid_by_stripe, staff_user, refund):
    from orders.services.status import order_status_change

    order = paid_by_stripe
    order_status_change(order=order, to_status=OrderStatus.PACKED, by=staff_user)
    stock_before = stocks(order)

    refund(order=order, by=staff_user)

    assert {sku: stocks(order)[sku] - stock_before[sku] for sku in stock_before} == {
        ln.sku: ln.quantity for ln in lines(order).values()
    }


def test_goods_out_for_delivery_are_not_restocked(paid_by_stripe, staff_user, refund):
    from orders.services.status import order_status_change

    order = paid_by_stripe
    for status in (OrderStatus.PACKED, OrderStatus.OUT_FOR_DELIVERY):
        order_status_change(order=order, to_status=status, by=staff_user)
    stock_before = stocks(order)
    booked_before = DeliverySlot.objects.get(pk=order.slot_id).booked

    refund(order=order, by=staff_user)

    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert stocks(order) == stock_before
    assert DeliverySlot.objects.get(pk=order.slot_id).booked == booked_before


def _nothing_refunded(order, fake_stripe, stock_before):
    order.refresh_from_db()
    assert Refund.objects.count() == 0
    assert order.refunded_amount == 0
    assert order.status == OrderStatus.PAID
    assert all(ln.refunded_quantity == 0 for ln in lines(order).values())
    assert stocks(order) == stock_before
    assert fake_stripe.requests_to("POST", "/v1/refunds") == []


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda ln: {ln.pk: ln.quantity + 1}, "can be refunded at most"),
        (lambda ln: {ln.pk: -1}, "can be refunded at most"),
        (lambda ln: {ln.pk: 0}, "Choose at least one item"),
        (lambda ln: {}, "Choose at least one item"),
        (lambda ln: {ln.pk + 999: 1}, "is not part of this order"),
        (lambda ln: {ln.pk: "two"}, "whole numbers"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_changes(
    paid_by_stripe, fake_stripe, staff_user, pick, message
):
    order = paid_by_stripe
    line = next(iter(lines(order).values()))
    stock_before = stocks(order)

    with pytest.raises(DomainError) as caught:
        payment_refund(order=order, by=staff_user, lines=pick(line))

    assert message in caught.value.message
    _nothing_refunded(order, fake_stripe, stock_before)


def test_a_refund_stripe_refuses_stores_nothing(
    paid_by_stripe, fake_stripe, staff_user
):
    order = paid_by_stripe
    stock_before = stocks(order)
    fake_stripe.fail_next = [
        (402, {"error": {"type": "invalid_request_error", "message": "No funds."}})
    ]

    with pytest.raises(PaymentProviderError):
        payment_refund(order=order, by=staff_user)

    order.refresh_from_db()
    assert Refund.objects.count() == 0
    assert order.status == OrderStatus.PAID
    assert order.refunded_amount == 0
    assert stocks(order) == stock_before


def test_an_order_awaiting_payment_cannot_be_refunded(
    fake_stripe, payable_order, staff_user
):
    with pytest.raises(Conflict) as caught:
        payment_refund(order=payable_order, by=staff_user)

    assert caught.value.code == "not_refundable"
    assert Refund.objects.count() == 0


def test_a_refunded_order_cannot_be_refunded_again(
    paid_by_stripe, fake_stripe, staff_user, refund
):
    refund(order=paid_by_stripe, by=staff_user)

    with pytest.raises(Conflict):
        payment_refund(order=paid_by_stripe, by=staff_user)

    assert Refund.objects.count() == 1
    assert len(fake_stripe.requests_to("POST", "/v1/refunds")) == 1


def test_an_offline_payment_is_refunded_without_stripe(
    offline_payments, paid_order, staff_user, refund
):
    result = refund(order=paid_order, by=staff_user)

    paid_order.refresh_from_db()
    assert result.refund_id.startswith("offline_re_")
    assert result.amount == Decimal("316.50")
    assert paid_order.status == OrderStatus.REFUNDED


def test_cancelling_a_paid_order_refunds_it_in_full(
    paid_by_stripe, fake_stripe, user, django_capture_on_commit_callbacks
):
    from orders.services.cancellation import order_cancel

    order = paid_by_stripe
    stock_before = stocks(order)

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, by=user)

    order.refresh_from_db()
    result = Refund.objects.get()
    assert order.status == OrderStatus.CANCELLED
    assert order.refunded_amount == order.total
    assert (result.amount, result.reason) == (order.total, "Order cancelled")
    [request] = fake_stripe.requests_to("POST", "/v1/refunds")
    assert request["params"]["amount"] == "18500"
    # Cancelling put the stock back; the refund did not do it a second time.
    assert {sku: stocks(order)[sku] - stock_before[sku] for sku in stock_before} == {
        ln.sku: ln.quantity for ln in lines(order).values()
    }
    assert Invoice.objects.filter(refund=result, kind="credit_note").count() == 1


def test_refund_for_a_cancelled_order_happens_once(paid_by_stripe, fake_stripe, user):
    from orders.services.cancellation import order_cancel

    order_cancel(order=paid_by_stripe, by=user)

    assert payment_refund_for_cancelled_order(order=paid_by_stripe) is None
    assert Refund.objects.count() == 1
    assert len(fake_stripe.requests_to("POST", "/v1/refunds")) == 1


def test_refund_for_a_cancelled_order_that_was_never_paid_is_none(
    fake_stripe, payable_order, user
):
    from orders.services.cancellation import order_cancel

    order_cancel(order=payable_order, by=user)

    assert payment_refund_for_cancelled_order(order=payable_order) is None
    assert Refund.objects.count() == 0


def test_the_refund_webhook_after_a_shop_refund_changes_nothing(
    paid_by_stripe, fake_stripe, staff_user, refund
):
    order = paid_by_stripe
    line = next(iter(lines(order).values()))
    refund(order=order, by=staff_user, lines={line.pk: 1})
    payment = Payment.objects.get(order=order)

    stripe_event_receive(event=fake_stripe.event("charge.refunded", payment.intent_id))

    order.refresh_from_db()
    assert Refund.objects.count() == 1
    assert order.status == OrderStatus.PAID
    assert order.refunded_amount == line.unit_price


def test_cancelling_after_a_partial_refund_restocks_each_unit_once(
    paid_by_stripe, fake_stripe, staff_user, user, refund
):
    from orders.services.cancellation import order_cancel

    order = paid_by_stripe
    apples = next(ln for ln in lines(order).values() if ln.quantity == 2)
    stock_before = stocks(order)
    refund(order=order, by=staff_user, lines={apples.pk: 1})

    order_cancel(order=order, by=user)

    order.refresh_from_db()
    assert order.refunded_amount == order.total
    assert [r.amount for r in Refund.objects.order_by("pk")] == [
        Decimal("40.00"),
        Decimal("145.00"),
    ]
    assert {sku: stocks(order)[sku] - stock_before[sku] for sku in stock_before} == {
        ln.sku: ln.quantity for ln in lines(order).values()
    }
