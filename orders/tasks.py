"""Beat tasks of the orders app: expire unpaid orders, keep delivery slots open."""

import logging

from celery import shared_task

from orders import selectors
from orders.services.cancellation import order_expire_unpaid
from orders.services.delivery import (
    delivery_slots_ensure as delivery_slots_ensure_service,
)

logger = logging.getLogger(__name__)


@shared_task(name="orders.tasks.orders_expire_unpaid")
def orders_expire_unpaid() -> int:
    """Cancel every order unpaid past its due time; return how many were."""
    expired = 0
    for order_id in selectors.order_ids_unpaid_expired():
        # One transaction per order: a failure leaves the others done.
        if order_expire_unpaid(order_id=order_id):
            expired += 1
    if expired:
        logger.info("expired %s unpaid orders", expired)
    return expired


@shared_task(name="orders.tasks.delivery_slots_ensure")
def delivery_slots_ensure() -> int:
    """Create the coming days' hourly delivery slots; return how many were new."""
    return delivery_slots_ensure_service()
