"""Refunds in the admin, mixed into `orders.admin.OrderAdmin`.

Staff with the `orders.add_refund` permission (superusers; never sellers,
whose group lacks it) get a "Refund in full" action with a confirmation
page, and a page per order to refund chosen quantities of its lines. Both
call `payment_refund`; the order's page shows its payments and refunds.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from orders.models import OrderLine, OrderStatus
from orders.payments.forms import RefundLinesForm
from orders.payments.models import Payment, Refund
from orders.payments.services import REFUNDABLE_STATUSES, payment_refund
from shop.access import user_is_shop_staff, user_is_shop_staff_with
from shop.errors import DomainError


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = [
        "attempt",
        "provider",
        "intent_id",
        "amount",
        "currency",
        "status",
        "failure_message",
        "created_at",
    ]
    readonly_fields = fields
    ordering = ["attempt"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "amount",
        "status",
        "refund_id",
        "reason",
        "lines",
        "created_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderPaymentsAdminMixin:
    """Payments and refunds on the order admin, for staff allowed to refund."""

    change_form_template = "admin/orders/payment_change_form.html"
    payment_inlines = [PaymentInline, RefundInline]

    def has_refund_permission(self, request) -> bool:
        return user_is_shop_staff_with(request.user, "orders.add_refund")

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        # Payments cover every seller's lines, so only shop staff see them.
        if user_is_shop_staff(request.user):
            inlines += self.payment_inlines
        return inlines

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_refund_permission(request):
            func, name, description = self.get_action("refund_in_full")
            actions[name] = (func, name, description)
        return actions

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="orders_order_refund",
            ),
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        order = self.get_object(request, object_id)
        if (
            order is not None
            and order.status in REFUNDABLE_STATUSES
            and self.has_refund_permission(request)
        ):
            extra_context["refund_url"] = reverse(
                "admin:orders_order_refund", args=[order.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Refund in full (through Stripe)")
    def refund_in_full(self, request, queryset):
        if not self.has_refund_permission(request):
            raise PermissionDenied
        orders = list(queryset.order_by("pk"))
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/orders/payment_refund_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Refund these orders in full?",
                    "opts": self.model._meta,
                    "orders": orders,
                    "refundable": [
                        o for o in orders if o.status in REFUNDABLE_STATUSES
                    ],
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        refunded, refusals = [], []
        for order in orders:
            try:
                refund = payment_refund(order=order, by=request.user, reason="admin")
            except DomainError as exc:
                refusals.append(exc.message)
            else:
                refunded.append(f"{order.number} ({refund.amount} {order.currency})")
        if refunded:
            self.message_user(
                request, "Refunded in full: " + ", ".join(refunded), messages.SUCCESS
            )
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)
        return None

    def refund_view(self, request, object_id):
        """Refund chosen quantities of an order's lines, or everything left."""
        if not self.has_refund_permission(request):
            raise PermissionDenied
        order = self.get_object(request, object_id)
        if order is None:
            raise Http404("No such order.")
        change_url = reverse("admin:orders_order_change", args=[order.pk])
        lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
        form = RefundLinesForm(
            request.POST if request.method == "POST" else None, lines=lines
        )
        if request.method == "POST":
            full = "refund_all" in request.POST
            if full or form.is_valid():
                reason = form.data.get("reason", "")[:300]
                try:
                    refund = payment_refund(
                        order=order,
                        by=request.user,
                        lines=None if full else form.quantities(),
                        reason=reason,
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"Refunded {refund.amount} {order.currency} on order "
                        f"{order.number}.",
                        messages.SUCCESS,
                    )
                    return redirect(change_url)
        return TemplateResponse(
            request,
            "admin/orders/payment_refund.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Refund order {order.number}",
                "opts": self.model._meta,
                "original": order,
                "order": order,
                "form": form,
                "refundable": order.status in REFUNDABLE_STATUSES,
                "left_to_refund": order.total - order.refunded_amount,
                "status_label": OrderStatus(order.status).label,
                "change_url": change_url,
            },
        )
