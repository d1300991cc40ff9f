"""Invoice and credit-note downloads for the order's owner and shop staff.

Anyone else gets the 404 a missing order gets, so order numbers reveal nothing.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orders.invoicing.downloads import invoice_pdf_response
from orders.invoicing.models import Invoice
from orders.invoicing.selectors import invoice_for_download, order_for_invoice


def _not_ready(request, *, order, document: str):
    return render(
        request,
        "orders/invoice_pending.html",
        {"order": order, "document": document},
        status=404,
    )


@require_GET
@login_required
def invoice_download(request, number: str):
    """Send the order's invoice PDF, or say it is still being prepared."""
    order = order_for_invoice(user=request.user, order_number=number)
    if order is None or order.paid_at is None:
        raise Http404("No invoice for that order.")
    invoice = invoice_for_download(user=request.user, order_number=number)
    if invoice is None or invoice.status != Invoice.Status.READY:
        return _not_ready(request, order=order, document="invoice")
    return invoice_pdf_response(invoice)


@require_GET
@login_required
def credit_note_download(request, number: str, invoice_number: str):
    """Send one of the order's credit notes, or say it is still being prepared."""
    credit_note = invoice_for_download(
        user=request.user,
        order_number=number,
        kind=Invoice.Kind.CREDIT_NOTE,
        invoice_number=invoice_number,
    )
    if credit_note is None:
        raise Http404("No such credit note.")
    if credit_note.status != Invoice.Status.READY:
        return _not_ready(request, order=credit_note.order, document="credit note")
    return invoice_pdf_response(credit_note)
