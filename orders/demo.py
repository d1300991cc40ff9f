"""The demo shop's delivery: Bengaluru service areas and the demo shopper's address.

`make run` calls `demo_delivery_ensure` (through `manage.py demo_delivery`)
after the demo accounts exist, so a newcomer's shopper can check out at once.
Slots need nothing here: `make run`'s settings open them on demand.
"""

from django.db import transaction

from accounts.models import User
from accounts.services import DEMO_LOGINS, address_create
from orders.models import ServiceArea

# (PIN code, area, minutes to the door): real Bengaluru PIN codes.
DEMO_SERVICE_AREAS = (
    ("560001", "MG Road", 12),
    ("560034", "Koramangala", 15),
    ("560038", "Indiranagar", 15),
    ("560066", "Whitefield", 25),
    ("560095", "Koramangala 6th Block", 15),
)
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
    """Create the demo service areas and the demo shopper's default address once.

    Return the active service areas. An area or address that is already there
    is left as it is, so running it again changes nothing.
    """
    for postal_code, name, minutes in DEMO_SERVICE_AREAS:
        ServiceArea.objects.get_or_create(
            postal_code=postal_code,
            defaults={"name": name, "promise_minutes": minutes},
        )
    _admin, _seller, shopper_login = DEMO_LOGINS
    shopper = User.objects.filter(email=shopper_login.email).first()
    if shopper is not None and not shopper.addresses.exists():
        address_create(user=shopper, data=DEMO_SHOPPER_ADDRESS, make_default=True)
    return list(ServiceArea.objects.filter(is_active=True))
