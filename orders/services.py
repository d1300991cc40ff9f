"""Every write of the orders app: carts, delivery slots, orders and their status.

Stock and slot capacity move only by conditional updates (`... WHERE stock >=
q`), after the rows are locked in primary-key order (see `selectors`), so no
interleaving of transactions can sell what is not there.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from catalog.models import ProductVariant
from orders.errors import (
    DeliveryStepForStaff,
    EmailNotVerified,
    IllegalTransition,
    OrderShareExceeded,
    OutOfStock,
    SlotFull,
    TooManyUnpaidOrders,
)
from orders.models import (
    TRANSITIONS,
    Cart,
    CartLine,
    DeliverySlot,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)
from orders.selectors import (
    cart_lock,
    client_orders_lock,
    delivery_fee_for,
    delivery_slots_bookable,
    line_is_sellable,
    order_lock,
    service_area_get,
    unpaid_order_count,
    variant_get_for_cart,
    variants_lock,
)
from shop.errors import Conflict, DomainError, NotFound
from shop.money import quantize

# How many days ahead `delivery_slots_ensure` keeps slots open.
DELIVERY_DAYS_AHEAD = 3
# Crockford's base32: no I, L, O or U, so a number read over the phone is clear.
ORDER_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Statuses the shopper hears about by email.
STATUS_EMAILS = frozenset(
    {
        OrderStatus.PACKED,
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
        OrderStatus.CANCELLED,
        OrderStatus.REFUNDED,
    }
)
CANCELLABLE_BY_SHOPPER = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.PAID})
# Steps the shop's staff take: an order can hold several sellers' lines, and
# delivering it opens reviews of every one of them.
DELIVERY_STEPS = frozenset({OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED})


def _variant_name(variant: ProductVariant) -> str:
    return f"{variant.product.name} ({variant.label})"


# CART


@dataclass
class CartChange:
    """What a cart write did: the line (None once removed) and a message."""

    line: CartLine | None
    quantity: int
    message: str = ""


def quantity_check(quantity, *, allow_zero: bool) -> int:
    """Return the quantity as an int, or raise DomainError when it is not one."""
    low = 0 if allow_zero else 1
    high = settings.SHOP_MAX_LINE_QUANTITY
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise DomainError("The quantity must be a whole number.", code="invalid")
    if not low <= quantity <= high:
        raise DomainError(
            f"The quantity must be between {low} and {high}.", code="invalid"
        )
    return quantity


def cart_get_or_create(*, user=None, session_key: str | None = None) -> Cart:
    """Return the user's cart, or the session's visitor cart, creating it once."""
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    if not session_key:
        raise ValueError("A visitor's cart needs a session key.")
    cart, _created = Cart.objects.get_or_create(session_key=session_key, user=None)
    return cart


def _sellable_variant(variant_id) -> ProductVariant:
    variant = variant_get_for_cart(variant_id=variant_id)
    if variant is None:
        raise NotFound("That product does not exist.")
    if not (variant.is_active and variant.product.is_active):
        raise Conflict(
            f"{_variant_name(variant)} is no longer available.", code="unavailable"
        )
    return variant


def _line_write(*, cart, variant, line, wanted: int) -> CartChange:
    """Store `wanted` of the variant in the cart, capped by stock and the maximum."""
    maximum = settings.SHOP_MAX_LINE_QUANTITY
    limit = min(variant.stock, maximum)
    name = _variant_name(variant)
    if limit <= 0:
        raise Conflict(f"{name} is out of stock.", code="out_of_stock")
    quantity = min(wanted, limit)
    message = ""
    if quantity < wanted:
        if variant.stock >= maximum:
            message = f"You can buy at most {maximum} of {name}."
        else:
            message = f"Only {variant.stock} of {name} left; your cart has {quantity}."
    if line is None:
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    elif line.quantity != quantity:
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    return CartChange(line=line, quantity=quantity, message=message)


@transaction.atomic
def cart_line_add(*, cart: Cart, variant_id: int, quantity: int) -> CartChange:
    """Add `quantity` of a variant to the cart, capped by stock, with a message."""
    quantity_check(quantity, allow_zero=False)
    cart_lock(cart_id=cart.pk)
    variant = _sellable_variant(variant_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    current = line.quantity if line else 0
    return _line_write(cart=cart, variant=variant, line=line, wanted=current + quantity)


@transaction.atomic
def cart_line_set(*, cart: Cart, variant_id: int, quantity: int) -> CartChange:
    """Set a variant's quantity in the cart; 0 removes the line."""
    quantity_check(quantity, allow_zero=True)
    cart_lock(cart_id=cart.pk)
    if quantity == 0:
        if variant_get_for_cart(variant_id=variant_id) is None:
            raise NotFound("That product does not exist.")
        CartLine.objects.filter(cart=cart, variant_id=variant_id).delete()
        return CartChange(line=None, quantity=0)
    variant = _sellable_variant(variant_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    return _line_write(cart=cart, variant=variant, line=line, wanted=quantity)


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int) -> None:
    """Remove a line from the cart; a line of another cart is not found."""
    deleted, _ = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise NotFound("That cart line was not found.")


