"""Dark stores and their shelves in the admin (registered by `orders.admin`).

Staff set a store's name, address, hours and state here. A shelf is changed
by a count ("arrived: +24", "broken: -2") that `store_stock_adjust` applies,
never by typing a new total over the sales made meanwhile.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect

from orders.services.stock import store_stock_adjust
from orders.stores.models import DarkStore, StoreStock
from shop.admin_lookups import DeclaredLookupsOnlyMixin
from shop.errors import DomainError


@admin.register(DarkStore)
class DarkStoreAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "opens_at", "closes_at", "is_active", "postal_codes"]
    list_filter = ["is_active"]
    search_fields = ["name", "address", "areas__postal_code"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("areas")

    @admin.display(description="serves")
    def postal_codes(self, store):
        return ", ".join(area.postal_code for area in store.areas.all())


# More than any one delivery to a store; keeps a typo within the column's range.
MOST_UNITS_MOVED = 100_000


class StoreStockForm(forms.ModelForm):
    change_by = forms.IntegerField(
        min_value=-MOST_UNITS_MOVED,
        max_value=MOST_UNITS_MOVED,
        help_text="Units that arrived (positive) or left the shelf (negative).",
    )

    class Meta:
        model = StoreStock
        fields = ["store", "variant"]


@admin.register(StoreStock)
class StoreStockAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = ["variant", "store", "quantity"]
    list_filter = ["store"]
    list_select_related = ["variant__product", "store"]
    search_fields = ["variant__sku", "variant__product__name"]
    raw_id_fields = ["variant"]
    form = StoreStockForm

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["store", "variant", "quantity"]
        return ["quantity"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            shelf = store_stock_adjust(
                store_id=obj.store_id,
                variant_id=obj.variant_id,
                delta=form.cleaned_data["change_by"],
            )
        except DomainError as error:
            request._stock_refusal = error.message
            return
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
