"""Reads of invoicing that matter: what a document shows, who may download it,
and the row locks that keep invoice numbers gap-free."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from orders.emails import ORDER_CONFIRMATION_KEY
from orders.invoicing.models import Invoice, InvoiceSequence
from orders.models import Order, OrderLine
from orders.payments.models import Payment, Refund
from shop.access import user_is_shop_staff
from shop.models import OutboundEmail
from shop.money import quantize

PAYMENT_LABELS = {
    Payment.Provider.STRIPE: "Card (Stripe)",
    Payment.Provider.OFFLINE: "Test card",
}


# LOCKS


def invoice_sequence_lock(*, kind: str, year: int) -> InvoiceSequence:
    """Return the number sequence of a kind and year, locked for the transaction."""
    return InvoiceSequence.objects.select_for_update().get(kind=kind, year=year)


def invoice_lock(*, invoice_id: int) -> Invoice:
    """Return the invoice row locked for the transaction."""
    return Invoice.objects.select_for_update().get(pk=invoice_id)


def refund_lock(*, refund_id: int) -> Refund:
    """Return the refund row locked for the transaction."""
    return Refund.objects.select_for_update().get(pk=refund_id)


# WHAT A DOCUMENT SHOWS


@dataclass
class DocumentLine:
    name: str
    variant_label: str
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


@dataclass
class DocumentAdjustment:
    label: str
    amount: Decimal


@dataclass
class InvoiceDocument:
    """Everything an invoice or credit note prints, computed in Decimal."""

    invoice: Invoice
    order: Order
    title: str
    issued_at: datetime
    lines: list[DocumentLine]
    subtotal: Decimal
    adjustments: list[DocumentAdjustment]
    total: Decimal
    currency: str
    tax_rate_percent: str
    tax_amount: Decimal
    taxable_amount: Decimal
    paid_by: str
    payment_reference: str
    original_invoice_number: str = ""
    refund_reason: str = ""
    shop: dict = field(default_factory=dict)


def _order_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.all())


def _document_line(line: OrderLine, quantity: int) -> DocumentLine:
    return DocumentLine(
        name=line.product_name,
        variant_label=line.variant_label,
        sku=line.sku,
        quantity=quantity,
        unit_price=line.unit_price,
        line_total=quantize(line.unit_price * quantity),
    )


def _credit_note_lines(
    refund: Refund, order: Order
) -> tuple[list[DocumentLine], list[DocumentAdjustment]]:
    """Return the refunded lines and what else the refund amount covers."""
    order_lines = _order_lines(order)
    if refund.lines:
        by_id = {str(line.pk): line for line in order_lines}
        lines = [
            _document_line(by_id[line_id], int(quantity))
            for line_id, quantity in sorted(
                refund.lines.items(), key=lambda item: int(item[0])
            )
            if line_id in by_id and int(quantity) > 0
        ]
    elif refund.amount >= order.total:
        lines = [_document_line(line, line.quantity) for line in order_lines]
    else:
        lines = []
    lines_total = sum((line.line_total for line in lines), Decimal("0.00"))
    rest = quantize(refund.amount - lines_total)
    adjustments = []
    if not lines:
        label = refund.reason or "Partial refund"
        adjustments.append(DocumentAdjustment(label=label, amount=rest))
    elif rest == order.delivery_fee and rest > 0:
        adjustments.append(DocumentAdjustment(label="Delivery fee", amount=rest))
    elif rest != 0:
        adjustments.append(DocumentAdjustment(label="Adjustment", amount=rest))
    return lines, adjustments


def _tax(total: Decimal) -> tuple[str, Decimal, Decimal]:
    """Return the rate as a percentage, the tax included in `total`, and the rest."""
    rate = settings.SHOP_TAX_RATE
    tax = quantize(total * rate / (1 + rate))
    return f"{(rate * 100).normalize():f}", tax, quantize(total - tax)


def invoice_document(*, invoice: Invoice) -> InvoiceDocument:
    """Return what the invoice or credit note shows, from the order's snapshots."""
    order = invoice.order
    payment = (
        Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED)
        .order_by("-created_at")
        .first()
    )
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        refund = invoice.refund
        lines, adjustments = _credit_note_lines(refund, order)
        subtotal = sum((line.line_total for line in lines), Decimal("0.00"))
        total = quantize(refund.amount)
        title = "Credit note"
        original = (
            Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE)
            .values_list("number", flat=True)
            .first()
        )
        if refund.payment_id:
            payment = refund.payment
        refund_reason = refund.reason
    else:
        lines = [_document_line(line, line.quantity) for line in _order_lines(order)]
        subtotal = order.subtotal
        adjustments = [
            DocumentAdjustment(label="Delivery fee", amount=order.delivery_fee)
        ]
        total = order.total
        title = "Tax invoice"
        original = ""
        refund_reason = ""
    rate_percent, tax, taxable = _tax(total)
    return InvoiceDocument(
        invoice=invoice,
        order=order,
        title=title,
        issued_at=timezone.localtime(invoice.issued_at),
        lines=lines,
        subtotal=quantize(subtotal),
        adjustments=adjustments,
        total=total,
        currency=invoice.currency,
        tax_rate_percent=rate_percent,
        tax_amount=tax,
        taxable_amount=taxable,
        paid_by=PAYMENT_LABELS.get(payment.provider, payment.provider)
        if payment
        else "",
        payment_reference=payment.intent_id if payment else "",
        original_invoice_number=original or "",
        refund_reason=refund_reason,
        shop={
            "name": settings.SHOP_NAME,
            "address": settings.SHOP_ADDRESS,
            "tax_id": settings.SHOP_TAX_ID,
            "site_url": settings.SITE_URL,
        },
    )


