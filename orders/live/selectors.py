"""What a live subscriber may hear of, and what it missed."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from orders.live.events import (
    STAFF_GROUP,
    order_group,
    seller_group,
    store_group,
    user_group,
)
from orders.live.models import OrderEvent
from orders.models import Order, OrderLine, StoreStaff
from orders.selectors import order_number_plausible
from shop.access import user_is_seller, user_is_shop_staff


@dataclass(frozen=True)
class LiveScope:
    """The groups a subscriber joins, and the orders whose events it may replay."""

    groups: list[str]
    orders: QuerySet[Order]


def live_scope_of_order(*, user, number: str) -> LiveScope | None:
    """Return the scope of one of the user's own orders; None for any other."""
    if not order_number_plausible(number):
        return None
    orders = Order.objects.filter(user=user, number=number)
    order_id = orders.values_list("pk", flat=True).first()
    if order_id is None:
        return None
    return LiveScope(groups=[order_group(order_id)], orders=orders)


def live_scope_of_shopper(*, user) -> LiveScope:
    """Return the scope of all of the user's own orders."""
    return LiveScope(
        groups=[user_group(user.pk)], orders=Order.objects.filter(user=user)
    )


def live_scope_of_staff(*, user) -> LiveScope | None:
    """Return the orders a member of staff works on: their store's, their lines', all.

    Store staff hear of their one store, sellers of orders holding their
    lines, shop staff of every order; anyone else gets None.
    """
    store_id = (
        StoreStaff.objects.filter(user=user).values_list("store_id", flat=True).first()
    )
    if store_id is not None:
        return LiveScope(
            groups=[store_group(store_id)],
            orders=Order.objects.filter(store_id=store_id),
        )
    if user_is_seller(user):
        holds_lines = OrderLine.objects.filter(order=OuterRef("pk"), seller=user)
        return LiveScope(
            groups=[seller_group(user.pk)],
            orders=Order.objects.filter(Exists(holds_lines)),
        )
    if user_is_shop_staff(user):
        return LiveScope(groups=[STAFF_GROUP], orders=Order.objects.all())
    return None


def live_events_missed(*, scope: LiveScope, last: dict[str, int]) -> list[dict]:
    """Return the events after `last[number]` of each named order in scope, in order."""
    if not last:
        return []
    after = Q()
    for number, seq in last.items():
        after |= Q(order__number=number, seq__gt=seq)
    return list(
        OrderEvent.objects.filter(after, order__in=scope.orders)
        .order_by("order_id", "seq")
        .values_list("data", flat=True)
    )
