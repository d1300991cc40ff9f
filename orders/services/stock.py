"""Every move of stock and of delivery-slot capacity, and the rule for giving back.

Stock lives on a dark store's shelf (`StoreStock`). It is taken, returned,
booked and released only here, each by a conditional update
(`... WHERE quantity >= q`, `... WHERE booked < capacity`) after the variant
rows are locked in primary-key order (`orders.locks`), so no interleaving of
transactions can sell what is not there. `ProductVariant.stock` is the
variant's sum over all shelves, kept for the catalogue's reads; it moves in
the same statement pair as the shelf, here and nowhere else.

An express place is booked here too (`express_place_book`), under the
store's row lock, and the order is the booking: see that function for why.

The one rule for giving back: goods that never left the shop (an order
awaiting payment, paid or packed) go back to the shelf of the order's store,
and the slot or express place is freed, when the order is cancelled, expires
or is refunded, exactly once (`Order.stock_released_at`). Goods out for
delivery or delivered do not.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import ProductVariant
from orders.errors import OrderShareExceeded, OutOfStock, SlotFull
from orders.locks import store_lock, variants_lock
from orders.models import DeliverySlot, Order, OrderLine, OrderStatus, StoreStock
from orders.selectors import variant_is_sellable
from orders.services.express import ExpressPromise, express_promise, express_refusal
from shop.errors import Conflict, DomainError, NotFound

# The orders whose goods are still in the shop.
GOODS_IN_SHOP = frozenset(
    {OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PACKED}
)


def goods_in_shop(status: str) -> bool:
    """Return whether an order in `status` still has its goods in the shop."""
    return status in GOODS_IN_SHOP


def stock_shortage(variant: ProductVariant, requested: int, available: int) -> dict:
    """Return what OutOfStock says about one variant asked for `requested` times."""
    return {
        "variant": variant.pk,
        "sku": variant.sku,
        "name": f"{variant.product.name} ({variant.label})",
        "requested": requested,
        "available": max(available, 0) if variant_is_sellable(variant) else 0,
    }


def order_share_allowed(stock: int) -> int:
    """Return how much of what is left one order may take.

    A share of it, but never fewer than the minimum, so the last few units
    can be bought; against hoarding by unpaid orders.
    """
    share = stock * settings.SHOP_ORDER_SHARE_PERCENT // 100
    return max(share, settings.SHOP_ORDER_SHARE_MIN_UNITS)


def _share_excess(variant: ProductVariant, requested: int, on_shelf: int) -> dict:
    return {
        "variant": variant.pk,
        "sku": variant.sku,
        "name": f"{variant.product.name} ({variant.label})",
        "requested": requested,
        "allowed": order_share_allowed(on_shelf),
    }


def store_stock_of(*, store_id: int, variant_ids) -> dict[int, int]:
    """Return {variant id: quantity on the store's shelf}; 0 for a variant it lacks."""
    on_shelf = dict(
        StoreStock.objects.filter(
            store_id=store_id, variant_id__in=variant_ids
        ).values_list("variant_id", "quantity")
    )
    return {variant_id: on_shelf.get(variant_id, 0) for variant_id in variant_ids}


def _shelf_move(*, store_id: int, variant_id: int, delta: int) -> bool:
    """Move one shelf and the variant's shop-wide sum by `delta`; never below 0."""
    moved = StoreStock.objects.filter(
        store_id=store_id, variant_id=variant_id, quantity__gte=-delta
    ).update(quantity=F("quantity") + delta)
    if moved:
        ProductVariant.objects.filter(pk=variant_id).update(stock=F("stock") + delta)
    return bool(moved)


def stock_take(
    *, store_id: int, variants: list[ProductVariant], wanted: dict[int, int]
) -> None:
    """Take `wanted[variant id]` of each locked variant from a store, or raise.

    Raise OutOfStock (naming what the store has) when the store's shelf has
    less than is wanted, and OrderShareExceeded when one order asks for more
    than its share of that shelf. Call while holding `variants_lock` on
    `variants`: the variant row lock serialises every move of that variant's
    shelves, and the caller's atomic block undoes what was taken if a later
    variant is short.
    """
    on_shelf = store_stock_of(store_id=store_id, variant_ids=wanted)
    shortages = [
        stock_shortage(variant, wanted[variant.pk], on_shelf[variant.pk])
        for variant in variants
        if not variant_is_sellable(variant) or on_shelf[variant.pk] < wanted[variant.pk]
    ]
    if shortages:
        raise OutOfStock(shortages)
    over_share = [
        _share_excess(variant, wanted[variant.pk], on_shelf[variant.pk])
        for variant in variants
        if wanted[variant.pk] > order_share_allowed(on_shelf[variant.pk])
    ]
    if over_share:
        raise OrderShareExceeded(over_share)
    for variant in variants:
        if not _shelf_move(
            store_id=store_id, variant_id=variant.pk, delta=-wanted[variant.pk]
        ):
            # Unreachable while the row lock holds.
            available = store_stock_of(store_id=store_id, variant_ids=[variant.pk])
            raise OutOfStock(
                [stock_shortage(variant, wanted[variant.pk], available[variant.pk])]
            )


def stock_return(*, store_id: int, quantities: dict[int, int]) -> None:
    """Put `quantities[variant id]` back on the store's shelf, in variant order."""
    for variant_id in sorted(quantities):
        StoreStock.objects.get_or_create(store_id=store_id, variant_id=variant_id)
        _shelf_move(
            store_id=store_id, variant_id=variant_id, delta=quantities[variant_id]
        )


@transaction.atomic
def store_stock_adjust(*, store_id: int, variant_id: int, delta: int) -> StoreStock:
    """Change a store's shelf of a variant by `delta` (a count, not a total).

    Staff count while orders take stock, so they say what arrived or went
    missing, and the sales made while they typed stay taken. Raises Conflict
    when the shelf has fewer than `-delta`; returns the shelf as it is now.
    """
    locked = variants_lock(variant_ids=[variant_id])
    if not locked:
        raise NotFound("That product size does not exist.")
    variant = locked[0]
    row, _created = StoreStock.objects.get_or_create(
        store_id=store_id, variant_id=variant_id
    )
    if not _shelf_move(store_id=store_id, variant_id=variant_id, delta=delta):
        raise Conflict(
            f"The store has {row.quantity} of {variant.sku}; it cannot lose {-delta}.",
            code="stock_below_zero",
        )
    row.refresh_from_db(fields=["quantity"])
    return row


@transaction.atomic
def store_stock_counts_apply(*, deltas: dict[tuple[int, int], int]) -> dict:
    """Apply a stock count, {(store id, variant id): delta}, all or nothing.

    Each delta is what was counted less what the count sheet said was on the
    shelf, so sales made since the sheet was printed stay taken. Raise
    NotFound for an unknown variant and Conflict (`stock_below_zero`, its
    `short` naming each shelf and what it has now) when any shelf would go
    below zero; then nothing moves. Return {(store id, variant id): quantity
    now} for the shelves counted.
    """
    variant_ids = {variant_id for _store_id, variant_id in deltas}
    locked = variants_lock(variant_ids=variant_ids)
    if len(locked) != len(variant_ids):
        raise NotFound("That product size does not exist.")
    on_shelf = {
        (store_id, variant_id): quantity
        for store_id, variant_id, quantity in StoreStock.objects.filter(
            store_id__in={store_id for store_id, _variant_id in deltas},
            variant_id__in=variant_ids,
        ).values_list("store_id", "variant_id", "quantity")
    }
    short = [
        {"store": key[0], "variant": key[1], "on_shelf": on_shelf.get(key, 0)}
        for key, delta in sorted(deltas.items())
        if on_shelf.get(key, 0) + delta < 0
    ]
    if short:
        raise Conflict(
            f"{len(short)} shelves have fewer than the count takes away; "
            "nothing was changed.",
            code="stock_below_zero",
            extra={"short": short},
        )
    for (store_id, variant_id), delta in sorted(deltas.items()):
        if delta == 0:
            continue
        StoreStock.objects.get_or_create(store_id=store_id, variant_id=variant_id)
        _shelf_move(store_id=store_id, variant_id=variant_id, delta=delta)
    return {key: on_shelf.get(key, 0) + delta for key, delta in deltas.items()}


def stock_unshelved_place(*, store_ids: list[int]) -> int:
    """Split each variant's stock that is on no shelf evenly over these stores.

    A variant's `stock` beyond the sum of its shelves is stock counted
    before it had a store (the demo seed writes it so); it goes onto the
    shelves, the first stores taking the remainder, and the variant's sum
    stays as it is. Return how many variants were placed.
    """
    unshelved = (
        ProductVariant.objects.annotate(
            shelved=Coalesce(Sum("store_stock__quantity"), 0)
        )
        .filter(stock__gt=F("shelved"))
        .values_list("pk", F("stock") - F("shelved"))
        .order_by("pk")
    )
    placed = 0
    for variant_id, quantity in unshelved:
        share, remainder = divmod(quantity, len(store_ids))
        for position, store_id in enumerate(store_ids):
            amount = share + (1 if position < remainder else 0)
            row, _created = StoreStock.objects.get_or_create(
                store_id=store_id, variant_id=variant_id
            )
            StoreStock.objects.filter(pk=row.pk).update(quantity=F("quantity") + amount)
        placed += 1
    return placed


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


def express_place_book(*, store_id: int, now) -> ExpressPromise:
    """Book one of the store's express places for an order placed at `now`;
    return the promise it is booked under, or raise ExpressUnavailable
    (offering slots) when the store is closed or its places are taken.

    The order is the booking: an express order placed in the last
    `express_window_minutes` whose goods have not gone back holds a place.
    A rolling window has no fixed bucket a counter row could hold, and a
    count of the orders themselves cannot drift from them: the place is
    freed by the same once-only `stock_released_at` stamp that gives the
    goods back, on cancellation, expiry or refund. The count is race-safe
    because the store's row is locked first (`store_lock`), so the next
    booking at that store counts after this transaction's order commits;
    call inside the placing transaction, after `variants_lock`.
    """
    store = store_lock(store_id=store_id)
    promise = express_promise(store=store, now=now)
    if not promise.offered:
        raise express_refusal(promise=promise)
    return promise


def delivery_slot_release(*, slot_id: int) -> bool:
    """Give one unit of a slot's capacity back; return whether it moved."""
    return bool(
        DeliverySlot.objects.filter(pk=slot_id, booked__gt=0).update(
            booked=F("booked") - 1
        )
    )


def delivery_slot_capacity_change(*, slot_id: int, capacity: int) -> DeliverySlot:
    """Set a slot's capacity unless more orders than that booked it; return it.

    The check and the write are one conditional update, so a booking that
    commits while staff edit the slot is neither lost nor overbooked.
    """
    changed = DeliverySlot.objects.filter(pk=slot_id, booked__lte=capacity).update(
        capacity=capacity
    )
    slot = DeliverySlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("That delivery slot does not exist.")
    if not changed:
        raise Conflict(
            f"{slot.booked} orders already booked this slot; the capacity cannot "
            "be lower.",
            code="capacity_below_bookings",
        )
    return slot


@transaction.atomic
def order_stock_release(*, order: Order) -> bool:
    """Give the order's stock and its slot or express place back once; return
    whether this call did.

    Call only for goods still in the shop (`goods_in_shop`). What a partial
    refund already put back (`refunded_quantity`) is not put back twice.
    """
    # The conditional update is the "once": a second caller updates no row.
    released = Order.objects.filter(pk=order.pk, stock_released_at__isnull=True).update(
        stock_released_at=timezone.now()
    )
    if not released:
        return False
    quantities: dict[int, int] = {}
    for variant_id, quantity in OrderLine.objects.filter(
        order_id=order.pk, variant__isnull=False, quantity__gt=F("refunded_quantity")
    ).values_list("variant_id", F("quantity") - F("refunded_quantity")):
        quantities[variant_id] = quantities.get(variant_id, 0) + quantity
    stock_return(store_id=order.store_id, quantities=quantities)
    # An express order's place is freed by the stamp above (see
    # `express_place_book`); a slot order's unit of capacity goes back here.
    if order.slot_id is not None:
        delivery_slot_release(slot_id=order.slot_id)
    return True


def order_refund_restock(
    *, order: Order, lines: list[OrderLine], quantities: dict[int, int], full: bool
) -> None:
    """Put refunded goods back on the shelf when they never left the shop.

    `quantities` is {order line id: quantity}; a full refund gives back the
    slot too, once. Call before the refund counts the quantities in
    `refunded_quantity`, so that nothing is put back twice.
    """
    if not goods_in_shop(order.status):
        return
    if full:
        order_stock_release(order=order)
        return
    if order.stock_released_at is not None:
        return
    by_variant: dict[int, int] = {}
    for line in lines:
        if line.pk in quantities and line.variant_id is not None:
            by_variant[line.variant_id] = (
                by_variant.get(line.variant_id, 0) + quantities[line.pk]
            )
    stock_return(store_id=order.store_id, quantities=by_variant)
