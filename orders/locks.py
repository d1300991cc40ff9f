"""Every row lock the orders app takes, each in primary-key order.

Lock order, in every transaction that takes more than one: carts, then
variants, then a dark store (express booking), then the order, then its
payment, then its lines. A slot's capacity moves by a conditional update and
needs no lock of its own. A
service that is handed a locked row says "call while holding `order_lock`"
and never locks the row again: one lock per row per transaction.
"""

from django.db import connection

from catalog.models import ProductVariant
from orders.models import Cart, DarkStore, Order, OrderLine
from orders.payments.models import Payment


def cart_lock(*, cart_id: int) -> Cart:
    """Return the cart row locked for the transaction."""
    return Cart.objects.select_for_update().get(pk=cart_id)


def carts_lock(*, cart_ids) -> list[Cart]:
    """Return these carts locked FOR UPDATE in primary-key order."""
    return list(
        Cart.objects.select_for_update()
        .filter(pk__in=sorted(set(cart_ids)))
        .order_by("pk")
    )


def user_cart_lock(*, user) -> Cart | None:
    """Return the user's cart locked for the transaction, or None without one."""
    return Cart.objects.select_for_update().filter(user=user).first()


def variants_lock(*, variant_ids) -> list[ProductVariant]:
    """Return the variants locked FOR UPDATE in primary-key order, with products."""
    return list(
        ProductVariant.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=sorted(set(variant_ids)))
        .order_by("pk")
    )


def client_orders_lock(*, client_ip: str) -> None:
    """Serialise placements from one client address until the transaction ends,
    so its count of unpaid orders cannot be raced (PostgreSQL; SQLite
    serialises every write anyway)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"order-client:{client_ip}"]
        )


def store_lock(*, store_id: int) -> DarkStore:
    """Return the dark store row locked for the transaction: it serialises the
    store's express bookings, which count the orders holding a place."""
    return DarkStore.objects.select_for_update().get(pk=store_id)


def order_lock(*, order_id: int) -> Order:
    """Return the order row locked for the transaction."""
    return Order.objects.select_for_update(of=("self",)).get(pk=order_id)


def payment_lock(*, payment_id: int) -> Payment:
    """Return the payment row locked for the transaction."""
    return Payment.objects.select_for_update().get(pk=payment_id)


def order_lines_lock(*, order_id: int) -> list[OrderLine]:
    """Return the order's lines locked FOR UPDATE in primary-key order."""
    return list(
        OrderLine.objects.select_for_update().filter(order_id=order_id).order_by("pk")
    )
