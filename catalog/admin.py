"""The catalogue in the admin: sellers run their own products, staff run all.

A seller (a staff user in the Sellers group, see `User.is_seller`) sees only
products they sell: the change list, the change form, every action and the
variant list are narrowed in `get_queryset`, so another seller's product by
URL is "not found" to them. The seller is stamped on save. Every write goes
through `catalog.services`.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils.html import format_html

from accounts.models import SELLERS_GROUP, User
from catalog import services
from catalog.forms import CategoryAdminForm, ProductImageAdminForm
from catalog.models import (
    Category,
    Product,
    ProductImage,
    ProductVariant,
    Review,
    SearchSynonym,
)
from catalog.selectors import search_synonyms_forget
from shop.access import user_is_seller
from shop.admin_lookups import DeclaredLookupsOnlyMixin


def _thumbnail_tag(name: str, alt: str, size: int = 48):
    if not name:
        return format_html('<span class="muted">{}</span>', "No picture yet")
    url = ProductImage._meta.get_field("thumbnail").storage.url(name)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        url,
        alt,
        size,
        size,
    )


@admin.register(Category)
class CategoryAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    """Staff shape the tree; sellers may only look (their group has view only)."""

    form = CategoryAdminForm
    list_display = ["name", "parent", "position", "is_active", "product_count"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]
    ordering = ["parent__position", "parent__name", "position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_products=Count("products"))

    @admin.display(description="Products", ordering="_products")
    def product_count(self, category):
        return category._products

    def get_readonly_fields(self, request, obj=None):
        # A slug is part of every link to the category: set once, then kept.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    def save_model(self, request, obj, form, change):
        services.category_save(category=obj)

    def delete_model(self, request, obj):
        services.category_delete(category=obj)

    def delete_queryset(self, request, queryset):
        for category in queryset:
            services.category_delete(category=category)


# The admin's text boxes are 610 px wide; in a table row they push the
# product form past a laptop's screen.
INLINE_TEXT_INPUTS = {
    models.CharField: {"widget": forms.TextInput(attrs={"size": 14})},
    models.DecimalField: {
        "widget": forms.NumberInput(attrs={"class": "vIntegerField"})
    },
}


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 1
    fields = ["sku", "label", "price", "mrp", "stock", "position", "is_active"]
    formfield_overrides = INLINE_TEXT_INPUTS
    # The sum of the dark stores' shelves; stock moves only at a store.
    readonly_fields = ["stock"]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageAdminForm
    extra = 1
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]
    formfield_overrides = INLINE_TEXT_INPUTS

    @admin.display(description="Thumbnail")
    def preview(self, image):
        return _thumbnail_tag(image.thumbnail.name, image.alt_text, size=72)


class InStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("in", "In stock"), ("out", "Out of stock")]

    def queryset(self, request, queryset):
        if self.value() == "in":
            return queryset.filter(variants__stock__gt=0).distinct()
        if self.value() == "out":
            return queryset.exclude(variants__stock__gt=0)
        return queryset


class BrandFilter(admin.SimpleListFilter):
    """The brands of the products the user can see, never anyone else's."""

    title = "brand"
    parameter_name = "brand"

    def lookups(self, request, model_admin):
        brands = (
            model_admin.get_queryset(request)
            .exclude(brand="")
            .order_by("brand")
            .values_list("brand", flat=True)
            .distinct()
        )
        return [(b, b) for b in brands]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(brand=self.value())
        return queryset


