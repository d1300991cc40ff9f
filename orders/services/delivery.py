"""Delivery slots: opening the coming days' slots, and staff editing one."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from orders.models import DarkStore, DeliverySlot
from orders.selectors import delivery_slots_bookable
from orders.services.stock import delivery_slot_capacity_change

# How many days ahead `delivery_slots_ensure` keeps slots open.
DELIVERY_DAYS_AHEAD = 3
# What staff may change on a slot besides its capacity; `booked` moves only
# through orders.
SLOT_EDITABLE_FIELDS = ("starts_at", "ends_at", "is_active")


def delivery_hours() -> range:
    """Return the local hours at which an hourly delivery slot starts."""
    return range(
        settings.SHOP_DELIVERY_FIRST_HOUR, settings.SHOP_DELIVERY_LAST_HOUR + 1
    )


def delivery_slots_ensure(
    *, days: int = DELIVERY_DAYS_AHEAD, capacity: int | None = None, now=None
) -> int:
    """Create each active store's hourly slots of the next `days` days not there yet."""
    now = now or timezone.now()
    capacity = capacity if capacity is not None else settings.SHOP_SLOT_CAPACITY
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)
    windows = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        for hour in delivery_hours():
            starts_at = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
            if starts_at > now:
                windows.append((starts_at, starts_at + timedelta(hours=1)))
    existing = set(
        DeliverySlot.objects.filter(
            starts_at__in=[start for start, _end in windows]
        ).values_list("store_id", "starts_at", "ends_at")
    )
    new = [
        DeliverySlot(store_id=store_id, starts_at=start, ends_at=end, capacity=capacity)
        for store_id in DarkStore.objects.filter(is_active=True).values_list(
            "pk", flat=True
        )
        for start, end in windows
        if (store_id, start, end) not in existing
    ]
    # A second beat run at the same moment loses quietly to the unique window.
    DeliverySlot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def delivery_slots_offer(*, store_id: int | None) -> QuerySet[DeliverySlot]:
    """Return a store's bookable slots, soonest first, after opening the coming
    days' slots when SHOP_DELIVERY_SLOTS_ON_DEMAND says no beat does it."""
    if settings.SHOP_DELIVERY_SLOTS_ON_DEMAND:
        delivery_slots_ensure()
    return delivery_slots_bookable(store_id=store_id)


@transaction.atomic
def delivery_slot_save(*, slot: DeliverySlot) -> DeliverySlot:
    """Store a slot staff edited: its window and state, then its capacity.

    A new slot is inserted as it is. For an existing one `booked` is never
    written back, and the capacity changes only if no more orders than that
    booked it (`delivery_slot_capacity_change`, which raises Conflict).
    """
    if slot.pk is None:
        slot.save()
        return slot
    DeliverySlot.objects.filter(pk=slot.pk).update(
        **{name: getattr(slot, name) for name in SLOT_EDITABLE_FIELDS}
    )
    return delivery_slot_capacity_change(slot_id=slot.pk, capacity=slot.capacity)
