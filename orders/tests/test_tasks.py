from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from orders.models import DeliverySlot
from orders.services.delivery import DELIVERY_HOURS, delivery_slots_ensure
from orders.tasks import delivery_slots_ensure as delivery_slots_ensure_task
from orders.tests.factories import DarkStoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def store():
    return DarkStoreFactory()


def _at(hour: int, days: int = 0):
    zone = timezone.get_current_timezone()
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def test_slots_are_created_hourly_for_the_coming_days(settings):
    settings.SHOP_SLOT_CAPACITY = 12
    now = _at(5)  # before opening: every slot of today is still ahead

    created = delivery_slots_ensure(days=2, now=now)

    slots = list(DeliverySlot.objects.order_by("starts_at"))
    assert created == len(slots) == 2 * len(DELIVERY_HOURS)
    assert slots[0].starts_at == _at(DELIVERY_HOURS[0])
    assert slots[-1].starts_at == _at(DELIVERY_HOURS[-1], days=1)
    assert {s.ends_at - s.starts_at for s in slots} == {timedelta(hours=1)}
    assert {s.capacity for s in slots} == {12}


def test_slots_that_already_started_are_not_created():
    created = delivery_slots_ensure(days=1, now=_at(20, days=0) + timedelta(minutes=1))

    assert created == len([h for h in DELIVERY_HOURS if h > 20])


def test_running_twice_creates_nothing_more_and_keeps_bookings():
    delivery_slots_ensure(days=2, now=_at(5))
    DeliverySlot.objects.filter(starts_at=_at(9)).update(booked=3)

    assert delivery_slots_ensure(days=2, now=_at(5)) == 0

    assert DeliverySlot.objects.count() == 2 * len(DELIVERY_HOURS)
    assert DeliverySlot.objects.get(starts_at=_at(9)).booked == 3


def test_the_beat_task_opens_slots():
    assert delivery_slots_ensure_task.delay().get() > 0
    assert DeliverySlot.objects.filter(starts_at__gt=timezone.now()).exists()


def test_each_active_store_gets_its_own_slots(store):
    other = DarkStoreFactory(name="Koramangala")
    DarkStoreFactory(name="Closed for good", is_active=False)

    created = delivery_slots_ensure(days=1, now=_at(5))

    assert created == 2 * len(DELIVERY_HOURS)
    for each in (store, other):
        starts = list(
            DeliverySlot.objects.filter(store=each)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
        )
        assert starts == [_at(hour) for hour in DELIVERY_HOURS]
