"""Every email the shop recorded, read-only for staff, with a retry action."""

from django.contrib import admin, messages

from shop.access import user_is_shop_staff_with
from shop.emails import email_retry
from shop.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to",
        "subject",
        "template",
        "reference",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "template", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["key", "to", "reference", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "key",
        "to",
        "subject",
        "template",
        "reference",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "attachments",
        "body_text",
        "body_html",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request) -> bool:
        return user_is_shop_staff_with(request.user, "shop.change_outboundemail")

    @admin.action(description="Send again (emails not sent yet)", permissions=["retry"])
    def send_again(self, request, queryset):
        queued = sum(email_retry(email=email) for email in queryset.order_by("pk"))
        skipped = queryset.count() - queued
        if queued:
            self.message_user(
                request,
                f"{queued} email{'s' if queued != 1 else ''} queued again.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"{skipped} already sent; not sent twice.",
                messages.INFO,
            )
