"""Reads of the orders app that matter. Row locks live in `orders.locks`.

"The user's order" is `order_get_for_user` (None for anyone else's), and a
refusal of it is `order_of_user`'s NotFound, which pages answer with 404.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from accounts.models import Address
from catalog.models import Product, ProductImage, ProductVariant
from orders.invoicing.models import Invoice
from orders.items import item_count, item_count_sql
from orders.live.models import OrderEvent
from orders.models import (
    Cart,
    CartLine,
    DarkStore,
    DeliveryKind,
    DeliverySlot,
    Order,
    OrderLine,
    OrderStatus,
    ServiceArea,
    StoreStock,
)
from orders.pricing import delivery_fee_for, line_total, subtotal_of
from shop.errors import NotFound
from shop.money import quantize

# What an order number may look like; anything else (a NUL byte, say) is no
# order and never reaches the database.
ORDER_NUMBER_PATTERN = re.compile(r"[A-Za-z0-9-]{1,32}")
# Session keys the orders app keeps for a visitor.
SESSION_CART_KEY = "orders_has_cart"
SESSION_POSTAL_CODE_KEY = "orders_postal_code"


# CART


@dataclass
class CartSummary:
    """What a cart adds up to: lines, subtotal, delivery fee and total."""

    lines: list = field(default_factory=list)
    count: int = 0
    subtotal: Decimal = Decimal("0.00")
    delivery_fee: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    free_delivery_left: Decimal = Decimal("0.00")
    free_delivery_threshold: Decimal = Decimal("0.00")
    # What the lines cost less than at MRP: "You saved ₹X".
    savings: Decimal = Decimal("0.00")
    # Lines the cart's store has none of: kept, shown apart, not in the bill,
    # and refused at checkout, so a change of PIN code back finds them again.
    unavailable: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def free_delivery_percent(self) -> int:
        """How far the subtotal is along the way to free delivery, 0 to 100."""
        if not self.free_delivery_threshold:
            return 100
        done = self.subtotal * 100 / self.free_delivery_threshold
        return min(100, int(done))


def cart_summary_build(*, lines: list, unavailable: list = ()) -> CartSummary:
    """Return the totals of cart lines whose variants are already loaded.

    `unavailable` lines are carried along, outside the totals.
    """
    for line in [*lines, *unavailable]:
        line.line_total = line_total(price=line.variant.price, quantity=line.quantity)
    subtotal = subtotal_of((ln.variant.price, ln.quantity) for ln in lines)
    fee = delivery_fee_for(subtotal=subtotal)
    threshold = quantize(settings.SHOP_FREE_DELIVERY_THRESHOLD)
    left = quantize(max(Decimal(0), threshold - subtotal)) if lines else threshold
    return CartSummary(
        lines=lines,
        count=item_count(ln.quantity for ln in lines),
        subtotal=subtotal,
        delivery_fee=fee,
        total=quantize(subtotal + fee),
        free_delivery_left=left,
        free_delivery_threshold=threshold,
        savings=quantize(
            sum(((ln.variant.mrp - ln.variant.price) * ln.quantity for ln in lines), 0)
        ),
        unavailable=list(unavailable),
    )


def cart_get(*, user=None, session_key: str | None = None) -> Cart | None:
    """Return the user's cart, or the visitor cart of a session, or None."""
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user).first()
    if session_key:
        return Cart.objects.filter(session_key=session_key, user=None).first()
    return None


def _shelf_quantity(*, store_id: int, variant_ref: str):
    """The quantity on the store's shelf of the variant `variant_ref` names, 0
    when the store has no row for it: a column of the outer query."""
    return Coalesce(
        Subquery(
            StoreStock.objects.filter(
                store_id=store_id, variant_id=OuterRef(variant_ref)
            ).values("quantity")[:1]
        ),
        0,
    )