@admin.register(Product)
class ProductAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "name",
        "brand",
        "category",
        "variant_count",
        "total_stock",
        "is_active",
        "rating_avg",
    ]
    list_display_links = ["thumbnail", "name"]
    list_filter = ["is_active", InStockFilter, BrandFilter, "category"]
    search_fields = ["name", "brand", "slug", "variants__sku"]
    list_select_related = ["category"]
    list_per_page = 50
    inlines = [ProductVariantInline, ProductImageInline]
    actions = ["products_activate", "products_deactivate"]
    readonly_fields = ["slug", "rating_avg", "rating_count", "created_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_seller(request.user):
            queryset = queryset.filter(seller=request.user)
        first_thumbnail = (
            ProductImage.objects.filter(product=OuterRef("pk"))
            .order_by("position", "id")
            .values("thumbnail")[:1]
        )
        stock = (
            ProductVariant.objects.filter(product=OuterRef("pk"))
            .order_by()
            .values("product")
            .annotate(total=Sum("stock"), n=Count("pk"))
        )
        return queryset.annotate(
            _thumbnail=Subquery(first_thumbnail),
            _stock=Subquery(stock.values("total")),
            _variants=Subquery(stock.values("n")),
        )

    def get_list_display(self, request):
        if user_is_seller(request.user):
            return self.list_display
        return [*self.list_display, "seller"]

    def get_list_filter(self, request):
        if user_is_seller(request.user):
            return self.list_filter
        return [*self.list_filter, ("seller", admin.RelatedOnlyFieldListFilter)]

    def get_fields(self, request, obj=None):
        fields = ["name", "brand", "category", "description", "is_active"]
        if not user_is_seller(request.user):
            fields.insert(0, "seller")
        if obj is not None:
            fields += ["slug", "rating_avg", "rating_count", "created_at"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(is_active=True).select_related(
                "parent"
            )
        if db_field.name == "seller":
            kwargs["queryset"] = User.objects.filter(
                is_staff=True, groups__name=SELLERS_GROUP
            ).order_by("name", "email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Picture")
    def thumbnail(self, product):
        return _thumbnail_tag(product._thumbnail, product.name)

    @admin.display(description="Sizes", ordering="_variants")
    def variant_count(self, product):
        return product._variants or 0

    @admin.display(description="Stock", ordering="_stock")
    def total_stock(self, product):
        return product._stock or 0

    def save_model(self, request, obj, form, change):
        if user_is_seller(request.user):
            obj.seller = request.user
        services.product_save(product=obj)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for deleted in formset.deleted_objects:
            if isinstance(deleted, ProductImage):
                services.product_image_delete(image=deleted)
            else:
                services.variant_delete(variant=deleted)
        for inline_form in formset.forms:
            instance = inline_form.instance
            marked_deleted = inline_form.cleaned_data.get("DELETE", False)
            if marked_deleted or not inline_form.has_changed():
                continue
            if isinstance(instance, ProductImage):
                replaced = inline_form.initial.get("image")
                services.product_image_save(
                    image=instance,
                    picture_changed="image" in inline_form.changed_data,
                    replaced=replaced.name if replaced else "",
                )
            else:
                services.variant_save(
                    variant=instance, changed=inline_form.changed_data
                )

    def delete_model(self, request, obj):
        services.product_delete(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            services.product_delete(product=product)

    @admin.action(description="Show the selected products in the shop")
    def products_activate(self, request, queryset):
        changed = services.products_set_active(products=queryset, is_active=True)
        self.message_user(request, f"{changed} product(s) are now in the shop.")

    @admin.action(description="Hide the selected products from the shop")
    def products_deactivate(self, request, queryset):
        changed = services.products_set_active(products=queryset, is_active=False)
        self.message_user(
            request, f"{changed} product(s) are hidden from the shop.", messages.INFO
        )


@admin.register(ProductVariant)
class ProductVariantAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    """Prices at a glance, editable in the list, beside the stores' total stock."""

    list_display = ["sku", "product", "label", "price", "mrp", "stock", "is_active"]
    list_editable = ["price", "mrp", "is_active"]
    # The sum of the dark stores' shelves; stock moves only at a store.
    readonly_fields = ["stock"]
    list_filter = ["is_active", "product__category"]
    search_fields = ["sku", "product__name", "product__brand"]
    list_select_related = ["product"]
    list_per_page = 100
    autocomplete_fields = ["product"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_seller(request.user):
            queryset = queryset.filter(product__seller=request.user)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "product" and user_is_seller(request.user):
            kwargs["queryset"] = Product.objects.filter(seller=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.variant_save(variant=obj, changed=form.changed_data)

    def delete_model(self, request, obj):
        services.variant_delete(variant=obj)

    def delete_queryset(self, request, queryset):
        for variant in queryset:
            services.variant_delete(variant=variant)


@admin.register(Review)
class ReviewAdmin(DeclaredLookupsOnlyMixin, admin.ModelAdmin):
    """Staff moderate reviews; sellers read those of their own products.

    A seller sees the reviewer's first name, as shoppers do, never their
    email address: not in the list, the form or the search.
    """

    list_display = ["product", "rating", "title", "user", "created_at"]
    list_filter = ["rating"]
    search_fields = ["product__name", "title", "text", "user__email"]
    list_select_related = ["product", "user"]
    readonly_fields = ["product", "user", "rating", "title", "text", "created_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if user_is_seller(request.user):
            queryset = queryset.filter(product__seller=request.user)
        return queryset

    def get_list_display(self, request):
        if user_is_seller(request.user):
            return ["product", "rating", "title", "reviewer", "created_at"]
        return self.list_display

    def get_search_fields(self, request):
        if user_is_seller(request.user):
            return ["product__name", "title", "text"]
        return self.search_fields

    def get_fields(self, request, obj=None):
        if user_is_seller(request.user):
            return ["product", "reviewer", "rating", "title", "text", "created_at"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description="reviewer")
    def reviewer(self, review):
        return review.author_name

    def has_add_permission(self, request):
        # Reviews come from shoppers who received the product, never the admin.
        return False

    def delete_model(self, request, obj):
        services.review_delete(review=obj)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            services.review_delete(review=review)


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Staff teach search the shoppers' words; the next search uses them."""

    list_display = ["term", "replacement", "kind", "is_active"]
    list_editable = ["replacement", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["term", "replacement"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        search_synonyms_forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        search_synonyms_forget()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        search_synonyms_forget()
