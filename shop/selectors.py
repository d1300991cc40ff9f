"""Reads of the shared models that matter, and their row locks."""

from django.db.models import QuerySet

from shop.models import OutboundEmail


def outbound_email_lock(*, email_id: int) -> OutboundEmail:
    """Return the email row locked for the transaction, or raise DoesNotExist."""
    return OutboundEmail.objects.select_for_update().get(pk=email_id)


def outbound_emails_for_reference(*, reference: str) -> QuerySet[OutboundEmail]:
    """Return the emails recorded about one order number, oldest first."""
    return OutboundEmail.objects.filter(reference=reference).order_by("created_at")
