"""The demo shop's dark stores: two Bengaluru stores, their PIN codes and shelves.

`make run` calls `demo_stores_ensure` (through `manage.py demo_stores`) after
the demo catalogue is seeded: it opens the stores, gives each the service
areas of its PIN codes, puts the seeded stock on their shelves and opens
their coming days' slots, so the demo shop sells at once.
"""

import datetime

from django.db import transaction

from orders.models import DarkStore, ServiceArea
from orders.services.delivery import delivery_slots_ensure
from orders.services.stock import stock_unshelved_place

# (store, address, ((PIN code, area, minutes to the door), ...)): real
# Bengaluru PIN codes, each served by one store.
DEMO_STORES = (
    (
        "Indiranagar",
        "12, 100 Feet Road, HAL 2nd Stage, Indiranagar, Bengaluru 560038",
        (
            ("560001", "MG Road", 12),
            ("560038", "Indiranagar", 15),
            ("560066", "Whitefield", 25),
        ),
    ),
    (
        "Koramangala",
        "7, 80 Feet Road, 4th Block, Koramangala, Bengaluru 560034",
        (
            ("560034", "Koramangala", 15),
            ("560095", "Koramangala 6th Block", 15),
        ),
    ),
)
DEMO_OPENS_AT = datetime.time(6, 0)
DEMO_CLOSES_AT = datetime.time(23, 59, 59)


@transaction.atomic
def demo_stores_ensure() -> list[DarkStore]:
    """Create the demo stores and their areas once; shelve unshelved stock.

    A store or area that is already there keeps its settings; an area
    without a store is given its demo store. Return the demo stores.
    """
    stores = []
    for name, address, areas in DEMO_STORES:
        store, _created = DarkStore.objects.get_or_create(
            name=name,
            defaults={
                "address": address,
                "opens_at": DEMO_OPENS_AT,
                "closes_at": DEMO_CLOSES_AT,
            },
        )
        for postal_code, area_name, minutes in areas:
            area, _created = ServiceArea.objects.get_or_create(
                postal_code=postal_code,
                defaults={
                    "name": area_name,
                    "promise_minutes": minutes,
                    "store": store,
                },
            )
            if area.store_id is None:
                ServiceArea.objects.filter(pk=area.pk).update(store=store)
        stores.append(store)
    stock_unshelved_place(store_ids=[store.pk for store in stores])
    delivery_slots_ensure()
    return stores
