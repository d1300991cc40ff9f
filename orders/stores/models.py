"""A dark store and its shelf: stock per store and variant.

Price and MRP stay on the variant; what a store has is its `StoreStock`
rows, which only `orders.services.stock` changes, by conditional updates.
"""

from django.conf import settings
from django.db import models

# The group that holds what store staff may do (orders/0008_store_staff_role);
# which store they do it at is their `StoreStaff` row.
STORE_STAFF_GROUP = "Store staff"


class DarkStore(models.Model):
    """A store goods are picked at; it serves the postal codes of its areas."""

    name = models.CharField(max_length=100, unique=True)
    address = models.TextField()
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    is_active = models.BooleanField(default=True)
    # Express delivery: the promise is the base time plus the minutes each
    # paid, unpacked order ahead adds; at most `express_capacity` express
    # orders are taken in any `express_window_minutes`, as riders allow.
    express_base_minutes = models.PositiveSmallIntegerField(default=10)
    express_minutes_per_order = models.PositiveSmallIntegerField(default=2)
    express_capacity = models.PositiveSmallIntegerField(default=10)
    express_window_minutes = models.PositiveSmallIntegerField(default=30)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "orders"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(express_window_minutes__gt=0),
                name="store_express_window_positive",
            ),
        ]

    def __str__(self):
        return self.name


class StoreStock(models.Model):
    """How many of one variant one store has on its shelf."""

    store = models.ForeignKey(
        DarkStore, on_delete=models.PROTECT, related_name="stock_rows"
    )
    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="store_stock"
    )
    quantity = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "orders"
        ordering = ["store", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "variant"], name="storestock_one_per_store_variant"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="storestock_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.store_id}: {self.quantity} × {self.variant_id}"


class StoreStaff(models.Model):
    """A user who picks and packs at one store, and sees nothing of the others."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_staff"
    )
    store = models.ForeignKey(DarkStore, on_delete=models.PROTECT, related_name="staff")

    class Meta:
        app_label = "orders"
        verbose_name_plural = "store staff"

    def __str__(self):
        return f"{self.user} at {self.store}"
