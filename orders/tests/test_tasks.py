from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from orders.models import DeliverySlot
from orders.services.delivery import (
    delivery_hours,
    delivery_slots_ensure,
    delivery_slots_offer,
)
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
    # 07:00 to 22:00 by default: 16 slots a day.
    assert created == len(slots) == 2 * 16
    assert slots[0].starts_at == _at(7)
    assert slots[-1].starts_at == _at(22, days=1)
    assert {s.ends_at - s.starts_at for s in slots} == {timedelta(hours=1)}
    assert {s.capacity for s in slots} == {12}


def test_slots_that_already_started_are_not_created():
    created = delivery_slots_ensure(days=1, now=_at(20, days=0) + timedelta(minutes=1))

    assert created == 2  # 21:00 and 22:00


def test_running_twice_creates_nothing_more_and_keeps_bookings():
    delivery_slots_ensure(days=2, now=_at(5))
    DeliverySlot.objects.filter(starts_at=_at(9)).update(booked=3)

    assert delivery_slots_ensure(days=2, now=_at(5)) == 0

    assert DeliverySlot.objects.count() == 2 * 16
    assert DeliverySlot.objects.get(starts_at=_at(9)).booked == 3


def test_the_beat_task_opens_slots():
    assert delivery_slots_ensure_task.delay().get() > 0
    assert DeliverySlot.objects.filter(starts_at__gt=timezone.now()).exists()


def test_each_active_store_gets_its_own_slots(store):
    other = DarkStoreFactory(name="Koramangala")
    DarkStoreFactory(name="Closed for good", is_active=False)

    created = delivery_slots_ensure(days=1, now=_at(5))

    assert created == 2 * len(delivery_hours())
    for each in (store, other):
        starts = list(
            DeliverySlot.objects.filter(store=each)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
        )
        assert starts == [_at(hour) for hour in delivery_hours()]


def test_the_delivery_hours_come_from_settings(settings):
    settings.SHOP_DELIVERY_FIRST_HOUR = 0
    settings.SHOP_DELIVERY_LAST_HOUR = 23

    # A minute before midnight: yesterday is over, all of today is ahead.
    created = delivery_slots_ensure(days=2, now=_at(0) - timedelta(minutes=1))

    slots = list(DeliverySlot.objects.order_by("starts_at"))
    assert created == len(slots) == 24
    assert slots[0].starts_at == _at(0)
    assert slots[-1].starts_at == _at(23)


def test_slots_are_opened_when_asked_for_where_no_beat_runs(settings, store):
    settings.SHOP_DELIVERY_SLOTS_ON_DEMAND = True
    settings.SHOP_DELIVERY_FIRST_HOUR = 0
    settings.SHOP_DELIVERY_LAST_HOUR = 23

    offered = list(delivery_slots_offer(store_id=store.pk))

    # Three days of hourly slots, less the hours of today already begun.
    assert len(offered) == 3 * 24 - timezone.localtime().hour - 1
    assert offered[0].starts_at > timezone.now()
    assert offered[0].starts_at - timezone.now() <= timedelta(hours=1)


def test_slots_are_left_to_the_beat_unless_on_demand(settings, store):
    settings.SHOP_DELIVERY_SLOTS_ON_DEMAND = False

    assert list(delivery_slots_offer(store_id=store.pk)) == []
    assert DeliverySlot.objects.count() == 0
