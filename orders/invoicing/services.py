"""Invoices and credit notes: numbered without gaps, rendered to PDF, stored.

Numbers come from one InvoiceSequence row per kind and year, locked and moved
on in the same transaction that creates the Invoice: a transaction that rolls
back gives its number back with it, so the numbers have no gaps. Rendering
happens outside any lock and stores the PDF under a random path.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from orders.emails import ORDER_CONFIRMATION_KEY
from orders.invoicing.models import Invoice, InvoiceSequence
from orders.invoicing.selectors import (
    invoice_document,
    invoice_lock,
    invoice_sequence_lock,
    order_ids_without_invoice_or_confirmation,
    order_refunds_without_ready_credit_note,
    order_unsent_emails,
    outbound_email_ids_stuck,
    refund_ids_without_credit_note,
    refund_lock,
)
from orders.invoicing.tasks import credit_note_generate, invoice_generate
from orders.locks import order_lock
from orders.models import Order
from orders.payments.models import Refund
from shop.emails import email_retry
from shop.errors import Conflict
from shop.models import OutboundEmail
from shop.tasks import email_deliver

logger = logging.getLogger(__name__)

NUMBER_PREFIXES = {Invoice.Kind.INVOICE: "INV", Invoice.Kind.CREDIT_NOTE: "CN"}


def _number_take(*, kind: str, issued_at) -> tuple[int, int, str]:
    """Return the next (year, sequence, number) of a kind; call inside a transaction."""
    year = timezone.localdate(issued_at).year
    InvoiceSequence.objects.get_or_create(kind=kind, year=year)
    sequence_row = invoice_sequence_lock(kind=kind, year=year)
    InvoiceSequence.objects.filter(pk=sequence_row.pk).update(last=F("last") + 1)
    sequence = sequence_row.last + 1
    return year, sequence, f"{NUMBER_PREFIXES[kind]}-{year}-{sequence:06d}"


@transaction.atomic
def invoice_issue(*, order: Order) -> Invoice:
    """Return the order's invoice, giving it the next number if it has none.

    Raise Conflict if the order was never paid.
    """
    # The order lock makes a second caller wait, then find the invoice.
    locked = order_lock(order_id=order.pk)
    existing = Invoice.objects.filter(order=locked, kind=Invoice.Kind.INVOICE).first()
    if existing is not None:
        return existing
    if locked.paid_at is None:
        raise Conflict(
            f"Order {locked.number} is not paid, so it has no invoice.",
            code="order_not_paid",
        )
    issued_at = timezone.now()
    year, sequence, number = _number_take(
        kind=Invoice.Kind.INVOICE, issued_at=issued_at
    )
    return Invoice.objects.create(
        order=locked,
        kind=Invoice.Kind.INVOICE,
        number=number,
        year=year,
        sequence=sequence,
        amount=locked.total,
        currency=locked.currency,
        issued_at=issued_at,
    )


@transaction.atomic
def credit_note_issue(*, refund: Refund) -> Invoice:
    """Return the refund's credit note, giving it the next number if it has none.

    Raise Conflict unless the refund succeeded.
    """
    # Order first, then refund, then the sequence: the order invoices lock in.
    order_lock(order_id=refund.order_id)
    locked = refund_lock(refund_id=refund.pk)
    existing = Invoice.objects.filter(refund=locked).first()
    if existing is not None:
        return existing
    if locked.status != Refund.Status.SUCCEEDED:
        raise Conflict(
            "A credit note is issued for a refund that went through.",
            code="refund_not_succeeded",
        )
    issued_at = timezone.now()
    year, sequence, number = _number_take(
        kind=Invoice.Kind.CREDIT_NOTE, issued_at=issued_at
    )
    return Invoice.objects.create(
        order_id=locked.order_id,
        kind=Invoice.Kind.CREDIT_NOTE,
        refund=locked,
        number=number,
        year=year,
        sequence=sequence,
        amount=locked.amount,
        currency=locked.order.currency,
        issued_at=issued_at,
    )


def invoice_pdf_bytes(*, invoice: Invoice) -> bytes:
    """Return the invoice or credit note rendered to PDF by WeasyPrint."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        "orders/invoice_pdf.html", {"doc": invoice_document(invoice=invoice)}
    )
    # Only the shop's own files: nothing on an invoice may reach the network.
    fetcher = URLFetcher(allowed_protocols={"file", "data"})
    base_url = (settings.BASE_DIR / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def invoice_render_pdf(*, invoice: Invoice) -> Invoice:
    """Render the document, store the PDF and mark it ready; once.

    The PDF is written before the row is locked, so no lock waits on the
    storage; if another run finished first, this run's file is removed.
    Raise what the storage raised; the invoice is not changed then.
    """
    current = Invoice.objects.select_related("order", "refund").get(pk=invoice.pk)
    if current.status == Invoice.Status.READY:
        return current
    pdf = invoice_pdf_bytes(invoice=current)
    # upload_to gives the random path; the field is saved under the lock below.
    current.pdf.save(f"{current.number}.pdf", ContentFile(pdf), save=False)
    stored_name = current.pdf.name
    try:
        with transaction.atomic():
            locked = invoice_lock(invoice_id=current.pk)
            if locked.status == Invoice.Status.READY:
                transaction.on_commit(lambda: current.pdf.storage.delete(stored_name))
                return locked
            locked.pdf.name = stored_name
            locked.status = Invoice.Status.READY
            locked.last_error = ""
            locked.save(update_fields=["pdf", "status", "last_error"])
    except Exception:
        current.pdf.storage.delete(stored_name)
        raise
    return locked


def invoice_failure_record(*, invoice_id: int, error: str, final: bool) -> None:
    """Note why rendering failed; with `final`, mark the invoice failed."""
    fields = {"last_error": error[:2000]}
    if final:
        fields["status"] = Invoice.Status.FAILED
    Invoice.objects.filter(pk=invoice_id).exclude(status=Invoice.Status.READY).update(
        **fields
    )


@transaction.atomic
def order_invoice_and_emails_retry(*, order: Order) -> list[str]:
    """Queue again whatever of the order's paperwork did not go through.

    That is the invoice (missing, not ready, or its confirmation email never
    recorded), credit notes not ready, and emails not sent. Return a line
    for each thing queued, for people.
    """
    queued = []
    if order.paid_at is not None:
        invoice = Invoice.objects.filter(order=order, kind=Invoice.Kind.INVOICE).first()
        confirmation_recorded = OutboundEmail.objects.filter(
            key=ORDER_CONFIRMATION_KEY.format(order_id=order.pk)
        ).exists()
        if (
            invoice is None
            or invoice.status != Invoice.Status.READY
            or not confirmation_recorded
        ):
            if invoice is not None and invoice.status == Invoice.Status.FAILED:
                Invoice.objects.filter(pk=invoice.pk).update(
                    status=Invoice.Status.PENDING
                )
            order_id = order.pk
            transaction.on_commit(lambda: invoice_generate.delay(order_id), robust=True)
            queued.append(f"invoice of order {order.number}")
    for refund in order_refunds_without_ready_credit_note(order=order):
        Invoice.objects.filter(refund=refund, status=Invoice.Status.FAILED).update(
            status=Invoice.Status.PENDING
        )
        refund_id = refund.pk
        transaction.on_commit(
            lambda refund_id=refund_id: credit_note_generate.delay(refund_id),
            robust=True,
        )
        queued.append(f"credit note for refund {refund.pk}")
    for email in order_unsent_emails(order=order):
        if email_retry(email=email):
            queued.append(f"email “{email.subject}”")
    if queued:
        logger.info(
            "order %s: queued again %s",
            order.number,
            ", ".join(queued),
            extra={"order_number": order.number},
        )
    return queued


# Older than this, a document whose last attempt failed, or an email tried
# and still queued, has lost its retries too: a live task's retries end sooner.
STALE_DOCUMENT_AFTER = timedelta(minutes=15)
STALE_EMAIL_AFTER = timedelta(hours=1)
SWEEP_LOOKBACK = timedelta(days=7)


def invoicing_stale_requeue(*, now=None) -> dict[str, int]:
    """Queue again the invoices, credit notes and emails whose task was lost.

    Work with no failure on record is lost once it is older than
    `SHOP_INVOICING_STUCK_AFTER_SECONDS` (its task was never queued, or its
    worker was killed: the broker would hand the message back only after its
    visibility timeout); work waiting for a retry, after the longer stale
    times above. Failed ones are left for a person (the admin's retry);
    running a task again is harmless, since every task finds what was
    already done. Return how many of each kind were queued.
    """

    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.SHOP_INVOICING_STUCK_AFTER_SECONDS)
    order_ids = order_ids_without_invoice_or_confirmation(
        paid_after=now - SWEEP_LOOKBACK,
        paid_before=stuck_before,
        retrying_paid_before=now - STALE_DOCUMENT_AFTER,
    )
    refund_ids = refund_ids_without_credit_note(
        created_after=now - SWEEP_LOOKBACK,
        created_before=stuck_before,
        retrying_created_before=now - STALE_DOCUMENT_AFTER,
    )
    email_ids = outbound_email_ids_stuck(
        created_before=stuck_before, retrying_created_before=now - STALE_EMAIL_AFTER
    )
    for order_id in order_ids:
        invoice_generate.delay(order_id)
    for refund_id in refund_ids:
        credit_note_generate.delay(refund_id)
    for email_id in email_ids:
        email_deliver.delay(email_id)
    counts = {
        "invoices": len(order_ids),
        "credit_notes": len(refund_ids),
        "emails": len(email_ids),
    }
    if any(counts.values()):
        logger.warning("queued again after their task was lost: %s", counts)
    return counts