def cart_clean(*, lines: list[CartLine]) -> tuple[list[CartLine], list[str]]:
    """Drop unsellable lines and cap quantities by stock; return lines and messages.

    `lines` are one cart's lines with variants and products loaded; the cart
    page and the API call this before showing a cart.
    """
    kept, messages, gone, capped = [], [], [], []
    maximum = settings.SHOP_MAX_LINE_QUANTITY
    for line in lines:
        name = _variant_name(line.variant)
        if not line_is_sellable(line):
            gone.append(line.pk)
            messages.append(f"{name} is no longer available and was removed.")
            continue
        if line.variant.stock <= 0:
            gone.append(line.pk)
            messages.append(f"{name} is out of stock and was removed.")
            continue
        limit = min(line.variant.stock, maximum)
        if line.quantity > limit:
            line.quantity = limit
            capped.append(line)
            messages.append(f"Only {limit} of {name} can be bought now; we updated it.")
        kept.append(line)
    # Most carts need no change: no transaction, no query.
    if gone or capped:
        with transaction.atomic():
            CartLine.objects.filter(pk__in=gone).delete()
            CartLine.objects.bulk_update(capped, ["quantity"])
    return kept, messages


@transaction.atomic
def cart_merge(*, session_key: str | None, user) -> list[str]:
    """Merge the visitor cart of `session_key` into the user's; return what changed."""
    if not session_key:
        return []
    visitor = Cart.objects.filter(session_key=session_key, user=None).first()
    if visitor is None:
        return []
    cart = cart_get_or_create(user=user)
    # Both carts locked in pk order, like every other lock in the shop.
    list(
        Cart.objects.select_for_update()
        .filter(pk__in=[visitor.pk, cart.pk])
        .order_by("pk")
    )
    existing = {line.variant_id: line for line in CartLine.objects.filter(cart=cart)}
    maximum = settings.SHOP_MAX_LINE_QUANTITY
    messages, merged = [], 0
    visitor_lines = CartLine.objects.filter(cart=visitor).select_related(
        "variant__product"
    )
    for vline in visitor_lines:
        variant = vline.variant
        name = _variant_name(variant)
        if not line_is_sellable(vline):
            messages.append(f"{name} is no longer available and was not added.")
            continue
        line = existing.get(variant.pk)
        wanted = vline.quantity + (line.quantity if line else 0)
        limit = min(variant.stock, maximum)
        if limit <= 0:
            messages.append(f"{name} is out of stock and was not added.")
            continue
        quantity = min(wanted, limit)
        if quantity < wanted:
            messages.append(
                f"Only {limit} of {name} can be bought; your cart has {quantity}."
            )
        if line is None:
            CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
        elif line.quantity != quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])
        merged += 1
    visitor.delete()
    if merged:
        what = "1 item" if merged == 1 else f"{merged} items"
        verb = "is" if merged == 1 else "are"
        messages.insert(0, f"{what} from before you logged in {verb} in your cart.")
    return messages


