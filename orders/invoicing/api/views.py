"""API downloads of invoices and credit notes: JWT owner or staff, else 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from orders.invoicing.downloads import invoice_pdf_response
from orders.invoicing.models import Invoice
from orders.invoicing.selectors import invoice_for_download, order_for_invoice
from shop.api_schema import ERROR_DESCRIPTIONS, ErrorSerializer
from shop.errors import NotFound

NOT_READY_CODE = "invoice_not_ready"


class PDFRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the view sends the file."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def _json_error(status: int, description: str) -> dict:
    return {
        (status, "application/json"): OpenApiResponse(
            ErrorSerializer, description=description
        )
    }


PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The PDF, as an attachment."
    ),
    **_json_error(401, ERROR_DESCRIPTIONS[401]),
    **_json_error(406, ERROR_DESCRIPTIONS[406]),
    **_json_error(
        404,
        "Not found or not yours (`not_found`), or not rendered yet "
        f"(`{NOT_READY_CODE}`: try again in a moment).",
    ),
}


class _PDFDownloadView(APIView):
    permission_classes = [IsAuthenticated]
    # The answer is a PDF or nothing: `?format=json` is 404 and
    # `Accept: application/json` alone is 406, both as JSON errors.
    renderer_classes = [PDFRenderer]

    def handle_exception(self, exc):
        # Errors are JSON even when the client asked for a PDF.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


def _ready_or_404(document: Invoice | None, *, name: str) -> Invoice:
    if document is None:
        raise NotFound(f"That {name} was not found.")
    if document.status != Invoice.Status.READY:
        raise NotFound(
            f"The {name} is being prepared; try again in a moment.",
            code=NOT_READY_CODE,
        )
    return document


class OrderInvoiceView(_PDFDownloadView):
    @extend_schema(
        operation_id="orders_invoice_retrieve",
        summary="Download the order's invoice (PDF)",
        tags=["orders"],
        responses=PDF_RESPONSES,
    )
    def get(self, request, number: str):
        order = order_for_invoice(user=request.user, order_number=number)
        if order is None or order.paid_at is None:
            raise NotFound("That order was not found or has no invoice.")
        invoice = invoice_for_download(user=request.user, order_number=number)
        if invoice is None:
            raise NotFound(
                "The invoice is being prepared; try again in a moment.",
                code=NOT_READY_CODE,
            )
        return invoice_pdf_response(_ready_or_404(invoice, name="invoice"))


class OrderCreditNoteView(_PDFDownloadView):
    @extend_schema(
        operation_id="orders_credit_note_retrieve",
        summary="Download one of the order's credit notes (PDF)",
        tags=["orders"],
        responses=PDF_RESPONSES,
    )
    def get(self, request, number: str, invoice_number: str):
        credit_note = invoice_for_download(
            user=request.user,
            order_number=number,
            kind=Invoice.Kind.CREDIT_NOTE,
            invoice_number=invoice_number,
        )
        return invoice_pdf_response(_ready_or_404(credit_note, name="credit note"))