# WHO MAY SEE WHAT


def user_sees_all_invoices(user) -> bool:
    """Return whether the user is shop staff (not a seller) and sees any invoice."""
    return user_is_shop_staff(user)


def invoice_for_download(
    *,
    user,
    order_number: str,
    kind: str = Invoice.Kind.INVOICE,
    invoice_number: str | None = None,
) -> Invoice | None:
    """Return the order's invoice (or the credit note numbered so) if the user
    owns the order or is staff; None otherwise. It may not be ready yet."""
    if user is None or not user.is_authenticated:
        return None
    invoices = Invoice.objects.select_related("order").filter(
        order__number=order_number, kind=kind
    )
    if invoice_number is not None:
        invoices = invoices.filter(number=invoice_number)
    if not user_sees_all_invoices(user):
        invoices = invoices.filter(order__user=user)
    return invoices.order_by("-issued_at").first()


def order_for_invoice(*, user, order_number: str) -> Order | None:
    """Return the order if the user may see its invoices, else None."""
    if user is None or not user.is_authenticated:
        return None
    orders = Order.objects.filter(number=order_number)
    if not user_sees_all_invoices(user):
        orders = orders.filter(user=user)
    return orders.first()


def order_credit_notes(*, order: Order) -> QuerySet[Invoice]:
    """Return the order's credit notes, newest first."""
    return Invoice.objects.filter(order=order, kind=Invoice.Kind.CREDIT_NOTE).order_by(
        "-issued_at", "-pk"
    )


# OPERATIONS


def order_unsent_emails(*, order: Order) -> QuerySet[OutboundEmail]:
    """Return the order's emails that were not sent (queued or failed)."""
    return OutboundEmail.objects.filter(reference=order.number).exclude(
        status=OutboundEmail.Status.SENT
    )


def order_refunds_without_ready_credit_note(*, order: Order) -> QuerySet[Refund]:
    """Return the order's succeeded refunds whose credit note is missing or not
    ready; a payment the order never kept goes back without one."""
    return (
        Refund.objects.filter(order=order, status=Refund.Status.SUCCEEDED)
        .exclude(payment__status=Payment.Status.CANCELED)
        .filter(
            Q(credit_note__isnull=True) | ~Q(credit_note__status=Invoice.Status.READY)
        )
        .order_by("pk")
    )


# WHAT A SWEEP PICKS UP AGAIN


def order_ids_without_invoice_or_confirmation(
    *, paid_after: datetime, paid_before: datetime, retrying_paid_before: datetime
) -> list[int]:
    """Return paid orders whose invoice is missing or still pending, or whose
    confirmation was never recorded.

    A pending invoice whose last attempt failed has a retry coming, so it
    counts only when paid before `retrying_paid_before`; failed invoices wait
    for a person.
    """
    invoices = Invoice.objects.filter(order=OuterRef("pk"), kind=Invoice.Kind.INVOICE)
    confirmation = OutboundEmail.objects.filter(
        key=Concat(
            Value(ORDER_CONFIRMATION_KEY.format(order_id="")),
            Cast(OuterRef("pk"), CharField()),
        )
    )
    lost = Q(paid_at__lte=paid_before) & (
        Q(invoice_status__isnull=True)
        | Q(invoice_status=Invoice.Status.PENDING, invoice_error="")
        | Q(invoice_status=Invoice.Status.READY, confirmed=False)
    )
    retrying = Q(
        paid_at__lte=retrying_paid_before, invoice_status=Invoice.Status.PENDING
    )
    return list(
        Order.objects.filter(paid_at__gt=paid_after)
        .annotate(
            invoice_status=Subquery(invoices.values("status")[:1]),
            invoice_error=Subquery(invoices.values("last_error")[:1]),
            confirmed=Exists(confirmation),
        )
        .filter(lost | retrying)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def refund_ids_without_credit_note(
    *,
    created_after: datetime,
    created_before: datetime,
    retrying_created_before: datetime,
) -> list[int]:
    """Return succeeded refunds whose credit note is missing or still pending.

    A payment the order never kept (it arrived after the order was closed)
    goes back without a credit note, so its refund is never one of them. A
    pending credit note whose last attempt failed counts only when created
    before `retrying_created_before`.
    """
    lost = Q(created_at__lte=created_before) & (
        Q(credit_note__isnull=True)
        | Q(credit_note__status=Invoice.Status.PENDING, credit_note__last_error="")
    )
    retrying = Q(
        created_at__lte=retrying_created_before,
        credit_note__status=Invoice.Status.PENDING,
    )
    return list(
        Refund.objects.filter(
            status=Refund.Status.SUCCEEDED, created_at__gt=created_after
        )
        .exclude(payment__status=Payment.Status.CANCELED)
        .filter(lost | retrying)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def outbound_email_ids_stuck(
    *, created_before: datetime, retrying_created_before: datetime
) -> list[int]:
    """Return emails still queued: never tried and recorded before
    `created_before`, or tried and recorded before `retrying_created_before`."""
    return list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED)
        .filter(
            Q(created_at__lte=created_before, attempts=0)
            | Q(created_at__lte=retrying_created_before)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
