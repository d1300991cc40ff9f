from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.utils import timezone

from orders.invoicing.selectors import invoice_document
from orders.invoicing.services import (
    credit_note_issue,
    invoice_issue,
    invoice_pdf_bytes,
    invoice_render_pdf,
)
from orders.invoicing.tasks import credit_note_generate, invoice_generate
from orders.models import Invoice, InvoiceSequence, OrderStatus, Refund
from orders.tests.factories import OrderFactory
from shop.errors import Conflict
from shop.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _year() -> int:
    return timezone.localdate().year


def _refund(order, *, lines=None, amount, status=Refund.Status.SUCCEEDED):
    return Refund.objects.create(
        order=order,
        payment=order.payments.get(),
        amount=amount,
        reason="Damaged in transit",
        lines=lines or {},
        status=status,
    )


def test_invoice_generate_makes_one_ready_numbered_invoice(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)

    invoice = Invoice.objects.get(order=paid_order)
    assert invoice.kind == Invoice.Kind.INVOICE
    assert invoice.number == f"INV-{_year()}-000001"
    assert (invoice.year, invoice.sequence) == (_year(), 1)
    assert invoice.status == Invoice.Status.READY
    assert invoice.amount == Decimal("316.50")
    assert storages["invoices"].exists(invoice.pdf.name)


def test_invoice_pdf_holds_order_number_every_line_and_total(paid_order, pdf_text):
    invoice = invoice_render_pdf(invoice=invoice_issue(order=paid_order))

    with storages["invoices"].open(invoice.pdf.name, "rb") as fh:
        text = pdf_text(fh.read())

    assert paid_order.number in text
    assert invoice.number in text
    for line in paid_order.lines.all():
        assert line.product_name in text
        assert line.variant_label in text
        assert line.sku in text
    assert "₹54.00" in text  # 2 × ₹27.00
    assert "₹45.00" in text
    assert "₹187.50" in text  # 3 × ₹62.50
    assert "₹286.50" in text  # subtotal
    assert "₹30.00" in text  # delivery fee
    assert "₹316.50" in text  # total
    assert "INR" in text
    assert "Test card" in text
    assert "GSTIN 29ABCDE1234F1Z5" in text
    assert "12 MG Road" in text
    assert "12 Residency Road" in text


def test_invoice_pdf_path_is_not_guessable_from_the_order(paid_order):
    invoice = invoice_render_pdf(invoice=invoice_issue(order=paid_order))

    assert invoice.pdf.name.startswith(f"invoices/{invoice.issued_at:%Y}/")
    assert paid_order.number not in invoice.pdf.name
    assert invoice.number not in invoice.pdf.name
    assert len(invoice.pdf.name.rsplit("/", 1)[1]) == len("0" * 32 + ".pdf")


def test_tax_is_shown_as_included_at_the_configured_rate(paid_order, settings):
    settings.SHOP_TAX_RATE = Decimal("0.05")

    doc = invoice_document(invoice=invoice_issue(order=paid_order))

    # 316.50 × 5 / 105 = 15.0714… → 15.07
    assert doc.tax_rate_percent == "5"
    assert doc.tax_amount == Decimal("15.07")
    assert doc.taxable_amount == Decimal("301.43")
    assert doc.total == Decimal("316.50")


def test_invoice_shows_the_succeeded_payment_provider(paid_order):
    paid_order.payments.update(provider="stripe")

    doc = invoice_document(invoice=invoice_issue(order=paid_order))

    assert doc.paid_by == "Card (Stripe)"


