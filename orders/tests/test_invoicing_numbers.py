"""Invoice numbers have no gaps and no repeats, even when orders are paid at once.

The races run for real on PostgreSQL: threads with their own connections,
outside a test transaction.
"""

import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from orders.invoicing.services import invoice_issue
from orders.invoicing.tasks import invoice_generate
from orders.models import Invoice, InvoiceSequence
from shop.models import OutboundEmail


def _at_once(target, args_list):
    """Run target(*args) in one thread each, released together; return errors."""
    barrier = threading.Barrier(len(args_list))
    errors = []

    def run(*args):
        try:
            barrier.wait(timeout=30)
            target(*args)
        except Exception as exc:  # the test reports every error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_twenty_orders_paid_at_once_get_numbers_one_to_twenty(paid_order_factory):
    orders = [paid_order_factory() for _ in range(20)]
    year = timezone.localdate().year

    errors = _at_once(lambda order: invoice_issue(order=order), [(o,) for o in orders])

    assert errors == []
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(
        range(1, 21)
    )
    assert set(Invoice.objects.values_list("number", flat=True)) == {
        f"INV-{year}-{n:06d}" for n in range(1, 21)
    }
    assert set(Invoice.objects.values_list("order_id", flat=True)) == {
        o.pk for o in orders
    }
    assert InvoiceSequence.objects.get(kind="invoice", year=year).last == 20


@pytest.mark.django_db(transaction=True)
def test_one_order_invoiced_from_six_workers_at_once_gets_one_invoice_and_email(
    paid_order,
):
    errors = _at_once(lambda: invoice_generate.apply(args=[paid_order.pk]), [()] * 6)

    assert errors == []
    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.sequence == 1
    assert invoice.status == Invoice.Status.READY
    assert InvoiceSequence.objects.get(kind="invoice").last == 1
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_number_back(paid_order_factory):
    first, second = paid_order_factory(), paid_order_factory()

    def pay_then_fail(order):
        with transaction.atomic():
            invoice_issue(order=order)
            raise RuntimeError("the payment transaction failed after numbering")

    with pytest.raises(RuntimeError):
        pay_then_fail(first)

    assert not Invoice.objects.exists()
    assert invoice_issue(order=second).sequence == 1
