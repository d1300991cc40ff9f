from datetime import UTC, datetime

from orders.models import DeliverySlot


def test_a_slot_reads_in_the_shops_time_zone():
    slot = DeliverySlot(
        starts_at=datetime(2026, 1, 5, 12, 30, tzinfo=UTC),
        ends_at=datetime(2026, 1, 5, 13, 30, tzinfo=UTC),
        capacity=1,
    )

    assert str(slot) == "05 Jan 18:00–19:00"
