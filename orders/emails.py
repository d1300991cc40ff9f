"""The shopper's order emails: confirmation with the invoice, status changes,
credit notes. Each is recorded once under its key by shop.emails.email_queue
in the caller's transaction and sent by a task after the commit."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from orders.invoicing.models import Invoice
from orders.models import Order, OrderStatus
from shop.emails import email_queue
from shop.models import OutboundEmail

ORDER_CONFIRMATION_KEY = "order-confirmation:{order_id}"
ORDER_STATUS_KEY = "order-status:{order_id}:{status}"
ORDER_CREDIT_NOTE_KEY = "order-credit-note:{refund_id}"

# The statuses the shopper hears about: template name and subject.
STATUS_EMAILS = {
    OrderStatus.PACKED: ("order_packed", "Your order {number} is packed"),
    OrderStatus.OUT_FOR_DELIVERY: (
        "order_out_for_delivery",
        "Your order {number} is on its way",
    ),
    OrderStatus.DELIVERED: ("order_delivered", "Your order {number} was delivered"),
    OrderStatus.CANCELLED: ("order_cancelled", "Your order {number} was cancelled"),
    OrderStatus.REFUNDED: ("order_refunded", "Your order {number} was refunded"),
}


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _order_context(order: Order) -> dict:
    address = order.address or {}
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "address": address,
        "customer_name": address.get("name") or order.user.get_full_name(),
        "order_url": _absolute(order.get_absolute_url()),
    }


def _attachment(invoice: Invoice) -> dict:
    return {
        "path": invoice.pdf.name,
        "storage": "invoices",
        "filename": f"{invoice.number}.pdf",
        "mimetype": "application/pdf",
    }


@transaction.atomic
def order_confirmation_email_queue(*, order: Order, invoice: Invoice) -> OutboundEmail:
    """Queue the order confirmation with its invoice attached; once per order."""
    context = _order_context(order)
    context.update(
        invoice=invoice,
        invoice_url=_absolute(
            reverse("orders:invoice", kwargs={"number": order.number})
        ),
    )
    return email_queue(
        key=ORDER_CONFIRMATION_KEY.format(order_id=order.pk),
        to=order.email,
        subject=f"Order {order.number} confirmed: your invoice is attached",
        template="order_confirmation",
        context=context,
        reference=order.number,
        attachments=[_attachment(invoice)],
    )


@transaction.atomic
def order_status_email_queue(*, order: Order, status: str) -> OutboundEmail | None:
    """Queue the shopper's email about the order's new status, once per status.

    Return None for a status the shopper is not emailed about.
    """
    if status not in STATUS_EMAILS:
        return None
    template, subject = STATUS_EMAILS[status]
    context = _order_context(order)
    context.update(
        status=status,
        was_paid=order.paid_at is not None,
        refunded_amount=order.refunded_amount or order.total,
    )
    return email_queue(
        key=ORDER_STATUS_KEY.format(order_id=order.pk, status=status),
        to=order.email,
        subject=subject.format(number=order.number),
        template=template,
        context=context,
        reference=order.number,
    )


@transaction.atomic
def order_credit_note_email_queue(*, credit_note: Invoice) -> OutboundEmail:
    """Queue the email carrying a refund's credit note; once per refund."""
    order = credit_note.order
    context = _order_context(order)
    context.update(
        credit_note=credit_note,
        refund=credit_note.refund,
        credit_note_url=_absolute(
            reverse(
                "orders:credit_note",
                kwargs={"number": order.number, "invoice_number": credit_note.number},
            )
        ),
    )
    return email_queue(
        key=ORDER_CREDIT_NOTE_KEY.format(refund_id=credit_note.refund_id),
        to=order.email,
        subject=f"Credit note {credit_note.number} for your order {order.number}",
        template="order_credit_note",
        context=context,
        reference=order.number,
        attachments=[_attachment(credit_note)],
    )
