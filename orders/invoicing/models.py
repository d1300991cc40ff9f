"""Invoices, credit notes and their gap-free numbering.

They belong to the orders app (`app_label = "orders"`), so the tables and
migrations are the ones they always were.
"""

import uuid

from django.db import models

from shop.money import MONEY_FIELD as MONEY
from shop.storage import NamedStorage


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
        app_label = "orders"
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

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    refund = models.OneToOneField(
        "orders.Refund",
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
        app_label = "orders"
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
