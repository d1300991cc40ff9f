"""Streaming a stored invoice or credit note PDF to the person allowed to have it."""

import logging

from django.http import FileResponse, Http404

from orders.invoicing.models import Invoice

logger = logging.getLogger(__name__)


def invoice_pdf_response(invoice: Invoice) -> FileResponse:
    """Return the stored PDF as a download; raise Http404 if the file is gone."""
    try:
        handle = invoice.pdf.storage.open(invoice.pdf.name, "rb")
    except FileNotFoundError:
        logger.error(
            "the PDF of %s (order %s) is missing from storage",
            invoice.number,
            invoice.order.number,
            extra={"order_number": invoice.order.number},
        )
        raise Http404("The document file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{invoice.number}.pdf",
        content_type="application/pdf",
    )
    # Personal data: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response