def test_invoice_generate_twice_keeps_one_invoice_and_one_email(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invoice_generate.delay(paid_order.pk).get()
    with django_capture_on_commit_callbacks(execute=True):
        second = invoice_generate.delay(paid_order.pk).get()

    assert first == second == f"INV-{_year()}-000001"
    assert Invoice.objects.filter(order=paid_order).count() == 1
    assert InvoiceSequence.objects.get(kind="invoice", year=_year()).last == 1
    assert OutboundEmail.objects.filter(reference=paid_order.number).count() == 1
    assert len(mail.outbox) == 1


def test_confirmation_email_carries_the_invoice_pdf(
    paid_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice_generate.delay(paid_order.pk)

    invoice = Invoice.objects.get(order=paid_order)
    email = OutboundEmail.objects.get(key=f"order-confirmation:{paid_order.pk}")
    assert email.status == OutboundEmail.Status.SENT
    assert email.reference == paid_order.number
    [message] = mail.outbox
    assert message.to == [paid_order.email]
    assert paid_order.number in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"{invoice.number}.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert paid_order.number in message.body
    assert invoice.number in message.alternatives[0][0]


def test_invoice_issue_refuses_an_unpaid_order(db):
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT)

    with pytest.raises(Conflict) as refused:
        invoice_issue(order=order)

    assert refused.value.code == "order_not_paid"
    assert not Invoice.objects.exists()
    assert not InvoiceSequence.objects.filter(last__gt=0).exists()


def test_invoice_generate_skips_an_unpaid_order(db):
    order = OrderFactory(status=OrderStatus.PENDING_PAYMENT)

    assert invoice_generate.delay(order.pk).get() == "unpaid"
    assert not Invoice.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_numbers_run_per_kind(paid_order_factory):
    first, second = paid_order_factory(), paid_order_factory()

    invoices = [invoice_issue(order=first), invoice_issue(order=second)]
    note = credit_note_issue(refund=_refund(first, amount=first.total))

    assert [i.number for i in invoices] == [
        f"INV-{_year()}-000001",
        f"INV-{_year()}-000002",
    ]
    assert note.number == f"CN-{_year()}-000001"
    assert note.kind == Invoice.Kind.CREDIT_NOTE


def test_credit_note_pdf_lists_the_refunded_lines_and_amount(paid_order, pdf_text):
    bananas = paid_order.lines.get(product_name="Robusta Bananas")
    refund = _refund(paid_order, lines={str(bananas.pk): 2}, amount=Decimal("125.00"))

    note = invoice_render_pdf(invoice=credit_note_issue(refund=refund))
    text = pdf_text(invoice_pdf_bytes(invoice=note))

    assert note.amount == Decimal("125.00")
    assert "CREDIT NOTE" in text
    assert note.number in text
    assert paid_order.number in text
    assert "Robusta Bananas" in text
    assert bananas.sku in text
    assert "Amul Taaza Toned Milk" not in text
    assert "₹125.00" in text
    assert "Damaged in transit" in text


def test_full_refund_credit_note_covers_every_line_and_delivery(paid_order):
    refund = _refund(paid_order, amount=paid_order.total)

    doc = invoice_document(invoice=credit_note_issue(refund=refund))

    assert [(line.name, line.quantity) for line in doc.lines] == [
        ("Amul Taaza Toned Milk", 2),
        ("Harvest Gold White Bread", 1),
        ("Robusta Bananas", 3),
    ]
    assert [(a.label, a.amount) for a in doc.adjustments] == [
        ("Delivery fee", Decimal("30.00"))
    ]
    assert doc.total == Decimal("316.50")


def test_credit_note_generate_twice_keeps_one_note_and_one_email(
    paid_order, django_capture_on_commit_callbacks
):
    refund = _refund(paid_order, amount=Decimal("50.00"))

    with django_capture_on_commit_callbacks(execute=True):
        credit_note_generate.delay(refund.pk)
    with django_capture_on_commit_callbacks(execute=True):
        credit_note_generate.delay(refund.pk)

    note = Invoice.objects.get(refund=refund)
    assert note.status == Invoice.Status.READY
    [message] = mail.outbox
    assert note.number in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"{note.number}.pdf"
    assert content.startswith(b"%PDF-")


def test_credit_note_issue_refuses_a_refund_that_did_not_succeed(paid_order):
    refund = _refund(paid_order, amount=Decimal("10.00"), status="pending")

    with pytest.raises(Conflict) as refused:
        credit_note_issue(refund=refund)

    assert refused.value.code == "refund_not_succeeded"
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
