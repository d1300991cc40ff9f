"""Placing an order: check the cart, address and delivery, then take and write."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.errors import EmailNotVerified, TooManyUnpaidOrders
from orders.locks import client_orders_lock, user_cart_lock, variants_lock
from orders.models import (
    Cart,
    CartLine,
    DeliveryKind,
    DeliverySlot,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    ServiceArea,
)
from orders.pricing import delivery_fee_for, line_total, subtotal_of
from orders.selectors import service_area_get, unpaid_order_count
from orders.services.express import express_promise, express_refusal
from orders.services.stock import (
    delivery_slot_book,
    express_place_book,
    stock_take,
)
from shop.errors import DomainError, NotFound
from shop.money import quantize

# Crockford's base32: no I, L, O or U, so a number read over the phone is clear.
ORDER_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _order_number() -> str:
    stamp = timezone.localdate().strftime("%y%m%d")
    suffix = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(6))
    return f"FC{stamp}{suffix}"


def _order_create(**fields) -> Order:
    """Insert the order under a fresh number, drawing again on a collision."""
    for _attempt in range(5):
        number = _order_number()
        try:
            with transaction.atomic():
                return Order.objects.create(number=number, **fields)
        except IntegrityError:
            if not Order.objects.filter(number=number).exists():
                raise
    raise RuntimeError("no free order number after 5 draws")


def _cart_lines(cart: Cart | None) -> list[CartLine]:
    lines = []
    if cart is not None:
        lines = list(CartLine.objects.filter(cart=cart).order_by("variant_id"))
    if not lines:
        raise DomainError("Your cart is empty.", code="cart_empty")
    return lines


def _area_for(*, address, user) -> ServiceArea:
    if address is None or address.user_id != user.pk:
        raise NotFound("That address was not found.")
    area = service_area_get(postal_code=address.postal_code)
    if area is None:
        raise DomainError(
            f"Sorry, we do not deliver to {address.postal_code} yet.",
            code="not_serviceable",
        )
    return area


def _email_check(user) -> None:
    if not user.email_verified:
        raise EmailNotVerified(
            "Please confirm your email address before ordering: follow the link "
            "we emailed you, or ask for a new one on your account page."
        )


def _unpaid_orders_check(*, user, client_ip: str | None, now) -> None:
    """Raise TooManyUnpaidOrders when the shopper, or their client address,
    already keeps the most orders that may hold stock unpaid."""
    minutes = settings.SHOP_PAYMENT_TIMEOUT_MINUTES
    unpaid = unpaid_order_count(now=now, user=user)
    if unpaid >= settings.SHOP_MAX_UNPAID_ORDERS:
        raise TooManyUnpaidOrders(
            f"You already have {unpaid} order{'s' if unpaid != 1 else ''} waiting "
            "for payment. Pay for one or "
            "cancel it (under My orders) before placing another; an unpaid order "
            f"is cancelled after {minutes} minutes."
        )
    if not client_ip:
        return
    client_orders_lock(client_ip=client_ip)
    if (
        unpaid_order_count(now=now, client_ip=client_ip)
        >= settings.SHOP_MAX_UNPAID_ORDERS_PER_CLIENT
    ):
        raise TooManyUnpaidOrders(
            "Too many orders from your network are waiting for payment. Please "
            f"pay for one, or try again in {minutes} minutes."
        )


def _slot_check(slot: DeliverySlot, *, area: ServiceArea) -> None:
    if slot.store_id != area.store_id:
        raise DomainError(
            f"That delivery slot is not one of the store serving {area.postal_code}; "
            "please choose another.",
            code="slot_unavailable",
        )
    if not slot.is_active or slot.starts_at <= timezone.now():
        raise DomainError(
            "That delivery slot is no longer offered; please choose another.",
            code="slot_unavailable",
        )


def _express_wanted(*, area: ServiceArea, slot, express: bool, now) -> bool:
    """Return whether the order goes express: as asked, or, when the client
    named neither express nor a slot (a v1 client), whenever it is offered.

    Raise DomainError for both, ExpressUnavailable (`slot_required`, with the
    store's slots) for neither while express is not offered.
    """
    if slot is not None and express:
        raise DomainError(
            "Choose express delivery or a delivery slot, not both.",
            code="delivery_ambiguous",
        )
    if slot is not None or express:
        return express
    promise = express_promise(store=area.store, now=now)
    if not promise.offered:
        raise express_refusal(promise=promise, code="slot_required")
    return True


def _delivery_book(*, area: ServiceArea, slot, express: bool, now) -> dict:
    """Book the express place or the slot; return the order's delivery fields."""
    if express:
        promise = express_place_book(store_id=area.store_id, now=now)
        return {
            "delivery_kind": DeliveryKind.EXPRESS,
            "slot": None,
            "promised_at": promise.promised_at(now),
        }
    delivery_slot_book(slot_id=slot.pk)
    return {
        "delivery_kind": DeliveryKind.SLOT,
        "slot": slot,
        "promised_at": slot.ends_at,
    }


def _order_write(
    *, user, area, address, delivery, variants, wanted, key, client_ip, now
) -> Order:
    """Write the order, its lines and its first history row; stock is taken."""
    subtotal = subtotal_of((v.price, wanted[v.pk]) for v in variants)
    fee = delivery_fee_for(subtotal=subtotal)
    order = _order_create(
        user=user,
        email=user.email,
        status=OrderStatus.PENDING_PAYMENT,
        address=address.as_snapshot(),
        postal_code=area.postal_code,
        store_id=area.store_id,
        **delivery,
        subtotal=subtotal,
        delivery_fee=fee,
        total=quantize(subtotal + fee),
        currency=settings.SHOP_CURRENCY,
        idempotency_key=key or None,
        client_ip=client_ip or None,
        payment_due_at=now + timedelta(minutes=settings.SHOP_PAYMENT_TIMEOUT_MINUTES),
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant=variant,
                seller_id=variant.product.seller_id,
                product_name=variant.product.name,
                variant_label=variant.label,
                sku=variant.sku,
                unit_price=variant.price,
                quantity=wanted[variant.pk],
                line_total=line_total(price=variant.price, quantity=wanted[variant.pk]),
            )
            for variant in variants
        ]
    )
    OrderStatusChange.objects.create(
        order=order,
        from_status="",
        to_status=OrderStatus.PENDING_PAYMENT,
        changed_by=user,
        note="order placed",
    )
    return order