def cart_lines_for_display(
    *,
    cart: Cart | None = None,
    cart_filter: dict | None = None,
    store_id: int | None = None,
) -> list[CartLine]:
    """Return a cart's lines with variant, product and first picture in 2 queries.

    The cart is `cart`, or the one `cart_filter` names (`{"cart__user_id": 1}`),
    which spares reading the cart row first. With `store_id` each variant
    carries that store's shelf (`shelf_stock`), read in the same query.
    """
    if cart is not None:
        cart_filter = {"cart": cart}
    if not cart_filter:
        return []
    # Only the first picture is shown, so only it is read for each product.
    images = (
        ProductImage.objects.alias(
            place=Window(
                RowNumber(), partition_by=F("product_id"), order_by=["position", "id"]
            )
        )
        .filter(place=1)
        .order_by("position", "id")
    )
    lines = (
        CartLine.objects.filter(**cart_filter)
        .select_related("variant__product")
        .prefetch_related(Prefetch("variant__product__images", queryset=images))
        .order_by("added_at", "id")
    )
    if store_id is None:
        return list(lines)
    lines = list(
        lines.annotate(
            shelf_quantity=_shelf_quantity(store_id=store_id, variant_ref="variant_id")
        )
    )
    for line in lines:
        line.variant.shelf_quantity = line.shelf_quantity
    return lines


def cart_lines_quick(
    *,
    user_id: int | None = None,
    session_key: str | None = None,
    store_id: int | None = None,
) -> list[tuple[int, int, Decimal]]:
    """Return (variant id, quantity, price) of the sellable lines of a user's
    cart, or of a visitor's (by session key), without those `store_id`'s shelf
    has none of (set apart from the bill).

    Every page's header counts the cart with it, so it is one statement
    written out: built by the ORM it cost five times the CPU (see
    "Signed-in hits, listing SQL and URLs" in docs/performance.md).
    """
    if user_id is not None:
        owner, params = "c.user_id = %s", [user_id]
    elif session_key:
        owner, params = "c.session_key = %s AND c.user_id IS NULL", [session_key]
    else:
        return []
    shelf = ""
    if store_id is not None:
        shelf = (
            " AND EXISTS (SELECT 1 FROM orders_storestock s WHERE s.store_id = %s"
            " AND s.variant_id = l.variant_id AND s.quantity > 0)"
        )
        params.append(store_id)
    # Fixed text but for the owner and shelf conditions above; values are bound.
    sql = (
        "SELECT l.variant_id, l.quantity, v.price FROM orders_cartline l"  # noqa: S608
        " JOIN orders_cart c ON c.id = l.cart_id"
        " JOIN catalog_productvariant v ON v.id = l.variant_id"
        " JOIN catalog_product p ON p.id = v.product_id"
        f" WHERE {owner} AND v.is_active AND p.is_active{shelf}"
        " ORDER BY l.added_at, l.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # SQLite hands a decimal column back as a float or an int.
    return [(variant, quantity, quantize(price)) for variant, quantity, price in rows]


def variant_is_sellable(variant: ProductVariant) -> bool:
    """Return whether a variant (with its product loaded) can still be bought."""
    return variant.is_active and variant.product.is_active


# CATALOGUE ROWS


def variant_get_for_cart(
    *, variant_id: int, store_id: int | None = None
) -> ProductVariant | None:
    """Return the variant with its product, or None when it does not exist.

    With `store_id` it carries that store's shelf (`shelf_stock`).
    """
    variants = ProductVariant.objects.select_related("product").filter(pk=variant_id)
    if store_id is not None:
        variants = variants.annotate(
            shelf_quantity=_shelf_quantity(store_id=store_id, variant_ref="pk")
        )
    return variants.first()


# DELIVERY


def postal_code_normalize(value: str) -> str:
    """Return a postal code without spaces, in capitals ("560 001" -> "560001")."""
    return "".join((value or "").split()).upper()


def service_area_get(*, postal_code: str) -> ServiceArea | None:
    """Return the active area of a postal code that an active store serves,
    with its store, or None.

    The shop's store for every request with a PIN code, so it is one
    statement written out, like `cart_lines_quick`.
    """
    code = postal_code_normalize(postal_code)
    if not code:
        return None
    area_fields = ServiceArea._meta.concrete_fields
    store_fields = DarkStore._meta.concrete_fields
    columns = [f"a.{connection.ops.quote_name(f.column)}" for f in area_fields] + [
        f"s.{connection.ops.quote_name(f.column)}" for f in store_fields
    ]
    with connection.cursor() as cursor:
        # The models' own column names; the code is bound.
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM orders_servicearea a"  # noqa: S608
            " JOIN orders_darkstore s ON s.id = a.store_id"
            " WHERE a.postal_code = %s AND a.is_active AND s.is_active",
            [code],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    area = _instance_from_row(ServiceArea, row[: len(area_fields)])
    area.store = _instance_from_row(DarkStore, row[len(area_fields) :])
    return area


def _instance_from_row(model, values):
    """Return a model instance from its concrete columns' values, converted as
    the ORM converts them (SQLite's datetimes and decimals, say)."""
    fields = model._meta.concrete_fields
    converted = []
    for model_field, value in zip(fields, values, strict=True):
        column = model_field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column)
        converters += model_field.get_db_converters(connection)
        for convert in converters:
            value = convert(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [f.attname for f in fields], converted)


