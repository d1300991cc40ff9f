"""The beat sweep queues again what lost its task, and nothing else."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from orders.emails import order_status_email_queue
from orders.invoicing.services import invoice_issue, invoicing_stale_requeue
from orders.invoicing.tasks import invoice_generate
from orders.models import Invoice, Refund
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db

NOTHING = {"invoices": 0, "credit_notes": 0, "emails": 0}


def _later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def test_the_sweep_runs_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["invoicing-sweep"]

    assert entry["task"] == "orders.invoicing.tasks.invoicing_sweep"


def test_a_paid_order_whose_task_was_lost_gets_its_invoice_and_email(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        counts = invoicing_stale_requeue(now=_later(20))

    assert counts == {**NOTHING, "invoices": 1}
    assert Invoice.objects.get(order=paid_order).status == Invoice.Status.READY
    assert len(mail.outbox) == 1


def test_a_recently_paid_order_is_left_to_its_own_task(paid_order):
    assert invoicing_stale_requeue(now=_later(2)) == NOTHING
    assert not Invoice.objects.exists()


def test_a_failed_invoice_waits_for_a_person(paid_order):
    invoice = invoice_issue(order=paid_order)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.FAILED)

    assert invoicing_stale_requeue(now=_later(20)) == NOTHING
    assert Invoice.objects.get().status == Invoice.Status.FAILED


def test_a_stuck_pending_invoice_is_rendered(
    paid_order, django_capture_on_commit_callbacks
):
    invoice = invoice_issue(order=paid_order)

    with django_capture_on_commit_callbacks(execute=True):
        counts = invoicing_stale_requeue(now=_later(20))

    assert counts == {**NOTHING, "invoices": 1}
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.READY


def test_an_order_with_its_invoice_and_confirmation_is_left_alone(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)

    assert invoicing_stale_requeue(now=_later(20)) == NOTHING
    assert len(mail.outbox) == 1


def test_a_refund_without_its_credit_note_gets_one(
    paid_order, django_capture_on_commit_callbacks
):
    refund = Refund.objects.create(
        order=paid_order,
        payment=paid_order.payments.get(),
        amount=Decimal("45.00"),
        status=Refund.Status.SUCCEEDED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)

    with django_capture_on_commit_callbacks(execute=True):
        counts = invoicing_stale_requeue(now=_later(20))

    assert counts == {**NOTHING, "credit_notes": 1}
    assert Invoice.objects.get(refund=refund).status == Invoice.Status.READY


def test_an_email_queued_for_an_hour_is_sent_and_a_new_one_is_not(paid_order):
    old = order_status_email_queue(order=paid_order, status="packed")
    OutboundEmail.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    order_status_email_queue(order=paid_order, status="out_for_delivery")

    counts = invoicing_stale_requeue()

    assert counts == {**NOTHING, "emails": 1}
    assert [m.subject for m in mail.outbox] == [
        f"Your order {paid_order.number} is packed"
    ]


def test_money_refunded_after_a_cancellation_gets_no_credit_note(
    client, fake_stripe, payable_order, user, django_capture_on_commit_callbacks
):
    from orders.payments.services import payment_start
    from orders.services.cancellation import order_cancel
    from orders.tests.fake_stripe import webhook_deliver

    payment = payment_start(order=payable_order, user=user)
    fake_stripe.intent_succeed(payment.intent_id)
    event = fake_stripe.event("payment_intent.succeeded", payment.intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=payable_order, by=user)
        webhook_deliver(client, event, secret="whsec_test_secret")
    mail.outbox.clear()
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED

    with django_capture_on_commit_callbacks(execute=True):
        counts = invoicing_stale_requeue(now=_later(30))

    assert counts == NOTHING
    assert not Invoice.objects.exists()
    assert mail.outbox == []


def test_an_invoice_waiting_for_its_retry_is_left_until_it_is_stale(paid_order):
    invoice = invoice_issue(order=paid_order)
    Invoice.objects.filter(pk=invoice.pk).update(last_error="ConnectTimeoutError()")

    assert invoicing_stale_requeue(now=_later(5)) == NOTHING
    assert invoicing_stale_requeue(now=_later(16)) == {**NOTHING, "invoices": 1}


def test_paperwork_of_a_killed_worker_is_queued_again_within_minutes(
    paid_order, django_capture_on_commit_callbacks
):
    # A worker killed mid-render leaves the invoice pending with no error.
    invoice_issue(order=paid_order)
    stuck_after = settings.SHOP_INVOICING_STUCK_AFTER_SECONDS

    assert stuck_after == settings.CELERY_TASK_TIME_LIMIT + 60
    assert invoicing_stale_requeue(now=_later(1)) == NOTHING
    with django_capture_on_commit_callbacks(execute=True):
        counts = invoicing_stale_requeue(
            now=paid_order.paid_at + timedelta(seconds=stuck_after + 1)
        )

    assert counts == {**NOTHING, "invoices": 1}
    assert Invoice.objects.get().status == Invoice.Status.READY


def test_an_email_never_tried_is_queued_again_one_tried_waits_for_its_retry(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)
    mail.outbox.clear()
    killed = order_status_email_queue(order=paid_order, status="packed")
    retrying = order_status_email_queue(order=paid_order, status="out_for_delivery")
    OutboundEmail.objects.filter(pk=retrying.pk).update(
        attempts=1, last_error="SMTPServerDisconnected()"
    )

    counts = invoicing_stale_requeue(now=_later(4))

    assert counts == {**NOTHING, "emails": 1}
    assert [m.subject for m in mail.outbox] == [
        f"Your order {paid_order.number} is packed"
    ]
    killed.refresh_from_db()
    assert killed.status == OutboundEmail.Status.SENT