@transaction.atomic
def order_place(
    *,
    user,
    address,
    slot: DeliverySlot | None = None,
    express: bool = False,
    idempotency_key: str | None = None,
    client_ip: str | None = None,
) -> Order:
    """Turn the user's cart into an order, taking stock and an express place
    or a slot of the address's store, or raise.

    `express` asks for express delivery, `slot` for that slot; with neither,
    express is taken when the store offers it. Raises OutOfStock (nothing
    taken) when any line asks for more than is left, OrderShareExceeded when
    a line asks for more than one order may take of it, SlotFull when the
    slot has no capacity, ExpressUnavailable (with slots to choose instead)
    when the store is closed or its express places are taken,
    TooManyUnpaidOrders when the shopper (or `client_ip`) keeps the most
    unpaid orders, EmailNotVerified for an unconfirmed email, DomainError for
    an empty cart, an unserviceable address, a closed slot or both kinds of
    delivery, NotFound for someone else's address. A
    repeated `idempotency_key` returns the first order; `order.placed_now`
    tells whether this call made it.
    """
    # The cart lock serialises one user's placements, so a retried key sees
    # the order its first attempt committed.
    cart = user_cart_lock(user=user)
    if idempotency_key:
        existing = Order.objects.filter(
            user=user, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            existing.placed_now = False
            return existing
    _email_check(user)
    lines = _cart_lines(cart)
    area = _area_for(address=address, user=user)
    now = timezone.now()
    express = _express_wanted(area=area, slot=slot, express=express, now=now)
    if not express:
        _slot_check(slot, area=area)
    _unpaid_orders_check(user=user, client_ip=client_ip, now=now)
    wanted = {line.variant_id: line.quantity for line in lines}
    variants = variants_lock(variant_ids=wanted)
    stock_take(store_id=area.store_id, variants=variants, wanted=wanted)
    delivery = _delivery_book(area=area, slot=slot, express=express, now=now)
    order = _order_write(
        user=user,
        area=area,
        address=address,
        delivery=delivery,
        variants=variants,
        wanted=wanted,
        key=idempotency_key,
        client_ip=client_ip,
        now=now,
    )
    CartLine.objects.filter(cart=cart).delete()
    order.placed_now = True
    return order
