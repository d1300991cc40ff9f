"""Dark stores, their shelves and their staff in the admin (registered by
`orders.admin`).

Shop staff set a store's name, address, hours and state, and say who works
where. Store staff see their own store only: `StoreScopedAdminMixin` narrows
every admin of store rows by `shop.access.user_store_id`, so another store's
row by URL, action or lookup is "not found" to them. Sellers see the shelves
of their own products in every store, read-only.

A shelf is changed by a count ("arrived: +24", "broken: -2") that
`store_stock_adjust` applies, or by a count sheet (CSV) whose rows say what
was on the shelf when it was exported and what was counted; never by typing
a new total over the sales made meanwhile.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from catalog.models import ProductVariant
from orders.services.stock import store_stock_adjust, store_stock_counts_apply
from orders.stores.models import DarkStore, StoreStaff, StoreStock
from orders.stores.services import (
    store_staff_grant,
    store_staff_refusal,
    store_staff_revoke,
)
from orders.stores.shelf_csv import (
    MOST_BYTES,
    shelf_csv_read,
    shelf_csv_write,
    shelves_for_sheet,
)
from shop.access import user_is_seller, user_is_shop_staff, user_store_id
from shop.admin_lookups import DeclaredLookupsOnlyMixin
from shop.errors import Conflict, DomainError


class StoreScopedAdminMixin:
    """Narrow an admin of a store's rows to the store of a store-staff user.

    `store_lookup` names the row's store in the ORM; the store filter is
    dropped for them (and so refused as an undeclared lookup).
    """

    store_lookup = "store_id"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        store_id = user_store_id(request.user)
        if store_id is not None:
            queryset = queryset.filter(**{self.store_lookup: store_id})
        return queryset

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if user_store_id(request.user) is not None:
            return [name for name in list_filter if name != "store"]
        return list_filter


@admin.register(DarkStore)
class DarkStoreAdmin(StoreScopedAdminMixin, DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "opens_at", "closes_at", "is_active", "postal_codes"]
    list_filter = ["is_active"]
    search_fields = ["name", "address", "areas__postal_code"]
    store_lookup = "pk"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("areas")

    @admin.display(description="serves")
    def postal_codes(self, store):
        return ", ".join(area.postal_code for area in store.areas.all())


# More than any one delivery to a store; keeps a typo within the column's range.
MOST_UNITS_MOVED = 100_000


class StoreStockForm(forms.ModelForm):
    """A count: the SKU (for a shelf not yet listed) and the units moved.

    `seen` carries the quantity the form showed, so a count made while sales
    went on says what changed, and a count that would take the shelf below
    zero is refused with both numbers.
    """

    sku = forms.CharField(
        label="SKU", max_length=64, help_text="The SKU printed on the pack."
    )
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_by = forms.IntegerField(
        min_value=-MOST_UNITS_MOVED,
        max_value=MOST_UNITS_MOVED,
        help_text="Units that arrived (positive) or left the shelf (negative).",
    )

    class Meta:
        model = StoreStock
        fields = ["store"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A listed shelf is counted; a new one is named by its SKU.
        if self.instance.pk is not None:
            del self.fields["sku"]
            self.fields["seen"].initial = self.instance.quantity
        else:
            del self.fields["seen"]

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        variant = ProductVariant.objects.filter(sku=sku).first()
        if variant is None:
            raise ValidationError(f"No product size has the SKU {sku}.")
        self.instance.variant = variant
        return sku

    def clean(self):
        cleaned = super().clean()
        change_by = cleaned.get("change_by")
        if self.instance.pk is None or change_by is None or change_by >= 0:
            return cleaned
        # A friendly early answer; `store_stock_adjust` decides for good.
        now = StoreStock.objects.values_list("quantity", flat=True).get(
            pk=self.instance.pk
        )
        if now + change_by < 0:
            seen = cleaned.get("seen")
            since = f" (you saw {seen})" if seen is not None and seen != now else ""
            raise ValidationError(
                f"The shelf has {now} now{since}; it cannot lose {-change_by}."
            )
        return cleaned


class ShelfImportForm(forms.Form):
    sheet = forms.FileField(
        label="Count sheet (CSV)",
        help_text=(
            "A sheet exported here, with the counted column filled in. Rows "
            "left uncounted change nothing."
        ),
    )


@admin.register(StoreStock)
class StoreStockAdmin(
    StoreScopedAdminMixin, DeclaredLookupsOnlyMixin, admin.ModelAdmin
):
    list_display = ["sku", "variant", "store", "quantity"]
    list_filter = ["store"]
    list_select_related = ["variant__product", "store"]
    search_fields = ["variant__sku", "variant__product__name"]
    form = StoreStockForm
    change_list_template = "admin/orders/storestock/change_list.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_seller(request.user):
            # Sellers watch their own products on every store's shelf.
            queryset = queryset.filter(variant__product__seller=request.user)
        return queryset

    @admin.display(description="SKU", ordering="variant__sku")
    def sku(self, shelf):
        return shelf.variant.sku

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return ["store", "variant", "quantity"]
        if obj is not None:
            return ["store", "variant", "quantity", "seen", "change_by"]
        if user_store_id(request.user) is not None:
            return ["sku", "change_by"]
        return ["store", "sku", "change_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["store", "variant", "quantity"]
        return []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "store":
            kwargs["queryset"] = DarkStore.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return not user_is_seller(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return not user_is_seller(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        store_id = user_store_id(request.user)
        if store_id is not None:
            obj.store_id = store_id
        delta = form.cleaned_data["change_by"]
        try:
            shelf = store_stock_adjust(
                store_id=obj.store_id, variant_id=obj.variant_id, delta=delta
            )
        except DomainError as error:
            request._stock_refusal = error.message
            return
        seen = form.cleaned_data.get("seen")
        before = shelf.quantity - delta
        if change and seen is not None and seen != before:
            self.message_user(
                request,
                f"While you counted, the shelf went from {seen} to {before}; "
                f"with your {delta:+d} it has {shelf.quantity}.",
                messages.WARNING,
            )
        obj.pk, obj.quantity = shelf.pk, shelf.quantity

    def _refusal_page(self, request):
        # Say why instead of "changed successfully"; the shelf is as it was.
        self.message_user(request, request._stock_refusal, messages.ERROR)
        return redirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_stock_refusal", None) is not None:
            return self._refusal_page(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_stock_refusal", None) is not None:
            return self._refusal_page(request)
        return super().response_change(request, obj)

    def log_addition(self, request, obj, message):
        if getattr(request, "_stock_refusal", None) is None:
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if getattr(request, "_stock_refusal", None) is None:
            super().log_change(request, obj, message)

    # COUNT SHEETS

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="orders_storestock_export",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="orders_storestock_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_query": request.GET.urlencode(),
            "may_import": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def has_import_permission(self, request) -> bool:
        """Counts come from a store's staff, or from shop staff for any store."""
        may_count = user_store_id(request.user) is not None or user_is_shop_staff(
            request.user
        )
        return may_count and self.has_change_permission(request)

    def export_view(self, request):
        """The change list's rows (its filters and search) as a count sheet."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        shelves = shelves_for_sheet(changelist.get_queryset(request))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="shelf-{stamp}.csv"'
        shelf_csv_write(shelves=shelves, out=response)
        return response

    def import_view(self, request):
        """Check a count sheet row by row, then apply all of it or none."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ShelfImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            errors = self._count_apply(request, form.cleaned_data["sheet"])
            if not errors:
                return redirect(reverse("admin:orders_storestock_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a stock count",
            "opts": self.model._meta,
            "form": form,
            "row_errors": errors,
            "most_megabytes": MOST_BYTES // (1024 * 1024),
            "store": DarkStore.objects.filter(pk=user_store_id(request.user)).first(),
        }
        return TemplateResponse(request, "admin/orders/storestock/import.html", context)

    def _count_apply(self, request, upload) -> list[str]:
        sheet = shelf_csv_read(upload=upload, store_id=user_store_id(request.user))
        if sheet.errors:
            return sheet.errors
        try:
            now = store_stock_counts_apply(deltas=sheet.deltas)
        except Conflict as refusal:
            if "short" not in refusal.extra:
                return [refusal.message]
            return [
                _short_row(sheet, short, sheet.deltas)
                for short in refusal.extra["short"]
            ]
        changed = sum(1 for delta in sheet.deltas.values() if delta)
        self.message_user(
            request,
            f"Count applied: {sheet.counted_rows} rows counted, {changed} shelves "
            f"changed, {sum(now.values())} units on them now.",
            messages.SUCCESS,
        )
        return []


def _short_row(sheet, short: dict, deltas: dict) -> str:
    key = (short["store"], short["variant"])
    number, sku = sheet.row_of[key]
    return (
        f"Row {number} ({sku}): the shelf has {short['on_shelf']} now, and the "
        f"count takes away {-deltas[key]}; sales since the export are more "
        "than the count allows. Export a new sheet and count again."
    )


class StoreStaffForm(forms.ModelForm):
    class Meta:
        model = StoreStaff
        fields = ["user", "store"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        refusal = store_staff_refusal(user)
        if refusal:
            raise ValidationError(refusal)
        return user


@admin.register(StoreStaff)
class StoreStaffAdmin(admin.ModelAdmin):
    """Shop staff say who works at which store; the role follows the row."""

    form = StoreStaffForm
    list_display = ["user", "store"]
    list_filter = ["store"]
    list_select_related = ["user", "store"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Another person is another row; a row moves its person between stores.
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        works_at = store_staff_grant(user=obj.user, store=obj.store)
        obj.pk = works_at.pk

    def delete_model(self, request, obj):
        store_staff_revoke(user=obj.user)

    def delete_queryset(self, request, queryset):
        for works_at in queryset.select_related("user"):
            store_staff_revoke(user=works_at.user)