# DELIVERY


def delivery_slot_book(*, slot_id: int) -> None:
    """Take one unit of a slot's capacity, or raise when it is full or closed."""
    now = timezone.now()
    booked = DeliverySlot.objects.filter(
        pk=slot_id, is_active=True, starts_at__gt=now, booked__lt=F("capacity")
    ).update(booked=F("booked") + 1)
    if booked:
        return
    slot = DeliverySlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("That delivery slot does not exist.")
    if not slot.is_active or slot.starts_at <= now:
        raise DomainError(
            "That delivery slot is no longer offered; please choose another.",
            code="slot_unavailable",
        )
    raise SlotFull("That delivery slot just filled up; please choose another.")


def delivery_slot_release(*, slot_id: int) -> bool:
    """Give one unit of a slot's capacity back; return whether it moved."""
    return bool(
        DeliverySlot.objects.filter(pk=slot_id, booked__gt=0).update(
            booked=F("booked") - 1
        )
    )


def delivery_hours() -> range:
    """Return the local hours at which an hourly delivery slot starts."""
    return range(
        settings.SHOP_DELIVERY_FIRST_HOUR, settings.SHOP_DELIVERY_LAST_HOUR + 1
    )


def delivery_slots_ensure(
    *, days: int = DELIVERY_DAYS_AHEAD, capacity: int | None = None, now=None
) -> int:
    """Create the hourly slots of the next `days` days that do not exist yet."""
    now = now or timezone.now()
    capacity = capacity if capacity is not None else settings.SHOP_SLOT_CAPACITY
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)
    windows = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        for hour in delivery_hours():
            starts_at = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
            if starts_at > now:
                windows.append((starts_at, starts_at + timedelta(hours=1)))
    existing = set(
        DeliverySlot.objects.filter(
            starts_at__in=[start for start, _end in windows]
        ).values_list("starts_at", "ends_at")
    )
    new = [
        DeliverySlot(starts_at=start, ends_at=end, capacity=capacity)
        for start, end in windows
        if (start, end) not in existing
    ]
    # A second beat run at the same moment loses quietly to the unique window.
    DeliverySlot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def delivery_slots_offer() -> QuerySet[DeliverySlot]:
    """Return the bookable slots, soonest first, after opening the coming days'
    slots when SHOP_DELIVERY_SLOTS_ON_DEMAND says no beat does it."""
    if settings.SHOP_DELIVERY_SLOTS_ON_DEMAND:
        delivery_slots_ensure()
    return delivery_slots_bookable()


# ORDERS


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


def _shortage(variant: ProductVariant, requested: int) -> dict:
    sellable = variant.is_active and variant.product.is_active
    return {
        "variant": variant.pk,
        "sku": variant.sku,
        "name": _variant_name(variant),
        "requested": requested,
        "available": max(variant.stock, 0) if sellable else 0,
    }


def _share_allowed(stock: int) -> int:
    # One order may take this much of what is left: a share of it, but never
    # fewer than the minimum (so the last few units can be bought).
    share = stock * settings.SHOP_ORDER_SHARE_PERCENT // 100
    return max(share, settings.SHOP_ORDER_SHARE_MIN_UNITS)


def _share_excess(variant: ProductVariant, requested: int) -> dict:
    return {
        "variant": variant.pk,
        "sku": variant.sku,
        "name": _variant_name(variant),
        "requested": requested,
        "allowed": _share_allowed(variant.stock),
    }


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


