"""The demo shop's delivery: Bengaluru dark stores, their service areas and
shelves, and the demo shopper's address.

`make run` calls `demo_delivery_ensure` (through `manage.py demo_delivery`)
after the demo catalogue and accounts exist, so a newcomer's shopper can check
out at once. Slots need nothing here: `make run`'s settings open them on demand.
"""

import datetime

from django.db import transaction

from accounts.models import User
from accounts.services import DEMO_LOGINS, address_create
from orders.models import DarkStore, ServiceArea
from orders.services.stock import stock_unshelved_place

# (PIN code, area, minutes to the door): real Bengaluru PIN codes.
DEMO_SERVICE_AREAS = (
    ("560001", "MG Road", 12),
    ("560034", "Koramangala", 15),
    ("560038", "Indiranagar", 15),
    ("560066", "Whitefield", 25),
    ("560095", "Koramangala 6th Block", 15),
)
# (store, address, the PIN codes it serves): each code by one store.
DEMO_STORES = (
    (
        "Indiranagar",
        "12, 100 Feet Road, HAL 2nd Stage, Indiranagar, Bengaluru 560038",
        ("560001", "560038", "560066"),
    ),
    (
        "Koramangala",
        "7, 80 Feet Road, 4th Block, Koramangala, Bengaluru 560034",
        ("560034", "560095"),
    ),
)
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
    default address once, and put the seeded stock on the stores' shelves.

    Return the active service areas. A store, area or address that is already
    there is left as it is (an area without a store gets its demo store), and
    stock already on a shelf stays there, so running it again changes nothing.
    """
    store_of = _demo_stores_ensure()
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
    stock_unshelved_place(store_ids=sorted({store.pk for store in store_of.values()}))
    _admin, _seller, shopper_login = DEMO_LOGINS
    shopper = User.objects.filter(email=shopper_login.email).first()
    if shopper is not None and not shopper.addresses.exists():
        address_create(user=shopper, data=DEMO_SHOPPER_ADDRESS, make_default=True)
    return list(ServiceArea.objects.filter(is_active=True).select_related("store"))


def _demo_stores_ensure() -> dict[str, DarkStore]:
    """Create the demo stores once; return {PIN code: the store serving it}."""
    opens_at, closes_at = DEMO_STORE_HOURS
    store_of = {}
    for name, address, postal_codes in DEMO_STORES:
        store, _created = DarkStore.objects.get_or_create(
            name=name,
            defaults={"address": address, "opens_at": opens_at, "closes_at": closes_at},
        )
        store_of.update(dict.fromkeys(postal_codes, store))
    return store_of
