import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from orders.payments import stripe as stripe_api
from orders.payments.models import Payment
from orders.payments.selectors import payment_ids_to_reconcile
from orders.payments.services import payment_intent_sync, stripe_events_delete_old

logger = logging.getLogger(__name__)

# How far back to look: past the payment window, with room for Stripe's own
# delays, so a payment made just as its order expired is still found.
RECONCILE_MARGIN = timedelta(hours=1)


@shared_task(name="orders.payments.tasks.payments_reconcile")
def payments_reconcile() -> int:
    """Ask Stripe about payments left unsettled too long; return how many changed.

    Whatever Stripe says goes through the webhook's handler, so a lost
    webhook cannot lose a paid order, and a repeated run changes nothing.
    """
    now = timezone.now()
    created_before = now - timedelta(
        minutes=settings.SHOP_PAYMENT_RECONCILE_AFTER_MINUTES
    )
    created_after = (
        now
        - timedelta(minutes=settings.SHOP_PAYMENT_TIMEOUT_MINUTES)
        - RECONCILE_MARGIN
    )
    changed = 0
    for payment_id in payment_ids_to_reconcile(
        created_before=created_before, created_after=created_after
    ):
        payment = Payment.objects.get(pk=payment_id)
        before = payment.status
        try:
            payment = payment_intent_sync(payment=payment)
        except stripe_api.StripeError as exc:
            logger.warning("reconcile: %s could not be checked: %s", payment, exc)
            continue
        if payment.status != before:
            changed += 1
            logger.info(
                "reconcile: %s went from %s to %s", payment, before, payment.status
            )
    return changed


@shared_task(name="orders.payments.tasks.stripe_events_prune")
def stripe_events_prune() -> int:
    """Delete webhook records older than SHOP_STRIPE_EVENT_RETENTION_DAYS."""
    received_before = timezone.now() - timedelta(
        days=settings.SHOP_STRIPE_EVENT_RETENTION_DAYS
    )
    return stripe_events_delete_old(received_before=received_before)
