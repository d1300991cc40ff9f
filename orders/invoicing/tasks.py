"""Invoice and credit-note tasks, on the `invoices` queue.

Each takes an id, is safe to run any number of times (the services find the
existing document and the emails are keyed), and retries storage failures
with backoff up to a limit before marking the document failed. Each imports
its services in its body (Celery's idiom): the services queue these tasks.
"""

import logging
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task
from django.db import InterfaceError, OperationalError

from orders.emails import order_confirmation_email_queue, order_credit_note_email_queue
from orders.invoicing.models import Invoice
from orders.models import Order
from orders.payments.models import Refund

logger = logging.getLogger(__name__)

# The storage (disk or S3) or the database was away for a moment.
TRANSIENT_STORAGE_ERRORS = (
    OSError,
    TimeoutError,
    BotoCoreError,
    ClientError,
    OperationalError,
    InterfaceError,
)

RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_STORAGE_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


class _Attempt:
    """What a task run got to, so a failure can be noted on the document."""

    document: Invoice | None = None


@contextmanager
def _failure_noted(task, *, order_number: str):
    """Note a failure on the document (failed for good when final), log it with
    the order number, and re-raise for Celery to retry or record."""
    from orders.invoicing.services import invoice_failure_record

    attempt = _Attempt()
    try:
        yield attempt
    except Exception as exc:
        transient = isinstance(exc, TRANSIENT_STORAGE_ERRORS)
        final = not transient or task.request.retries >= task.max_retries
        document = attempt.document
        if document is not None:
            invoice_failure_record(invoice_id=document.pk, error=repr(exc), final=final)
        logger.log(
            logging.ERROR if final else logging.WARNING,
            "%s for order %s failed (attempt %s%s): %r",
            task.name,
            order_number,
            task.request.retries + 1,
            ", giving up" if final else ", will retry",
            exc,
            exc_info=not transient,
            extra={
                "order_number": order_number,
                "invoice_number": document.number if document else "",
                "attempt": task.request.retries + 1,
            },
        )
        raise


@shared_task(bind=True, name="orders.invoicing.tasks.invoice_generate", **RETRY_OPTIONS)
def invoice_generate(self, order_id: int) -> str:
    """Issue, render and store a paid order's invoice, then queue its confirmation.

    Return the invoice number, or why there is none.
    """
    from orders.invoicing.services import invoice_issue, invoice_render_pdf

    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        logger.error("order %s does not exist", order_id, extra={"order_id": order_id})
        return "missing"
    if order.paid_at is None:
        logger.warning(
            "order %s is not paid; no invoice",
            order.number,
            extra={"order_number": order.number},
        )
        return "unpaid"
    with _failure_noted(self, order_number=order.number) as attempt:
        invoice = attempt.document = invoice_issue(order=order)
        if invoice.status != Invoice.Status.READY:
            invoice = invoice_render_pdf(invoice=invoice)
        order_confirmation_email_queue(order=order, invoice=invoice)
    return invoice.number


@shared_task(
    bind=True, name="orders.invoicing.tasks.credit_note_generate", **RETRY_OPTIONS
)
def credit_note_generate(self, refund_id: int) -> str:
    """Issue, render and store a succeeded refund's credit note, then email it.

    Return the credit note number, or why there is none.
    """
    from orders.invoicing.services import credit_note_issue, invoice_render_pdf

    refund = Refund.objects.select_related("order").filter(pk=refund_id).first()
    if refund is None:
        logger.error(
            "refund %s does not exist", refund_id, extra={"refund_id": refund_id}
        )
        return "missing"
    if refund.status != Refund.Status.SUCCEEDED:
        logger.warning(
            "refund %s of order %s has not succeeded; no credit note",
            refund_id,
            refund.order.number,
            extra={"order_number": refund.order.number, "refund_id": refund_id},
        )
        return "not_succeeded"
    with _failure_noted(self, order_number=refund.order.number) as attempt:
        credit_note = attempt.document = credit_note_issue(refund=refund)
        if credit_note.status != Invoice.Status.READY:
            credit_note = invoice_render_pdf(invoice=credit_note)
        order_credit_note_email_queue(credit_note=credit_note)
    return credit_note.number


@shared_task(name="orders.invoicing.tasks.invoicing_sweep")
def invoicing_sweep() -> dict[str, int]:
    """Queue again the invoices, credit notes and emails whose task was lost."""
    from orders.invoicing.services import invoicing_stale_requeue

    return invoicing_stale_requeue()
