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
