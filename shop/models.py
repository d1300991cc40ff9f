from django.conf import settings
from django.db import models


class OutboundEmail(models.Model):
    """An email the shop has decided to send, recorded once under its key.

    The key (e.g. ``order-paid:42``) makes a retried service or a redelivered
    task find the existing row instead of sending a second email.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    template = models.CharField(max_length=100)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"path": storage path, "filename": ..., "mimetype": ...}]
    attachments = models.JSONField(default=list, blank=True)
    # The order number, so that failures can be found from the order.
    reference = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.template} to {self.to} ({self.status})"


class IdempotencyRecord(models.Model):
    """One client-chosen Idempotency-Key of a user, with the request it came with.

    The fingerprint tells a retry (same request) from a different request
    that reuses the key; the stored answer, where an endpoint keeps one, is
    what a retry gets back. Keys live SHOP_IDEMPOTENCY_KEY_HOURS.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    # The endpoint the key was used on: one key may serve two endpoints.
    scope = models.CharField(max_length=50)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="idempotency_key_per_user"
            )
        ]

    def __str__(self):
        return f"{self.scope} {self.key}"
