"""What a store's pickers read: the queue of orders to pick, pack and hand over."""

from dataclasses import dataclass

from django.db.models import F, Prefetch
from django.utils import timezone

from orders.models import Order, OrderLine, OrderStatus
from orders.stores.models import StoreStock

# The steps a picker takes, in order: the status an order is in, the one it
# moves to, and what the button says.
PICKING_STEPS = {
    OrderStatus.PAID: (OrderStatus.PACKED, "Packed"),
    OrderStatus.PACKED: (OrderStatus.OUT_FOR_DELIVERY, "Handed to a rider"),
    OrderStatus.OUT_FOR_DELIVERY: (OrderStatus.DELIVERED, "Delivered"),
}


@dataclass(frozen=True)
class PickLine:
    name: str
    size: str
    sku: str
    quantity: int
    # What the store's shelf has left now (the order's units were taken at
    # placement); None for a product size deleted since.
    on_shelf: int | None


@dataclass(frozen=True)
class PickOrder:
    order: Order
    lines: list[PickLine]
    next_status: str
    next_label: str
    is_late: bool


def picking_queue(*, store_id: int, now=None) -> dict[str, list[PickOrder]]:
    """Return the store's orders to pick, pack and deliver, by status.

    Each status's orders come in promise order (the soonest promised first,
    then the oldest), each with its lines and the shelf quantity of each;
    at most three queries whatever the queue's length.
    """
    now = now or timezone.now()
    orders = list(
        Order.objects.filter(store_id=store_id, status__in=PICKING_STEPS)
        .select_related("slot")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
        .order_by(F("promised_at").asc(nulls_last=True), "created_at", "pk")
    )
    variant_ids = {line.variant_id for order in orders for line in order.lines.all()}
    on_shelf = dict(
        StoreStock.objects.filter(store_id=store_id, variant_id__in=variant_ids)
        .order_by()
        .values_list("variant_id", "quantity")
    )
    queue: dict[str, list[PickOrder]] = {status: [] for status in PICKING_STEPS}
    for order in orders:
        next_status, next_label = PICKING_STEPS[order.status]
        lines = [
            PickLine(
                name=line.product_name,
                size=line.variant_label,
                sku=line.sku,
                quantity=line.quantity,
                on_shelf=None
                if line.variant_id is None
                else on_shelf.get(line.variant_id, 0),
            )
            for line in order.lines.all()
        ]
        is_late = order.promised_at is not None and order.promised_at < now
        queue[order.status].append(
            PickOrder(order, lines, next_status, next_label, is_late)
        )
    return queue