@transaction.atomic
def order_place(
    *,
    user,
    address,
    slot,
    idempotency_key: str | None = None,
    client_ip: str | None = None,
) -> Order:
    """Turn the user's cart into an order, taking stock and a slot, or raise.

    Raises OutOfStock (nothing taken) when any line asks for more than is
    left, OrderShareExceeded when a line asks for more than one order may
    take of it, SlotFull when the slot has no capacity, TooManyUnpaidOrders
    when the shopper (or `client_ip`) keeps the most unpaid orders,
    EmailNotVerified for an unconfirmed email, DomainError for an empty
    cart, an unserviceable address or a closed slot, NotFound for someone
    else's address. A repeated `idempotency_key` returns the first order;
    `order.placed_now` tells whether this call made it.
    """
    # The cart lock serialises one user's placements, so a retried key sees
    # the order its first attempt committed.
    cart = Cart.objects.select_for_update().filter(user=user).first()
    if idempotency_key:
        existing = Order.objects.filter(
            user=user, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            existing.placed_now = False
            return existing
    if not user.email_verified:
        raise EmailNotVerified(
            "Please confirm your email address before ordering: follow the link "
            "we emailed you, or ask for a new one on your account page."
        )
    lines = []
    if cart is not None:
        lines = list(CartLine.objects.filter(cart=cart).order_by("variant_id"))
    if not lines:
        raise DomainError("Your cart is empty.", code="cart_empty")
    if address is None or address.user_id != user.pk:
        raise NotFound("That address was not found.")
    area = service_area_get(postal_code=address.postal_code)
    if area is None:
        raise DomainError(
            f"Sorry, we do not deliver to {address.postal_code} yet.",
            code="not_serviceable",
        )
    if slot is None:
        raise NotFound("That delivery slot does not exist.")
    if not slot.is_active or slot.starts_at <= timezone.now():
        raise DomainError(
            "That delivery slot is no longer offered; please choose another.",
            code="slot_unavailable",
        )
    now = timezone.now()
    _unpaid_orders_check(user=user, client_ip=client_ip, now=now)

    wanted = {line.variant_id: line.quantity for line in lines}
    variants = variants_lock(variant_ids=wanted)
    shortages = [
        _shortage(variant, wanted[variant.pk])
        for variant in variants
        if not (variant.is_active and variant.product.is_active)
        or variant.stock < wanted[variant.pk]
    ]
    if shortages:
        raise OutOfStock(shortages)
    over_share = [
        _share_excess(variant, wanted[variant.pk])
        for variant in variants
        if wanted[variant.pk] > _share_allowed(variant.stock)
    ]
    if over_share:
        raise OrderShareExceeded(over_share)
    for variant in variants:
        taken = ProductVariant.objects.filter(
            pk=variant.pk, stock__gte=wanted[variant.pk]
        ).update(stock=F("stock") - wanted[variant.pk])
        if not taken:
            # Unreachable while the row lock holds; the atomic block undoes
            # any stock already taken if it ever is reached.
            variant.refresh_from_db(fields=["stock"])
            raise OutOfStock([_shortage(variant, wanted[variant.pk])])
    delivery_slot_book(slot_id=slot.pk)

    subtotal = quantize(sum((v.price * wanted[v.pk] for v in variants), 0))
    fee = delivery_fee_for(subtotal=subtotal)
    order = _order_create(
        user=user,
        email=user.email,
        status=OrderStatus.PENDING_PAYMENT,
        address=address.as_snapshot(),
        postal_code=area.postal_code,
        slot=slot,
        subtotal=subtotal,
        delivery_fee=fee,
        total=quantize(subtotal + fee),
        currency=settings.SHOP_CURRENCY,
        idempotency_key=idempotency_key or None,
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
                line_total=quantize(variant.price * wanted[variant.pk]),
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
    CartLine.objects.filter(cart=cart).delete()
    order.placed_now = True
    return order


@transaction.atomic
def order_stock_release(*, order: Order) -> bool:
    """Give the order's stock and slot back once; return whether this call did."""
    # The conditional update is the "once": a second caller updates no row.
    released = Order.objects.filter(pk=order.pk, stock_released_at__isnull=True).update(
        stock_released_at=timezone.now()
    )
    if not released:
        return False
    # A partial refund before packing already put its quantities back.
    quantities: dict[int, int] = {}
    for variant_id, quantity in OrderLine.objects.filter(
        order_id=order.pk, variant__isnull=False, quantity__gt=F("refunded_quantity")
    ).values_list("variant_id", F("quantity") - F("refunded_quantity")):
        quantities[variant_id] = quantities.get(variant_id, 0) + quantity
    for variant_id in sorted(quantities):
        ProductVariant.objects.filter(pk=variant_id).update(
            stock=F("stock") + quantities[variant_id]
        )
    delivery_slot_release(slot_id=order.slot_id)
    order.stock_released_at = Order.objects.values_list(
        "stock_released_at", flat=True
    ).get(pk=order.pk)
    return True


@transaction.atomic
def order_status_change(
    *, order: Order, to_status: str, by=None, note: str = ""
) -> Order:
    """Move the order to `to_status` if TRANSITIONS allows it, with a history row.

    The only place a status changes. Cancelling (or refunding an order not
    yet packed) gives stock and the slot back once; paying stamps `paid_at`;
    the shopper is emailed about the statuses in STATUS_EMAILS.
    """
    locked = order_lock(order_id=order.pk)
    from_status = locked.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        from_label = OrderStatus(from_status).label.lower()
        to_label = (
            OrderStatus(to_status).label.lower()
            if to_status in OrderStatus.values
            else repr(to_status)
        )
        raise IllegalTransition(
            f"Order {locked.number} cannot go from {from_label} to {to_label}."
        )
    if to_status in DELIVERY_STEPS and getattr(by, "is_seller", False):
        raise DeliveryStepForStaff(
            f"Order {locked.number}: {OrderStatus(to_status).label.lower()} is a "
            "delivery step, which the shop's staff take, not sellers."
        )
    now = timezone.now()
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status == OrderStatus.PAID and locked.paid_at is None:
        locked.paid_at = now
        fields.append("paid_at")
    locked.save(update_fields=fields)
    OrderStatusChange.objects.create(
        order=locked,
        from_status=from_status,
        to_status=to_status,
        changed_by=by if by is not None and by.is_authenticated else None,
        note=note[:300],
    )
    # Goods that never left the shelf go back to it.
    if to_status == OrderStatus.CANCELLED or (
        to_status == OrderStatus.REFUNDED
        and from_status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)
    ):
        order_stock_release(order=locked)
    if to_status in STATUS_EMAILS:
        from orders.emails import order_status_email_queue

        order_status_email_queue(order=locked, status=to_status)
    for name in ("status", "paid_at", "stock_released_at", "updated_at"):
        setattr(order, name, getattr(locked, name))
    return locked


@transaction.atomic
def order_cancel(*, order: Order, by) -> Order:
    """Cancel the shopper's order before packing; stock and slot go back once."""
    locked = order_lock(order_id=order.pk)
    if by is None or (locked.user_id != by.pk and not by.is_staff):
        raise NotFound("That order was not found.")
    if locked.status not in CANCELLABLE_BY_SHOPPER:
        raise Conflict(
            f"Order {locked.number} is {locked.get_status_display().lower()} and "
            "can no longer be cancelled.",
            code="not_cancellable",
        )
    was_paid = locked.status == OrderStatus.PAID
    note = "cancelled by the shopper" if locked.user_id == by.pk else "cancelled"
    locked = order_status_change(
        order=locked, to_status=OrderStatus.CANCELLED, by=by, note=note
    )
    if was_paid:
        from orders.payments.services import payment_refund_for_cancelled_order

        payment_refund_for_cancelled_order(order=locked)
    for name in ("status", "paid_at", "stock_released_at", "updated_at"):
        setattr(order, name, getattr(locked, name))
    return locked


@transaction.atomic
def order_expire_unpaid(*, order_id: int, now=None) -> bool:
    """Cancel an order still unpaid after its due time; return whether it did."""
    now = now or timezone.now()
    locked = order_lock(order_id=order_id)
    if locked.status != OrderStatus.PENDING_PAYMENT or locked.payment_due_at > now:
        return False
    order_status_change(
        order=locked, to_status=OrderStatus.CANCELLED, note="payment timed out"
    )
    return True