def service_area_of_default_address(*, user) -> ServiceArea | None:
    """Return the served area of the user's default address, with its store, or
    None: the store an API client's cart is read at, in one query."""
    default_code = Address.objects.filter(user=user, is_default=True).values(
        "postal_code"
    )[:1]
    return (
        ServiceArea.objects.filter(
            postal_code=Subquery(default_code), is_active=True, store__is_active=True
        )
        .select_related("store")
        .first()
    )


def service_areas_named(areas) -> str:
    """Return areas as messages name them: "560001 (MG Road), 560095"."""
    return ", ".join(
        f"{area.postal_code} ({area.name})" if area.name else area.postal_code
        for area in areas
    )


def service_areas_active() -> list[ServiceArea]:
    """Return the service areas the shop delivers to (an active store serves
    them), by postal code."""
    return list(
        ServiceArea.objects.filter(is_active=True, store__is_active=True).order_by(
            "postal_code"
        )
    )


def delivery_slots_bookable(
    *, store_id: int | None, now=None
) -> QuerySet[DeliverySlot]:
    """Return a store's future, active slots with capacity left, soonest first.

    No store (no served address chosen) has no slots.
    """
    now = now or timezone.now()
    return DeliverySlot.objects.filter(
        store_id=store_id, is_active=True, starts_at__gt=now, booked__lt=F("capacity")
    ).order_by("starts_at")


def service_areas_for(*, postal_codes) -> dict[str, ServiceArea]:
    """Return the served areas (active, of an active store) of these codes, by
    code, with their stores."""
    codes = {postal_code_normalize(code) for code in postal_codes if code}
    if not codes:
        return {}
    return {
        area.postal_code: area
        for area in ServiceArea.objects.filter(
            postal_code__in=codes, is_active=True, store__is_active=True
        ).select_related("store")
    }


@dataclass(frozen=True)
class StoreLoad:
    """How busy a store is: its queue and the express places taken."""

    # Paid orders not packed yet: what the pickers have ahead of a new order.
    queue: int
    # Express orders placed since the window began that still hold a place.
    express_taken: int


def store_load(*, store_id: int, since) -> StoreLoad:
    """Return the store's queue of paid, unpacked orders and its express
    orders placed after `since` that hold a place, in one query.

    An express order holds its place until its goods go back to the shelf
    (`stock_released_at`), which is the one give-back rule of
    `orders.services.stock`; an order that left the shop keeps it.
    """
    queued = Q(status=OrderStatus.PAID)
    holding = Q(
        delivery_kind=DeliveryKind.EXPRESS,
        created_at__gt=since,
        stock_released_at__isnull=True,
    )
    # The OR keeps the read to the rows the two indexes of migration
    # 0009_express_booking find, not every order the store ever had.
    counts = (
        Order.objects.filter(store_id=store_id)
        .filter(queued | holding)
        .aggregate(
            queue=Count("pk", filter=queued),
            express_taken=Count("pk", filter=holding),
        )
    )
    return StoreLoad(queue=counts["queue"], express_taken=counts["express_taken"])


