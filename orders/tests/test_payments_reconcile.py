"""When the webhook is late or lost: the order page's refresh and the beat task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Invoice, OrderStatus, Payment, Refund, StripeEvent
from orders.payments.services import (
    payment_intent_sync,
    payment_start,
    payment_status_refresh,
)
from orders.payments.tasks import payments_reconcile

pytestmark = pytest.mark.django_db


def age(payment, minutes):
    Payment.objects.filter(pk=payment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a function and run what its commits queued (the invoice task)."""

    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call


# The order page


def test_refresh_pays_an_order_whose_intent_succeeded_before_the_webhook(
    fake_stripe, payable_order, user, run
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)

    order = run(payment_status_refresh, order=payable_order)

    payment.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    assert Invoice.objects.filter(order=order).count() == 1
    # The synthesised event is applied, not stored as if Stripe had sent it.
    assert StripeEvent.objects.count() == 0


def test_refresh_records_a_decline(fake_stripe, payable_order, user):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_fail(payment.intent_id, message="Your card was declined.")

    order = payment_status_refresh(order=payable_order)

    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (payment.status, payment.failure_message) == (
        Payment.Status.FAILED,
        "Your card was declined.",
    )


def test_refresh_leaves_an_unconfirmed_intent_alone(fake_stripe, payable_order, user):
    payment = payment_start(order=payable_order, user=user)

    order = payment_status_refresh(order=payable_order)

    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == Payment.Status.CREATED
    assert (
        len(fake_stripe.requests_to("GET", f"/v1/payment_intents/{payment.intent_id}"))
        == 1
    )


def test_refresh_of_an_order_not_awaiting_payment_asks_nobody(
    fake_stripe, paid_order, django_assert_num_queries
):
    with django_assert_num_queries(0):
        payment_status_refresh(order=paid_order)

    assert fake_stripe.requests == []


def test_refresh_when_stripe_is_down_shows_what_is_known(
    fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.fail_next = [(500, {"error": {"type": "api_error"}})] * 3

    order = payment_status_refresh(order=payable_order)

    payment.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert payment.status == Payment.Status.CREATED


def test_the_order_page_shows_paid_when_the_shopper_returns_from_stripe(
    fake_stripe, payable_order, user, user_client, django_capture_on_commit_callbacks
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.get(
            f"/orders/{payable_order.number}/?payment_intent={payment.intent_id}"
            "&redirect_status=succeeded"
        )

    assert response.status_code == 200
    assert 'class="badge badge-paid"' in response.content.decode()
    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID


# The beat task


def test_reconcile_pays_an_order_whose_webhook_was_lost(
    fake_stripe, payable_order, user, run
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    age(payment, 10)

    changed = run(payments_reconcile.delay).get()

    payable_order.refresh_from_db()
    assert changed == 1
    assert payable_order.status == OrderStatus.PAID
    assert Invoice.objects.filter(order=payable_order).count() == 1


def test_reconcile_leaves_young_payments_to_the_webhook(
    fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    age(payment, 2)

    assert payments_reconcile() == 0

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PENDING_PAYMENT
    assert (
        fake_stripe.requests_to("GET", f"/v1/payment_intents/{payment.intent_id}") == []
    )


def test_reconcile_honours_the_setting(fake_stripe, settings, payable_order, user):
    settings.SHOP_PAYMENT_RECONCILE_AFTER_MINUTES = 1
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    age(payment, 2)

    assert payments_reconcile() == 1


def test_reconcile_twice_changes_nothing_the_second_time(
    fake_stripe, payable_order, user, run
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    age(payment, 10)
    run(payments_reconcile)
    requests_before = len(fake_stripe.requests)

    assert payments_reconcile() == 0

    # A settled payment is not asked about again.
    assert len(fake_stripe.requests) == requests_before
    assert Invoice.objects.filter(order=payable_order).count() == 1


def test_reconcile_refunds_a_payment_that_arrived_after_the_order_expired(
    fake_stripe, payable_order, user
):
    from orders.services.cancellation import order_expire_unpaid

    payment = payment_start(order=payable_order, user=user)
    age(payment, 40)
    order_expire_unpaid(
        order_id=payable_order.pk,
        now=payable_order.payment_due_at + timedelta(seconds=1),
    )
    fake_stripe.intent_succeed(payment.intent_id)

    assert payments_reconcile() == 1

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.CANCELLED
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.amount) == (payment.pk, payable_order.total)
    assert len(fake_stripe.requests_to("POST", "/v1/refunds")) == 1


def test_reconcile_carries_on_past_a_payment_stripe_cannot_answer(
    fake_stripe, payable_order, user
):
    first = payment_start(order=payable_order, user=user)
    Payment.objects.filter(pk=first.pk).update(status=Payment.Status.FAILED)
    second = payment_start(order=payable_order, user=user)
    fake_stripe.intents.pop(first.intent_id)
    fake_stripe.intent_succeed(second.intent_id)
    age(first, 10)
    age(second, 10)

    assert payments_reconcile() == 1

    payable_order.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID


def test_the_order_page_records_a_payment_but_never_refunds(
    user_client, fake_stripe, payable_order, user, django_capture_on_commit_callbacks
):
    # Two tabs: the first attempt was declined, the second is open; then
    # Stripe took both cards.
    first = payment_start(order=payable_order, user=user)
    fake_stripe.intent_fail(first.intent_id)
    payment_intent_sync(payment=first)
    second = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(first.intent_id)
    fake_stripe.intent_succeed(second.intent_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.get(f"/orders/{payable_order.number}/")

    assert response.status_code == 200
    payable_order.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert payable_order.status == OrderStatus.PAID
    assert (first.status, second.status) == (
        Payment.Status.SUCCEEDED,
        Payment.Status.CREATED,
    )
    # The second charge goes back from the webhook or the reconcile task.
    assert Refund.objects.count() == 0
    assert fake_stripe.requests_to("POST", "/v1/refunds") == []


def test_the_order_page_asks_stripe_once_when_stripe_fails(
    user_client, fake_stripe, payable_order, user
):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.fail_next = [(500, {"error": {"type": "api_error"}})] * 3

    response = user_client.get(f"/orders/{payable_order.number}/")

    assert response.status_code == 200
    path = f"/v1/payment_intents/{payment.intent_id}"
    assert len(fake_stripe.requests_to("GET", path)) == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CREATED


def test_the_reconcile_task_still_retries_stripe(fake_stripe, payable_order, user):
    payment = payment_start(order=payable_order, user=user)
    fake_stripe.fail_next = [(500, {"error": {"type": "api_error"}})] * 2
    fake_stripe.intent_succeed(payment.intent_id)

    payment_intent_sync(payment=payment)

    path = f"/v1/payment_intents/{payment.intent_id}"
    assert len(fake_stripe.requests_to("GET", path)) == 3
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
