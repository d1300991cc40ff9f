"""Stripe's webhook: signatures, each event once, and what each event does."""

import json
import time

import pytest

from orders.models import (
    Invoice,
    Order,
    OrderStatus,
    OrderStatusChange,
    Payment,
    Refund,
    StripeEvent,
)
from orders.payments.services import payment_start
from orders.services.status import order_status_change
from orders.tests.fake_stripe import WEBHOOK_URL, signature_header, webhook_deliver
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_secret"


def deliver(client, event, **kwargs):
    return webhook_deliver(client, event, secret=SECRET, **kwargs)


@pytest.fixture
def post_event(client, django_capture_on_commit_callbacks):
    """Deliver a signed event and run what its commit queued (the invoice task)."""

    def post(event):
        with django_capture_on_commit_callbacks(execute=True):
            return deliver(client, event)

    return post


def paid_history(order):
    return OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.PAID)


def test_succeeded_event_pays_the_order_and_requests_one_invoice(
    client, fake_stripe, payable_order, user, django_capture_on_commit_callbacks
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = deliver(client, event)

    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    payable_order.refresh_from_db()
    payment.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert payable_order.paid_at is not None
    assert payment.status == Payment.Status.SUCCEEDED
    assert paid_history(payable_order).count() == 1
    stored = StripeEvent.objects.get()
    assert (stored.event_id, stored.type) == (event["id"], "payment_intent.succeeded")
    assert stored.processed_at is not None
    # The invoice task ran after the commit: one invoice, one confirmation.
    assert len(callbacks) >= 1
    assert Invoice.objects.filter(order=payable_order, kind="invoice").count() == 1
    assert (
        OutboundEmail.objects.filter(
            key=f"order-confirmation:{payable_order.pk}"
        ).count()
        == 1
    )


def test_the_invoice_is_requested_only_after_the_commit(
    client, fake_stripe, payable_order, user, django_capture_on_commit_callbacks
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deliver(client, event)

    invoice_callbacks = [
        c for c in callbacks if "_invoice_request" in c.__code__.co_names
    ]
    assert len(invoice_callbacks) == 1
    assert Invoice.objects.count() == 0


def test_the_same_event_twice_changes_nothing_the_second_time(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    post_event(event)

    response = post_event(event)

    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": True}
    assert StripeEvent.objects.count() == 1
    assert paid_history(payable_order).count() == 1
    assert Invoice.objects.count() == 1


def test_a_second_succeeded_event_for_the_same_intent_changes_nothing(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    post_event(fake_stripe.event("payment_intent.succeeded", payment.intent_id))

    response = post_event(
        fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    )

    assert response.json() == {"received": True, "duplicate": False}
    assert StripeEvent.objects.count() == 2
    assert paid_history(payable_order).count() == 1
    assert Invoice.objects.count() == 1
    assert Refund.objects.count() == 0


def test_a_failure_arriving_after_success_is_ignored(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    failed = fake_stripe.event("payment_intent.payment_failed", payment.intent_id) | {
        "data": {"object": fake_stripe.intent_fail(payment.intent_id)}
    }
    fake_stripe.intent_succeed(payment.intent_id)
    post_event(fake_stripe.event("payment_intent.succeeded", payment.intent_id))

    response = post_event(failed)

    assert response.status_code == 200
    payment.refresh_from_db()
    payable_order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.failure_message == ""
    assert payable_order.status == OrderStatus.PAID


def test_failed_event_records_stripes_message_and_the_shopper_can_retry(
    post_event, fake_stripe, payable_order, user
):
    first = payment_start(order=payable_order, user=user)
    fake_stripe.intent_fail(first.intent_id, message="Your card has expired.")

    post_event(fake_stripe.event("payment_intent.payment_failed", first.intent_id))

    first.refresh_from_db()
    payable_order.refresh_from_db()
    assert first.status == Payment.Status.FAILED
    assert first.failure_message == "Your card has expired."
    assert payable_order.status == OrderStatus.PENDING_PAYMENT
    # The retry is a new attempt with its own PaymentIntent, and it pays.
    second = payment_start(order=payable_order, user=user)
    assert second.attempt == 2
    fake_stripe.intent_succeed(second.intent_id)
    post_event(fake_stripe.event("payment_intent.succeeded", second.intent_id))
    payable_order.refresh_from_db()
    second.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert second.status == Payment.Status.SUCCEEDED
    assert paid_history(payable_order).count() == 1


def test_the_same_intent_succeeding_after_a_decline_pays_the_order(
    post_event, fake_stripe, payable_order, user
):
    # The Payment Element lets the shopper try another card on the same intent.
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_fail(payment.intent_id)
    post_event(fake_stripe.event("payment_intent.payment_failed", payment.intent_id))
    fake_stripe.intent_succeed(payment.intent_id)

    post_event(fake_stripe.event("payment_intent.succeeded", payment.intent_id))

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID


def test_an_amount_that_does_not_match_does_not_pay(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id, amount=100)

    response = post_event(
        fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    )

    assert response.status_code == 200
    payment.refresh_from_db()
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_message == (
        "Amount mismatch: Stripe reported 100 inr, the order is 18500 inr "
        "(minor units)."
    )
    assert paid_history(payable_order).count() == 0
    assert Invoice.objects.count() == 0


def test_a_currency_that_does_not_match_does_not_pay(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    event["data"]["object"].update(status="succeeded", currency="usd")

    post_event(event)

    payment.refresh_from_db()
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == Payment.Status.FAILED


def test_an_event_for_an_unknown_intent_is_acknowledged_and_changes_nothing(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    event["data"]["object"]["id"] = "pi_somebody_else"

    response = post_event(event)

    assert response.status_code == 200
    payment.refresh_from_db()
    payable_order.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert payable_order.status == OrderStatus.PENDING_PAYMENT


def test_an_unknown_event_type_is_acknowledged_and_ignored(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    event = fake_stripe.event("customer.created", payment.intent_id)

    response = post_event(event)

    assert response.status_code == 200
    assert response.json()["duplicate"] is False
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT


def _refused(response, order, payment):
    assert response.status_code == 403
    assert response.json()["code"] == "invalid_signature"
    assert StripeEvent.objects.count() == 0
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == Payment.Status.CREATED


def test_a_forged_signature_is_refused_and_nothing_is_stored(
    client, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    response = webhook_deliver(client, event, secret="whsec_not_the_shops")

    _refused(response, payable_order, payment)


def test_a_stale_signature_is_refused(client, fake_stripe, payable_order, user):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    # stripe-python accepts five minutes of clock difference, no more.
    response = deliver(client, event, timestamp=int(time.time()) - 600)

    _refused(response, payable_order, payment)


@pytest.mark.parametrize("ahead", [600, 365 * 24 * 3600])
def test_a_signature_dated_in_the_future_is_refused(
    client, fake_stripe, payable_order, user, ahead
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    response = deliver(client, event, timestamp=int(time.time()) + ahead)

    _refused(response, payable_order, payment)


def test_a_signature_within_the_tolerance_either_way_is_accepted(
    client, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    response = deliver(client, event, timestamp=int(time.time()) + 240)

    assert response.status_code == 200
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID


def test_a_body_changed_after_signing_is_refused(
    client, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    header = signature_header(json.dumps(event).encode(), SECRET)
    event["data"]["object"]["amount"] = 1

    response = deliver(client, event, header=header)

    _refused(response, payable_order, payment)


@pytest.mark.parametrize("header", ["", "t=abc", "v1=deadbeef", "garbage"])
def test_a_missing_or_malformed_signature_is_refused(
    client, fake_stripe, payable_order, user, header
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    response = deliver(client, event, header=header)

    _refused(response, payable_order, payment)


def test_a_signed_body_that_is_not_json_is_refused(client, fake_stripe):
    payload = b"not json"

    response = client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload, SECRET),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_event"
    assert StripeEvent.objects.count() == 0


def test_a_signed_event_without_an_id_is_refused(client, fake_stripe):
    response = deliver(client, {"object": "event", "type": "customer.created"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_event"
    assert StripeEvent.objects.count() == 0


def test_without_a_webhook_secret_every_delivery_is_refused(
    client, fake_stripe, settings, payable_order, user
):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)

    response = webhook_deliver(client, event, secret="")

    assert response.status_code == 503
    assert response.json()["code"] == "webhook_not_configured"
    assert StripeEvent.objects.count() == 0
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT


def test_the_webhook_answers_only_post(client, fake_stripe):
    response = client.get(WEBHOOK_URL)

    assert response.status_code == 405


def test_a_payment_for_a_cancelled_order_is_refunded_automatically(
    post_event, fake_stripe, payable_order, user
):
    from orders.services.cancellation import order_cancel

    payment = payment_start(order=payable_order, user=user)
    order_cancel(order=payable_order, by=user)
    fake_stripe.intent_succeed(payment.intent_id)

    response = post_event(
        fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    )

    assert response.status_code == 200
    payable_order.refresh_from_db()
    payment.refresh_from_db()
    assert payable_order.status == OrderStatus.CANCELLED
    assert payable_order.refunded_amount == 0
    assert payment.status == Payment.Status.CANCELED
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.amount, refund.status) == (
        payment.pk,
        payable_order.total,
        Refund.Status.SUCCEEDED,
    )
    [request] = fake_stripe.requests_to("POST", "/v1/refunds")
    assert request["params"]["payment_intent"] == payment.intent_id
    assert request["params"]["amount"] == "18500"
    assert request["idempotency_key"] == f"refund-{refund.pk}"
    assert refund.refund_id in fake_stripe.refunds
    assert paid_history(payable_order).count() == 0
    assert Invoice.objects.count() == 0


def test_a_second_payment_for_a_paid_order_is_refunded_and_the_first_kept(
    post_event, fake_stripe, payable_order, user
):
    first = payment_start(order=payable_order, user=user)
    fake_stripe.intent_fail(first.intent_id)
    post_event(fake_stripe.event("payment_intent.payment_failed", first.intent_id))
    second = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(second.intent_id)
    post_event(fake_stripe.event("payment_intent.succeeded", second.intent_id))
    # The first intent is paid late, from a tab left open.
    fake_stripe.intent_succeed(first.intent_id)

    post_event(fake_stripe.event("payment_intent.succeeded", first.intent_id))
    # Stripe then reports the refund of that charge; the order stays paid.
    post_event(fake_stripe.event("charge.refunded", first.intent_id))

    payable_order.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert payable_order.refunded_amount == 0
    assert (first.status, second.status) == (
        Payment.Status.CANCELED,
        Payment.Status.SUCCEEDED,
    )
    assert list(Refund.objects.values_list("payment_id", flat=True)) == [first.pk]
    assert paid_history(payable_order).count() == 1


def test_charge_refunded_in_the_dashboard_refunds_the_order(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    post_event(fake_stripe.event("payment_intent.succeeded", payment.intent_id))
    # Someone refunds the whole charge in Stripe's dashboard.
    charge = fake_stripe.charges[
        fake_stripe.intents[payment.intent_id]["latest_charge"]
    ]
    charge.update(amount_refunded=charge["amount"], refunded=True)
    event = fake_stripe.event("charge.refunded", payment.intent_id)

    post_event(event)
    post_event(event)

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.REFUNDED
    assert payable_order.refunded_amount == payable_order.total
    refund = Refund.objects.get()
    assert (refund.amount, refund.refund_id, refund.status) == (
        payable_order.total,
        None,
        Refund.Status.SUCCEEDED,
    )
    assert (
        OrderStatusChange.objects.filter(
            order=payable_order, to_status=OrderStatus.REFUNDED
        ).count()
        == 1
    )
    assert fake_stripe.requests_to("POST", "/v1/refunds") == []
    # The goods never left the shop: back to stock, the slot freed, once.
    stock = {
        line.variant_id: line.variant.stock
        for line in payable_order.lines.select_related("variant")
    }
    assert sorted(stock.values()) == [100, 100]
    payable_order.slot.refresh_from_db()
    assert payable_order.slot.booked == 0
    assert payable_order.stock_released_at is not None


def _paid_then_moved(post_event, fake_stripe, order, user, statuses):
    """Pay the order through the webhook, then move it through `statuses`."""
    payment = payment_start(order=order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    post_event(fake_stripe.event("payment_intent.succeeded", payment.intent_id))
    for status in statuses:
        order_status_change(order=order, to_status=status)
    return payment


def _refunded_in_the_dashboard(fake_stripe, payment) -> dict:
    """Refund the whole charge in Stripe's dashboard; return Stripe's event."""
    charge = fake_stripe.charges[
        fake_stripe.intents[payment.intent_id]["latest_charge"]
    ]
    charge.update(amount_refunded=charge["amount"], refunded=True)
    return fake_stripe.event("charge.refunded", payment.intent_id)


def test_packed_order_refunded_in_the_dashboard_goes_back_to_stock_once(
    post_event, fake_stripe, payable_order, user
):
    payment = _paid_then_moved(
        post_event, fake_stripe, payable_order, user, [OrderStatus.PACKED]
    )
    event = _refunded_in_the_dashboard(fake_stripe, payment)

    post_event(event)
    post_event(event)

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.REFUNDED
    assert payable_order.stock_released_at is not None
    stock = sorted(line.variant.stock for line in payable_order.lines.all())
    assert stock == [100, 100]
    payable_order.slot.refresh_from_db()
    assert payable_order.slot.booked == 0


def test_delivered_order_refunded_in_the_dashboard_is_not_restocked(
    post_event, fake_stripe, payable_order, user
):
    delivered = [
        OrderStatus.PACKED,
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
    ]
    payment = _paid_then_moved(post_event, fake_stripe, payable_order, user, delivered)

    post_event(_refunded_in_the_dashboard(fake_stripe, payment))

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.REFUNDED
    assert payable_order.stock_released_at is None
    stock = sorted(line.variant.stock for line in payable_order.lines.all())
    assert stock == [97, 98]
    payable_order.slot.refresh_from_db()
    assert payable_order.slot.booked == 1


def test_charge_refunded_for_a_payment_that_never_paid_changes_nothing(
    post_event, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("charge.refunded", payment.intent_id)

    response = post_event(event)

    assert response.status_code == 200
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT
    assert Refund.objects.count() == 0
