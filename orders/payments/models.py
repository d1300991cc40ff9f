"""Payment attempts, Stripe's events, and refunds: the rows about money.

They belong to the orders app (`app_label = "orders"`), so the tables and
migrations are the ones they always were.
"""

from django.conf import settings
from django.db import models

from shop.money import MONEY_FIELD as MONEY


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

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="payments"
    )
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
        app_label = "orders"
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
        app_label = "orders"
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="refunds"
    )
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
        app_label = "orders"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Refund {self.amount} on {self.order_id}"