def delivery_slot_of(*, slot_id: int) -> DeliverySlot:
    """Return the slot with this id, or raise NotFound."""
    slot = DeliverySlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise NotFound("That delivery slot does not exist.")
    return slot


# ORDERS


def unpaid_order_count(*, now, user=None, client_ip: str | None = None) -> int:
    """Return how many orders of the user (or placed from the client address)
    await payment and still hold their stock."""
    unpaid = Order.objects.filter(
        status=OrderStatus.PENDING_PAYMENT, payment_due_at__gt=now
    )
    if user is not None:
        unpaid = unpaid.filter(user=user)
    if client_ip is not None:
        unpaid = unpaid.filter(client_ip=client_ip)
    return unpaid.count()


def _live_seq():
    """The number of the order's latest live event (0: none yet), which a page
    hands its live script so it resumes from there."""
    latest = OrderEvent.objects.filter(order=OuterRef("pk")).order_by("-seq")
    return Coalesce(Subquery(latest.values("seq")[:1]), 0)


def order_list_for_user(*, user) -> QuerySet[Order]:
    """Return the user's orders, newest first, with slot, store, item count and
    live number."""
    return (
        Order.objects.filter(user=user)
        .select_related("slot", "store")
        .annotate(item_count=item_count_sql(), live_seq=_live_seq())
        .order_by("-created_at", "-id")
    )


def order_number_plausible(number: str) -> bool:
    """Return whether a string can be an order number at all (and is safe to query)."""
    return bool(ORDER_NUMBER_PATTERN.fullmatch(number or ""))


def order_get_for_user(*, user, number: str) -> Order | None:
    """Return one of the user's orders with lines and history, or None."""
    if user is None or not user.is_authenticated or not order_number_plausible(number):
        return None
    return (
        Order.objects.filter(user=user, number=number)
        .select_related("slot", "store")
        .annotate(live_seq=_live_seq())
        .prefetch_related("lines", "history__changed_by")
        .first()
    )


def order_of_user(*, user, number: str) -> Order:
    """Return one of the user's orders, or raise NotFound for any other number."""
    order = order_get_for_user(user=user, number=number)
    if order is None:
        raise NotFound("That order was not found.")
    return order


def order_invoice_ready(*, order: Order) -> bool:
    """Return whether the order has an invoice ready to download."""
    return Invoice.objects.filter(
        order=order, kind=Invoice.Kind.INVOICE, status=Invoice.Status.READY
    ).exists()


def order_ids_unpaid_expired(*, now=None) -> list[int]:
    """Return the ids of orders still awaiting payment after their due time."""
    now = now or timezone.now()
    return list(
        Order.objects.filter(
            status=OrderStatus.PENDING_PAYMENT, payment_due_at__lte=now
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Orders whose goods the shopper got, or is about to: what "Buy again" offers.
BOUGHT_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.PACKED,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.DELIVERED,
)


def products_bought_before(*, user, limit: int = 12) -> list[int]:
    """Return the ids of products the user has bought, most recent first, once each."""
    rows = (
        OrderLine.objects.filter(
            order__user=user,
            order__status__in=BOUGHT_STATUSES,
            variant__isnull=False,
        )
        .order_by("-order__created_at", "-id")
        .values_list("variant__product_id", flat=True)[: limit * 4]
    )
    return list(dict.fromkeys(rows))[:limit]


def user_has_received_product(*, user, product: Product) -> bool:
    """Return whether the user has a delivered order holding a variant of product."""
    if user is None or not user.is_authenticated:
        return False
    return OrderLine.objects.filter(
        order__user=user,
        order__status=OrderStatus.DELIVERED,
        variant__product_id=product.pk,
    ).exists()
