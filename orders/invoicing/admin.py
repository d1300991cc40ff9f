"""Invoices and order emails on the order's admin page, mixed into OrderAdmin.

Staff (never sellers: these documents cover every seller's lines and the
shopper's address) see the order's invoice and credit notes with their state
and last error, the emails recorded for the order, and get the action
"Retry invoice and emails", which calls `order_invoice_and_emails_retry`.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from orders.invoicing.models import Invoice
from orders.invoicing.services import order_invoice_and_emails_retry
from shop.access import user_is_shop_staff, user_is_shop_staff_with
from shop.selectors import outbound_emails_for_reference


class InvoiceInline(admin.TabularInline):
    model = Invoice
    fk_name = "order"
    extra = 0
    can_delete = False
    fields = [
        "number",
        "kind",
        "status",
        "amount",
        "issued_at",
        "last_error_short",
        "download",
    ]
    readonly_fields = fields
    ordering = ["issued_at", "pk"]
    verbose_name = "invoice or credit note"
    verbose_name_plural = "invoice and credit notes"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="last error")
    def last_error_short(self, invoice):
        return Truncator(invoice.last_error).chars(200) or "—"

    @admin.display(description="PDF")
    def download(self, invoice):
        if invoice.status != Invoice.Status.READY:
            return "—"
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            url = reverse(
                "orders:credit_note",
                kwargs={
                    "number": invoice.order.number,
                    "invoice_number": invoice.number,
                },
            )
        else:
            url = reverse("orders:invoice", kwargs={"number": invoice.order.number})
        return format_html('<a href="{}">Download {}</a>', url, invoice.number)


class OrderInvoicingAdminMixin:
    """The order's invoices, emails and the retry action, for staff."""

    invoicing_inlines = [InvoiceInline]

    def has_invoicing_retry_permission(self, request) -> bool:
        return user_is_shop_staff_with(request.user, "orders.change_order")

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if user_is_shop_staff(request.user):
            inlines += self.invoicing_inlines
        return inlines

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_invoicing_retry_permission(request):
            func, name, description = self.get_action("retry_invoice_and_emails")
            actions[name] = (func, name, description)
        return actions

    @admin.display(description="emails")
    def outbound_emails(self, order):
        """The emails recorded for the order, with their delivery state."""
        emails = list(outbound_emails_for_reference(reference=order.number))
        if not emails:
            return "No emails yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    self._email_link(email),
                    email.get_status_display(),
                    email.attempts,
                    email.sent_at.strftime("%d %b %Y %H:%M") if email.sent_at else "—",
                    Truncator(email.last_error).chars(200) or "—",
                )
                for email in emails
            ),
        )
        return format_html(
            "<table><thead><tr><th>Email</th><th>Status</th><th>Attempts</th>"
            "<th>Sent</th><th>Last error</th></tr></thead><tbody>{}</tbody>"
            "</table>",
            rows,
        )

    @staticmethod
    def _email_link(email):
        try:
            url = reverse("admin:shop_outboundemail_change", args=[email.pk])
        except NoReverseMatch:
            return email.subject
        return format_html('<a href="{}">{}</a>', url, email.subject)

    @admin.action(description="Retry invoice and emails")
    def retry_invoice_and_emails(self, request, queryset):
        if not self.has_invoicing_retry_permission(request):
            raise PermissionDenied
        queued = []
        for order in queryset.order_by("pk"):
            queued += order_invoice_and_emails_retry(order=order)
        if queued:
            self.message_user(
                request, "Queued again: " + "; ".join(queued) + ".", messages.SUCCESS
            )
        else:
            self.message_user(
                request,
                "Nothing to retry: invoices are ready and emails were sent.",
                messages.INFO,
            )
