from django.db import models


class OrderEvent(models.Model):
    """One thing a watcher of an order is told: a status, promise or payment change.

    `seq` counts an order's events 1, 2, 3... under the order's lock, so a
    client that saw up to n asks for the rest and can tell a gap; `data` is
    the message as it was sent, so a replay is the same message.
    """

    class Kind(models.TextChoices):
        STATUS = "status", "Status"
        PROMISE = "promise", "Promise"
        PAYMENT = "payment", "Payment"

    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="events"
    )
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "orders"
        ordering = ["order", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["order", "seq"], name="order_event_seq")
        ]

    def __str__(self):
        return f"{self.order_id} #{self.seq} {self.kind}"
