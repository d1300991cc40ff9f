"""Writes to accounts: every change to a user or an address happens here."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import SELLERS_GROUP, User


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


DEMO_LOGINS = (
    DemoLogin("staff admin", "admin@freshcart.test", "admin-demo-123"),
    DemoLogin("seller", "seller@freshcart.test", "seller-demo-123"),
    DemoLogin("shopper", "shopper@freshcart.test", "shopper-demo-123"),
)


def seller_grant(*, user: User) -> User:
    """Make the user a seller: staff, in the Sellers group, never superuser."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=SELLERS_GROUP))
    return user


@transaction.atomic
def demo_accounts_ensure() -> list[DemoLogin]:
    """Create the demo admin, seller and shopper once; return their logins."""
    admin, seller, shopper = DEMO_LOGINS
    now = timezone.now()
    if not User.objects.filter(email=admin.email).exists():
        User.objects.create_superuser(
            admin.email, admin.password, name="Asha Admin", email_verified_at=now
        )
    if not User.objects.filter(email=seller.email).exists():
        seller_grant(
            user=User.objects.create_user(
                seller.email,
                seller.password,
                name="Green Valley Farms",
                email_verified_at=now,
            )
        )
    if not User.objects.filter(email=shopper.email).exists():
        User.objects.create_user(
            shopper.email, shopper.password, name="Sam Shopper", email_verified_at=now
        )
    return list(DEMO_LOGINS)
