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
    assert invoicing_stale_requeue(now=_later(5)) == NOTHING
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
