import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shop.storage import NamedStorage

MONEY = {"max_digits": 12, "decimal_places": 2}


class ServiceArea(models.Model):
    """A postal code the shop delivers to, and how fast."""

    postal_code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=100, blank=True)
    promise_minutes = models.PositiveIntegerField(default=15)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["postal_code"]

    def __str__(self):
        return f"{self.postal_code} {self.name}".strip()


class DeliverySlot(models.Model):
    """A delivery window whose capacity is booked like stock."""

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
                fields=["starts_at", "ends_at"], name="slot_unique_window"
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


# The only status changes there are; `order_status_change` enforces them.
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
    slot = models.ForeignKey(
        DeliverySlot, on_delete=models.PROTECT, related_name="orders"
    )
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


class Payment(models.Model):
    """One attempt to be paid for an order: a PaymentIntent, or an offline one."""

    class Provider(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        OFFLINE = "offline", "Offline test cards"

    class Status(models.TextChoices):
        CREATED = "created", "Created"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=10, choices=Provider.choices)
    attempt = models.PositiveIntegerField(default=1)
    intent_id = models.CharField(max_length=100, unique=True)
    client_secret = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.CREATED
    )
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "attempt"], name="payment_attempt_per_order"
            ),
        ]

    def __str__(self):
        return f"{self.intent_id} ({self.status})"


class StripeEvent(models.Model):
    """Each webhook event once: a second delivery finds this row and stops."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds"
    )
    refund_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=300, blank=True)
    # {"<order line id>": quantity} for a partial refund by line; empty for full.
    lines = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Refund {self.amount} on {self.order_id}"


def _invoice_path(instance, filename):
    # A random path: knowing an order number must not reveal its invoice.
    return f"invoices/{instance.issued_at:%Y}/{uuid.uuid4().hex}.pdf"


def invoice_storage():
    """The private storage of invoice PDFs (STORAGES["invoices"])."""
    return INVOICE_STORAGE


INVOICE_STORAGE = NamedStorage("invoices")


class InvoiceSequence(models.Model):
    """The last number given per kind and year; its row lock keeps numbers gap-free."""

    kind = models.CharField(max_length=12)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="sequence_kind_year"),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    class Status(models.TextChoices):
        PENDING = "pending", "Being rendered"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    refund = models.OneToOneField(
        Refund,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_note",
    )
    number = models.CharField(max_length=30, unique=True)
    year = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    pdf = models.FileField(upload_to=_invoice_path, storage=invoice_storage, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    last_error = models.TextField(blank=True)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "sequence"], name="invoice_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(kind="invoice"),
                name="invoice_one_per_order",
            ),
        ]

    def __str__(self):
        return self.number
