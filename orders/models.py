from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shop.money import MONEY_FIELD as MONEY


class ServiceArea(models.Model):
    """A postal code the shop delivers to, and how fast."""

    postal_code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100, blank=True)
    promise_minutes = models.PositiveIntegerField(default=15)
    is_active = models.BooleanField(default=True)
    # The one store that serves this code (postal_code is unique); without a
    # store the code is not served.
    store = models.ForeignKey(
        "orders.DarkStore",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas",
    )

    class Meta:
        ordering = ["postal_code"]

    def __str__(self):
        return f"{self.postal_code} {self.name}".strip()


class DeliverySlot(models.Model):
    """A delivery window of one store, whose capacity is booked like stock."""

    store = models.ForeignKey(
        "orders.DarkStore", on_delete=models.PROTECT, related_name="slots"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    booked = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")),
                name="slot_not_overbooked",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="slot_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["store", "starts_at", "ends_at"], name="slot_unique_window"
            ),
        ]

    def __str__(self):
        # In the shop's time zone: a shopper in Bengaluru reads 18:00, not 12:30.
        starts_at = timezone.localtime(self.starts_at)
        ends_at = timezone.localtime(self.ends_at)
        return f"{starts_at:%d %b %H:%M}–{ends_at:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


class Cart(models.Model):
    """A user's cart, or a visitor's kept by session key until login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False)
                | models.Q(session_key__isnull=False),
                name="cart_has_owner",
            ),
        ]

    def __str__(self):
        return f"Cart {self.pk} ({self.user_id or self.session_key})"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "variant"], name="cartline_one_per_variant"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="cartline_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant_id}"


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    PACKED = "packed", "Packed"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


# The only status changes there are; `order_status_set` enforces them.
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(
        {OrderStatus.PACKED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    ),
    OrderStatus.PACKED: frozenset({OrderStatus.OUT_FOR_DELIVERY, OrderStatus.REFUNDED}),
    OrderStatus.OUT_FOR_DELIVERY: frozenset(
        {OrderStatus.DELIVERED, OrderStatus.REFUNDED}
    ),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.REFUNDED: frozenset(),
}


class DeliveryKind(models.TextChoices):
    EXPRESS = "express", "Express"
    SLOT = "slot", "Scheduled slot"


class Order(models.Model):
    number = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField()
    status = models.CharField(
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    # The delivery address as it was when the order was placed.
    address = models.JSONField()
    postal_code = models.CharField(max_length=12, db_index=True)
    # The store that picks the order: its stock was taken, and goes back there.
    store = models.ForeignKey(
        "orders.DarkStore", on_delete=models.PROTECT, related_name="orders"
    )
    # Express orders have a promised time and no slot; slot orders have a slot.
    delivery_kind = models.CharField(
        max_length=10, choices=DeliveryKind.choices, default=DeliveryKind.SLOT
    )
    slot = models.ForeignKey(
        DeliverySlot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # When the shopper was told it arrives (express: placed + the store's
    # promise; a slot: its end).
    promised_at = models.DateTimeField(null=True, blank=True, db_index=True)
    subtotal = models.DecimalField(**MONEY)
    delivery_fee = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    currency = models.CharField(max_length=3)
    # A client's retry with the same key gets this order back.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    # Set when stock and the slot went back, so it happens once.
    stock_released_at = models.DateTimeField(null=True, blank=True)
    payment_due_at = models.DateTimeField(db_index=True)
    # Where the order was placed from, as the rate limits see it: unpaid
    # orders are limited per client address too.
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                name="order_idempotency_key_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total=models.F("subtotal") + models.F("delivery_fee")
                ),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_kind="express", slot__isnull=True)
                | models.Q(delivery_kind="slot", slot__isnull=False),
                name="order_slot_matches_kind",
            ),
        ]
        indexes = [
            # A store's queue of paid orders: the express promise's minutes.
            models.Index(fields=["store", "status"], name="order_store_status"),
            # Express orders holding a place, counted under the store's lock at
            # every express booking (`orders.selectors.store_load`).
            models.Index(
                fields=["store", "created_at"],
                name="order_express_holding",
                condition=models.Q(
                    delivery_kind="express", stock_released_at__isnull=True
                ),
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:order_detail", kwargs={"number": self.number})


class OrderLine(models.Model):
    """A line with the product's name, SKU and price as they were at purchase."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sold_lines"
    )
    product_name = models.CharField(max_length=200)
    variant_label = models.CharField(max_length=50)
    sku = models.CharField(max_length=64)
    unit_price = models.DecimalField(**MONEY)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**MONEY)
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orderline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_quantity__lte=models.F("quantity")),
                name="orderline_refund_within_quantity",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name} {self.variant_label}"


class OrderStatusChange(models.Model):
    """One row for every status change: who, when, from and to."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"


# The models of the sub-packages are the orders app's too; importing them here
# registers them with the app, and the migrations name `_invoice_path` and
# `invoice_storage` here.
from orders.invoicing.models import (  # noqa: E402
    Invoice,
    InvoiceSequence,
    _invoice_path,
    invoice_storage,
)
from orders.live.models import OrderEvent  # noqa: E402
from orders.payments.models import Payment, Refund, StripeEvent  # noqa: E402
from orders.stores.models import DarkStore, StoreStaff, StoreStock  # noqa: E402

__all__ = [
    "TRANSITIONS",
    "Cart",
    "CartLine",
    "DarkStore",
    "DeliveryKind",
    "DeliverySlot",
    "Invoice",
    "InvoiceSequence",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "OrderStatusChange",
    "Payment",
    "Refund",
    "ServiceArea",
    "StoreStaff",
    "StoreStock",
    "StripeEvent",
    "_invoice_path",
    "invoice_storage",
]
