"""The demo shop's delivery: four Bengaluru dark stores with their service
areas, express capacity, slots and shelves that differ, and the demo
shopper's address.

`make run` calls `demo_delivery_ensure` (through `manage.py demo_delivery`)
after the demo catalogue and accounts exist, so a newcomer's shopper can check
out at once, express or in a slot. `make run`'s settings also open slots on
demand and keep the stores open at any hour.
"""

import datetime

from django.db import transaction

from accounts.models import User
from accounts.services import DEMO_LOGINS, address_create
from orders.models import DarkStore, ServiceArea, StoreStock
from orders.services.delivery import delivery_slots_ensure
from orders.services.stock import stock_unshelved_place, store_stock_adjust

# (PIN code, area, minutes to the door): real Bengaluru PIN codes.
DEMO_SERVICE_AREAS = (
    ("560001", "MG Road", 12),
    ("560008", "Halasuru", 14),
    ("560025", "Richmond Town", 14),
    ("560034", "Koramangala", 15),
    ("560037", "Marathahalli", 22),
    ("560038", "Indiranagar", 15),
    ("560066", "Whitefield", 25),
    ("560095", "Koramangala 6th Block", 15),
    ("560102", "HSR Layout", 18),
)
# (store, address, the PIN codes it serves, express: base minutes, minutes
# per queued order, orders per window, window minutes): each code by one store.
DEMO_STORES = (
    (
        "Indiranagar",
        "12, 100 Feet Road, HAL 2nd Stage, Indiranagar, Bengaluru 560038",
        ("560038", "560008"),
        (10, 2, 10, 30),
    ),
    (
        "Koramangala",
        "7, 80 Feet Road, 4th Block, Koramangala, Bengaluru 560034",
        ("560034", "560095", "560102"),
        (12, 2, 12, 30),
    ),
    (
        "MG Road",
        "3, Brigade Road, Ashok Nagar, Bengaluru 560025",
        ("560001", "560025"),
        (8, 2, 8, 30),
    ),
    (
        "Whitefield",
        "21, EPIP Zone, Whitefield, Bengaluru 560066",
        ("560066", "560037"),
        (15, 3, 6, 30),
    ),
)
# Every this many seeded variants, one store (in turn) has none of it and
# the next store holds its share too: shelves differ from store to store.
DEMO_OUT_AT_ONE_STORE_EVERY = 3
DEMO_STORE_HOURS = (datetime.time(6, 0), datetime.time(23, 59, 59))
DEMO_SHOPPER_ADDRESS = {
    "label": "Home",
    "name": "Sam Shopper",
    "phone": "+919876543210",
    "line1": "42, 5th Cross, 1st Block",
    "line2": "Near Forum Mall",
    "city": "Bengaluru",
    "state": "Karnataka",
    "postal_code": "560034",
    "country": "IN",
}


@transaction.atomic
def demo_delivery_ensure() -> list[ServiceArea]:
    """Create the demo stores, their service areas and the demo shopper's
    default address once, put the seeded stock on the stores' shelves (some
    items out at one store and plenty at the next), and open the stores'
    slots of the coming days.

    Return the active service areas. A store, area or address that is already
    there is left as it is (an area without a store gets its demo store), and
    stock already on a shelf stays there, so running it again changes nothing.
    """
    store_of = _demo_stores_ensure()
    store_ids = [store.pk for store in sorted(set(store_of.values()), key=_pk)]
    for postal_code, name, minutes in DEMO_SERVICE_AREAS:
        area, _created = ServiceArea.objects.get_or_create(
            postal_code=postal_code,
            defaults={
                "name": name,
                "promise_minutes": minutes,
                "store": store_of[postal_code],
            },
        )
        if area.store_id is None:
            ServiceArea.objects.filter(pk=area.pk).update(store=store_of[postal_code])
    first_shelving = not StoreStock.objects.filter(store_id__in=store_ids).exists()
    stock_unshelved_place(store_ids=store_ids)
    if first_shelving:
        _demo_shelves_vary(store_ids=store_ids)
    delivery_slots_ensure()
    _admin, _seller, shopper_login = DEMO_LOGINS
    shopper = User.objects.filter(email=shopper_login.email).first()
    if shopper is not None and not shopper.addresses.exists():
        address_create(user=shopper, data=DEMO_SHOPPER_ADDRESS, make_default=True)
    return list(ServiceArea.objects.filter(is_active=True).select_related("store"))


def _pk(row) -> int:
    return row.pk


def _demo_stores_ensure() -> dict[str, DarkStore]:
    """Create the demo stores once; return {PIN code: the store serving it}."""
    opens_at, closes_at = DEMO_STORE_HOURS
    store_of = {}
    for name, address, postal_codes, express in DEMO_STORES:
        base, per_order, capacity, window = express
        store, _created = DarkStore.objects.get_or_create(
            name=name,
            defaults={
                "address": address,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "express_base_minutes": base,
                "express_minutes_per_order": per_order,
                "express_capacity": capacity,
                "express_window_minutes": window,
            },
        )
        store_of.update(dict.fromkeys(postal_codes, store))
    return store_of


def _demo_shelves_vary(*, store_ids: list[int]) -> int:
    """Empty one store's shelf of every few variants onto the next store's, as
    staff's counts (`store_stock_adjust`), so the variant's sum stays; return
    how many shelves were emptied."""
    shelves = {
        (store_id, variant_id): quantity
        for store_id, variant_id, quantity in StoreStock.objects.filter(
            store_id__in=store_ids, quantity__gt=0
        ).values_list("store_id", "variant_id", "quantity")
    }
    variant_ids = sorted({variant_id for _store, variant_id in shelves})
    emptied = 0
    for position, variant_id in enumerate(variant_ids):
        if position % DEMO_OUT_AT_ONE_STORE_EVERY:
            continue
        turn = position // DEMO_OUT_AT_ONE_STORE_EVERY
        empty = store_ids[turn % len(store_ids)]
        fuller = store_ids[(turn + 1) % len(store_ids)]
        quantity = shelves.get((empty, variant_id), 0)
        if not quantity:
            continue
        store_stock_adjust(store_id=empty, variant_id=variant_id, delta=-quantity)
        store_stock_adjust(store_id=fuller, variant_id=variant_id, delta=quantity)
        emptied += 1
    return emptied
