"""A demo store-staff login for each demo dark store that exists.

`make run` calls `demo_store_staff_ensure` (through `manage.py
demo_store_staff`) after `demo_delivery` has made the stores; the stores are
found by name, so a store the demo does not have is skipped.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from orders.stores.models import DarkStore
from orders.stores.services import store_staff_grant

DEMO_STORE_PASSWORD = "store-demo-123"
# (store name, email, the picker's name)
DEMO_STORE_STAFF = (
    ("Indiranagar", "indiranagar@freshcart.test", "Priya Picker"),
    ("Koramangala", "koramangala@freshcart.test", "Kiran Picker"),
)


@dataclass(frozen=True)
class DemoStoreLogin:
    store: str
    email: str
    password: str


@transaction.atomic
def demo_store_staff_ensure() -> list[DemoStoreLogin]:
    """Create a store-staff login for each demo store once; return the logins.

    Raise ImproperlyConfigured where SHOP_DEMO_ACCOUNTS is off (production):
    the demo password is published, so those accounts must never exist there.
    """
    if not settings.SHOP_DEMO_ACCOUNTS:
        raise ImproperlyConfigured(
            "Demo accounts are refused under these settings (SHOP_DEMO_ACCOUNTS "
            "is off): their passwords are published in the README."
        )
    stores = DarkStore.objects.in_bulk(
        [name for name, _email, _person in DEMO_STORE_STAFF], field_name="name"
    )
    logins = []
    for store_name, email, person in DEMO_STORE_STAFF:
        store = stores.get(store_name)
        if store is None:
            continue
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email,
                DEMO_STORE_PASSWORD,
                name=person,
                email_verified_at=timezone.now(),
            )
            store_staff_grant(user=user, store=store)
        logins.append(DemoStoreLogin(store.name, email, DEMO_STORE_PASSWORD))
    return logins
