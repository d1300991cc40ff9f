"""Dark stores and their shelves in the admin (registered by `orders.admin`).

Staff set a store's name, address, hours and state here; its shelf is shown,
not edited, because stock moves only through `orders.services.stock`.
"""

from django.contrib import admin

from orders.stores.models import DarkStore, StoreStock


@admin.register(DarkStore)
class DarkStoreAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_at", "closes_at", "is_active", "postal_codes"]
    list_filter = ["is_active"]
    search_fields = ["name", "address", "areas__postal_code"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("areas")

    @admin.display(description="serves")
    def postal_codes(self, store):
        return ", ".join(area.postal_code for area in store.areas.all())


@admin.register(StoreStock)
class StoreStockAdmin(admin.ModelAdmin):
    list_display = ["variant", "store", "quantity"]
    list_filter = ["store"]
    list_select_related = ["variant__product", "store"]
    search_fields = ["variant__sku", "variant__product__name"]
    readonly_fields = ["store", "variant", "quantity"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
