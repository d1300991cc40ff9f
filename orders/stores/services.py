"""Who works at which store: the store-staff role given and taken back."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from orders.stores.models import STORE_STAFF_GROUP, DarkStore, StoreStaff
from shop.access import user_is_seller
from shop.errors import DomainError


def store_staff_refusal(user: User) -> str:
    """Return why the user cannot be store staff, or "" when they can.

    Store staff see one store only; superusers and sellers see more than
    that role allows, and a role never narrows them.
    """
    if user.is_superuser or user_is_seller(user):
        return (
            f"{user.email} is a superuser or a seller, who see more than one "
            "store; store staff must be neither."
        )
    return ""


@transaction.atomic
def store_staff_grant(*, user: User, store: DarkStore) -> StoreStaff:
    """Make the user staff of one store (moving them from any other); return the row.

    Raise DomainError for a user `store_staff_refusal` refuses.
    """
    refusal = store_staff_refusal(user)
    if refusal:
        raise DomainError(refusal, code="not_store_staff")
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=STORE_STAFF_GROUP))
    works_at, _created = StoreStaff.objects.update_or_create(
        user=user, defaults={"store": store}
    )
    return works_at


@transaction.atomic
def store_staff_revoke(*, user: User) -> None:
    """Take the store-staff role back: no store, no group, no admin.

    Staff without a store or a group would count as shop staff, who see
    everything, so the user leaves the admin too.
    """
    StoreStaff.objects.filter(user=user).delete()
    user.groups.remove(Group.objects.get(name=STORE_STAFF_GROUP))
    user.is_staff = False
    user.save(update_fields=["is_staff"])
