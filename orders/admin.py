"""Orders in the admin: sellers fulfil their orders, store staff pick their
store's, shop staff run everything.

A seller sees only the orders holding their products, and of those only their
own lines; store staff see only their store's orders (`StoreScopedAdminMixin`)
and work them in the picking queue. Nobody edits an order's fields: status
moves through the actions and the queue's buttons, which call
`order_status_change`. Other parts of the shop extend `OrderAdmin` by adding
to `actions` and `inlines`.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from orders.invoicing.admin import OrderInvoicingAdminMixin
from orders.live.admin import OrderLiveAdminMixin
from orders.models import (
    DarkStore,
    DeliverySlot,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    ServiceArea,
)
from orders.payments.admin import OrderPaymentsAdminMixin
from orders.services.cancellation import order_cancel
from orders.services.delivery import delivery_slot_save
from orders.services.status import order_status_change
from orders.stores.admin import StoreScopedAdminMixin  # (registers the stores)
from orders.stores.selectors import PICKING_STEPS, picking_queue
from shop.access import user_is_seller, user_is_shop_staff, user_store_id
from shop.admin_lookups import DeclaredLookupsOnlyMixin
from shop.errors import DomainError
from shop.money import money_format
from shop.spreadsheet import csv_cell


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = [
        "product_name",
        "variant_label",
        "sku",
        "unit_price_shown",
        "quantity",
        "refunded_quantity",
        "line_total_shown",
        "seller",
    ]
    readonly_fields = fields

    @admin.display(description="unit price")
    def unit_price_shown(self, line):
        return money_format(line.unit_price, line.order.currency)

    @admin.display(description="line total")
    def line_total_shown(self, line):
        return money_format(line.line_total, line.order.currency)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("seller", "order")
        if user_is_seller(request.user):
            return queryset.filter(seller=request.user)
        return queryset

    def get_fields(self, request, obj=None):
        if user_is_seller(request.user):
            return [name for name in self.fields if name != "seller"]
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    verbose_name = "status change"
    verbose_name_plural = "status history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(
    StoreScopedAdminMixin,
    OrderLiveAdminMixin,
    DeclaredLookupsOnlyMixin,
    OrderInvoicingAdminMixin,
    OrderPaymentsAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "number",
        "status",
        "created_at",
        "store",
        "promised_at",
        "slot",
        "postal_code",
        "amount_for_viewer",
    ]
    list_filter = [
        "status",
        "store",
        "delivery_kind",
        ("created_at", admin.DateFieldListFilter),
        ("slot", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["number", "postal_code"]
    date_hierarchy = "created_at"
    list_select_related = ["slot", "store"]
    change_list_template = "admin/orders/order/change_list.html"
    inlines = [OrderLineInline, OrderStatusChangeInline]
    actions = [
        "mark_packed",
        "mark_out_for_delivery",
        "mark_delivered",
        "cancel_orders",
        "export_csv",
    ]
    # What a seller may not see of an order: the shopper's email and the
    # totals, which include other sellers' lines.
    staff_only_fields = (
        "email",
        "user",
        "subtotal",
        "delivery_fee",
        "total",
        "refunded_amount",
        "idempotency_key",
        "client_ip",
    )
    # Delivery steps belong to staff (order_status_change refuses sellers).
    staff_only_actions = ("cancel_orders", "mark_out_for_delivery", "mark_delivered")
    # Store staff pick, pack and hand over; who the shopper is stays with the
    # shop, and cancelling (which refunds) is shop staff's.
    store_hidden_fields = ("email", "user", "idempotency_key", "client_ip")
    store_hidden_actions = ("cancel_orders",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_seller(request.user):
            mine = OrderLine.objects.filter(seller=request.user).values("order_id")
            return queryset.filter(pk__in=mine).annotate(
                amount_shown=Sum(
                    "lines__line_total", filter=Q(lines__seller=request.user)
                )
            )
        return queryset

    def get_search_fields(self, request):
        if user_is_shop_staff(request.user):
            return [*self.search_fields, "email"]
        return self.search_fields

    def get_fields(self, request, obj=None):
        # The address reads as on a parcel, not as the JSON it is stored in.
        fields = [
            "address_shown" if field.name == "address" else field.name
            for field in Order._meta.fields
            if field.name != "id"
        ]
        if user_is_seller(request.user):
            return [name for name in fields if name not in self.staff_only_fields]
        if user_store_id(request.user) is not None:
            return [name for name in fields if name not in self.store_hidden_fields]
        # The order's emails and their delivery state (OrderInvoicingAdminMixin).
        return [*fields, "outbound_emails"]

    def get_readonly_fields(self, request, obj=None):
        # Every field: a status changes only through the actions.
        return [field.name for field in Order._meta.fields] + [
            "address_shown",
            "outbound_emails",
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        hidden = ()
        if user_is_seller(request.user):
            hidden = self.staff_only_actions
        elif user_store_id(request.user) is not None:
            hidden = self.store_hidden_actions
        for name in hidden:
            actions.pop(name, None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="amount")
    def amount_for_viewer(self, order):
        """The order's total for staff; a seller sees only their lines' total."""
        amount = getattr(order, "amount_shown", order.total)
        return money_format(amount, order.currency)

    @admin.display(description="address")
    def address_shown(self, order):
        """The delivery address snapshot, one line per line of a parcel label."""
        address = order.address or {}
        place = " ".join(
            part
            for part in (
                ", ".join(p for p in (address.get("city"), address.get("state")) if p),
                address.get("postal_code"),
            )
            if part
        )
        lines = [
            address.get("name"),
            address.get("line1"),
            address.get("line2"),
            place,
            address.get("phone"),
        ]
        return format_html_join(
            mark_safe("<br>"), "{}", ((line,) for line in lines if line)
        )

    # PICKING QUEUE

    picking_titles = {
        OrderStatus.PAID: "To pick",
        OrderStatus.PACKED: "Packed, waiting for a rider",
        OrderStatus.OUT_FOR_DELIVERY: "Out for delivery",
    }

    def get_urls(self):
        return [
            path(
                "picking/",
                self.admin_site.admin_view(self.picking_view),
                name="orders_order_picking",
            ),
            path(
                "picking/step/",
                self.admin_site.admin_view(require_POST(self.picking_step_view)),
                name="orders_order_picking_step",
            ),
            *super().get_urls(),
        ]

    def _picking_store(self, request, store_pk: str | None) -> DarkStore:
        """Return the store whose queue the user works: store staff their own,
        shop staff the one they chose (the first active store by default)."""
        if user_is_seller(request.user) or not self.has_change_permission(request):
            raise PermissionDenied
        store_id = user_store_id(request.user)
        if store_id is not None:
            return DarkStore.objects.get(pk=store_id)
        stores = DarkStore.objects.all()
        if not store_pk:
            stores = stores.filter(is_active=True)
        elif store_pk.isdigit():
            stores = stores.filter(pk=store_pk)
        else:
            raise Http404("No such store.")
        store = stores.order_by("name").first()
        if store is None:
            raise Http404("No such store.")
        return store

    def picking_view(self, request):
        """The store's paid orders to pick, in promise order, with shelf counts."""
        store = self._picking_store(request, request.GET.get("store"))
        queue = picking_queue(store_id=store.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Picking queue: {store.name}",
            "opts": self.model._meta,
            "store": store,
            "stores": (
                DarkStore.objects.filter(is_active=True).order_by("name")
                if user_store_id(request.user) is None
                else []
            ),
            "sections": [
                (self.picking_titles[status], queue[status]) for status in PICKING_STEPS
            ],
        }
        return TemplateResponse(
            request, "admin/orders/order/picking_queue.html", context
        )

    def picking_step_view(self, request):
        """Take one order one step on (packed, out for delivery, delivered)."""
        store = self._picking_store(request, request.POST.get("store"))
        back = f"{reverse('admin:orders_order_picking')}?store={store.pk}"
        order_pk, to_status = request.POST.get("order", ""), request.POST.get("to")
        order = None
        if order_pk.isdigit():
            order = self.get_queryset(request).filter(pk=order_pk, store=store).first()
        if order is None:
            raise Http404("That order is not in this store's queue.")
        steps = {to for to, _label in PICKING_STEPS.values()}
        if to_status not in steps:
            self.message_user(request, "That is not a picking step.", messages.ERROR)
            return redirect(back)
        try:
            order_status_change(
                order=order, to_status=to_status, by=request.user, note="picking queue"
            )
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        else:
            self.message_user(
                request,
                f"Order {order.number} is now {OrderStatus(to_status).label.lower()}.",
                messages.SUCCESS,
            )
        return redirect(back)

    # STATUS ACTIONS

    def _status_change_each(self, request, queryset, to_status: str) -> None:
        changed, refusals = 0, []
        for order in queryset.order_by("pk"):
            try:
                order_status_change(
                    order=order, to_status=to_status, by=request.user, note="admin"
                )
            except DomainError as exc:
                refusals.append(exc.message)
            else:
                changed += 1
        self._report(request, changed, refusals, OrderStatus(to_status).label)

    def _report(self, request, changed: int, refusals: list[str], label: str):
        if changed:
            self.message_user(
                request,
                f"{changed} order{'s' if changed != 1 else ''} now {label.lower()}.",
                messages.SUCCESS,
            )
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)

    @admin.action(description="Mark as packed", permissions=["change"])
    def mark_packed(self, request, queryset):
        self._status_change_each(request, queryset, OrderStatus.PACKED)

    @admin.action(description="Mark as out for delivery", permissions=["change"])
    def mark_out_for_delivery(self, request, queryset):
        self._status_change_each(request, queryset, OrderStatus.OUT_FOR_DELIVERY)

    @admin.action(description="Mark as delivered", permissions=["change"])
    def mark_delivered(self, request, queryset):
        self._status_change_each(request, queryset, OrderStatus.DELIVERED)

    @admin.action(
        description="Cancel (stock and slot go back; paid orders are refunded)",
        permissions=["change"],
    )
    def cancel_orders(self, request, queryset):
        changed, refusals = 0, []
        for order in queryset.order_by("pk"):
            try:
                order_cancel(order=order, by=request.user)
            except DomainError as exc:
                refusals.append(exc.message)
            else:
                changed += 1
        self._report(request, changed, refusals, OrderStatus.CANCELLED.label)

    @admin.action(description="Export to CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        seller_view = user_is_seller(request.user)
        lines = (
            OrderLine.objects.filter(order__in=queryset)
            .select_related("order__slot", "seller")
            .order_by("order__created_at", "order_id", "id")
        )
        if seller_view:
            lines = lines.filter(seller=request.user)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        writer = csv.writer(response)
        header = [
            "order",
            "placed_at",
            "status",
            "slot_starts_at",
            "postal_code",
            "sku",
            "product",
            "pack",
            "quantity",
            "unit_price",
            "line_total",
        ]
        if not seller_view:
            header += ["seller", "order_total", "currency"]
        writer.writerow(header)
        for line in lines:
            order = line.order
            row = [
                order.number,
                timezone.localtime(order.created_at).isoformat(timespec="seconds"),
                order.status,
                timezone.localtime(order.slot.starts_at).isoformat(timespec="minutes")
                if order.slot is not None
                else "",
                order.postal_code,
                line.sku,
                line.product_name,
                line.variant_label,
                line.quantity,
                line.unit_price,
                line.line_total,
            ]
            if not seller_view:
                row += [line.seller.email, order.total, order.currency]
            writer.writerow([csv_cell(value) for value in row])
        return response


@admin.register(ServiceArea)
class ServiceAreaAdmin(
    StoreScopedAdminMixin, DeclaredLookupsOnlyMixin, admin.ModelAdmin
):
    list_display = ["postal_code", "name", "store", "promise_minutes", "is_active"]
    list_editable = ["promise_minutes", "is_active"]
    list_filter = ["is_active", "store"]
    search_fields = ["postal_code", "name"]


class DeliverySlotForm(forms.ModelForm):
    class Meta:
        model = DeliverySlot
        fields = ["store", "starts_at", "ends_at", "capacity", "is_active"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        # A friendly early answer; `delivery_slot_save` decides for good.
        booked = self.instance.booked
        if self.instance.pk is not None:
            booked = DeliverySlot.objects.values_list("booked", flat=True).get(
                pk=self.instance.pk
            )
        if capacity < booked:
            raise ValidationError(
                f"{booked} orders already booked this slot; the capacity cannot "
                "be lower."
            )
        return capacity


@admin.register(DeliverySlot)
class DeliverySlotAdmin(
    StoreScopedAdminMixin, DeclaredLookupsOnlyMixin, admin.ModelAdmin
):
    list_display = [
        "__str__",
        "store",
        "starts_at",
        "ends_at",
        "capacity",
        "booked",
        "remaining",
        "is_active",
    ]
    list_filter = ["is_active", "store", ("starts_at", admin.DateFieldListFilter)]
    date_hierarchy = "starts_at"
    # Bookings move only through orders; staff set the capacity.
    readonly_fields = ["booked"]
    form = DeliverySlotForm

    def get_readonly_fields(self, request, obj=None):
        # A booked slot's orders were promised by its store: it stays there.
        if obj is not None:
            return ["store", *self.readonly_fields]
        return self.readonly_fields

    @admin.display(description="left")
    def remaining(self, slot):
        return slot.remaining

    def save_model(self, request, obj, form, change):
        try:
            delivery_slot_save(slot=obj)
        except DomainError as error:
            # A booking committed after the form was checked: say so instead
            # of "changed successfully", and keep the slot as it is.
            request._slot_refusal = error.message

    def response_change(self, request, obj):
        refusal = getattr(request, "_slot_refusal", None)
        if refusal is None:
            return super().response_change(request, obj)
        self.message_user(request, refusal, messages.ERROR)
        return redirect(request.path)

    def log_change(self, request, obj, message):
        if getattr(request, "_slot_refusal", None) is None:
            super().log_change(request, obj, message)
