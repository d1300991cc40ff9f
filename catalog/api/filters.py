"""Query parameters of `GET products/`, validated and handed to `product_list`.

The filter set only checks and documents the parameters; the listing itself
is `catalog.selectors.product_list`, the same query the pages run.
"""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from accounts.validators import PIN_CODE_HELP, PIN_CODE_PATTERN, postal_code_clean
from catalog.forms import BrandsField, ProductFilterForm, StrictBooleanField
from catalog.hooks import CatalogueStore, store_resolve
from catalog.search import SEARCH_MAX_LENGTH
from catalog.selectors import ORDERINGS, category_tree_for, product_list
from shop.errors import DomainError, NotFound

POSTAL_CODE_DESCRIPTION = (
    f"{PIN_CODE_HELP} Availability (`in_stock`, each variant's `in_stock` "
    "and `stock`, prices from, out of stock last) is then that of the store "
    "serving it, which the answer names as `store`. A code no store serves "
    "answers 404 `not_serviceable`, naming the codes served. Without "
    "`postal_code` or `store`, every store's stock counts."
)
STORE_DESCRIPTION = (
    "A dark store's id, instead of `postal_code`; an unknown or closed store "
    "answers 404 `store_not_found`."
)
_REQUEST_STORE_ATTR = "_catalog_api_store"


class PostalCodeFormField(forms.CharField):
    """A PIN code, without its spaces; empty means none was given."""

    def clean(self, value) -> str:
        value = super().clean(value)
        return postal_code_clean(value) if value else ""


class StoreIdFormField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class StoreQueryForm(forms.Form):
    """`postal_code` or `store`: where a product's availability is asked about."""

    postal_code = PostalCodeFormField(required=False, max_length=12)
    store = StoreIdFormField()

    def clean(self):
        data = super().clean()
        if data.get("postal_code") and data.get("store"):
            raise forms.ValidationError("Give postal_code or store, not both.")
        return data


def _invalid(errors) -> DomainError:
    """Return the shop's 400 for form errors, naming the first fault."""
    fields = {
        name: [str(message) for message in messages]
        for name, messages in errors.items()
    }
    name, messages = next(iter(fields.items()))
    label = "" if name == "__all__" else f"{name}: "
    return DomainError(
        f"{label}{messages[0]}", code="invalid", extra={"fields": fields}
    )


def catalogue_store_for(request, data) -> CatalogueStore | None:
    """Return the store `postal_code` or `store` of cleaned `data` names, once
    per request (the list's filter and its answer both ask), or None."""
    if hasattr(request, _REQUEST_STORE_ATTR):
        return getattr(request, _REQUEST_STORE_ATTR)
    store = None
    if data.get("postal_code") or data.get("store"):
        store = store_resolve(
            postal_code=data.get("postal_code") or "", store_id=data.get("store")
        )
    setattr(request, _REQUEST_STORE_ATTR, store)
    return store


def catalogue_store_of_query(request) -> CatalogueStore | None:
    """Validate a request's `postal_code` or `store` and return that store, or
    None when it names none; raise the shop's 400 or 404."""
    form = StoreQueryForm(request.query_params)
    if not form.is_valid():
        raise _invalid(form.errors)
    return catalogue_store_for(request, form.cleaned_data)


# The schema of a filter annotated like this one comes from the annotation only.
@extend_schema_field(
    {
        "type": "string",
        "description": "A brand, or several separated by commas or given as "
        "repeated parameters; letter case does not matter.",
    }
)
class BrandsFilter(django_filters.Filter):
    field_class = BrandsField


@extend_schema_field(
    {
        "type": "boolean",
        "description": "true: only products that can be bought now; "
        "false: only those out of stock.",
    }
)
class InStockFilter(django_filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(
    {
        "type": "string",
        "pattern": PIN_CODE_PATTERN,
        "description": POSTAL_CODE_DESCRIPTION,
    }
)
class PostalCodeFilter(django_filters.Filter):
    field_class = PostalCodeFormField


@extend_schema_field(
    {"type": "integer", "minimum": 1, "description": STORE_DESCRIPTION}
)
class StoreFilter(django_filters.Filter):
    field_class = StoreIdFormField


class ProductFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        max_length=120,
        help_text="A category slug; its subcategories are included. "
        "An unknown slug answers 404.",
    )
    search = django_filters.CharFilter(
        help_text="Words to find in name, brand, description and category; "
        "typos are forgiven. An exact SKU finds its product. "
        f"Only the first {SEARCH_MAX_LENGTH} characters count.",
    )
    min_price = django_filters.NumberFilter(
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Lowest price (INR), inclusive.",
    )
    max_price = django_filters.NumberFilter(
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Highest price (INR), inclusive; not below min_price.",
    )
    brand = BrandsFilter()
    in_stock = InStockFilter()
    rating_min = django_filters.NumberFilter(
        min_value=0,
        max_value=5,
        max_digits=3,
        decimal_places=1,
        help_text="Lowest average rating, 0 to 5.",
    )
    postal_code = PostalCodeFilter(max_length=12)
    store = StoreFilter()
    ordering = django_filters.ChoiceFilter(
        choices=list(ORDERINGS.items()),
        empty_label=None,
        help_text="relevance (the default; the best match when searching), "
        "price, -price, newest, rating. Out-of-stock products come last.",
    )

    class Meta:
        # The filters above replace the form's fields; its price-range rule stays.
        form = ProductFilterForm
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if data.get("postal_code") and data.get("store"):
            raise _invalid({"__all__": ["Give postal_code or store, not both."]})
        store = catalogue_store_for(self.request, data)
        tree = category_tree_for(self.request)
        category = None
        if data.get("category"):
            category = tree.get(data["category"])
            if category is None:
                raise NotFound(f"There is no category “{data['category']}”.")
        return product_list(
            category=category,
            search=data.get("search") or "",
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            brands=data.get("brand") or [],
            in_stock=data.get("in_stock"),
            rating_min=data.get("rating_min"),
            ordering=data.get("ordering") or "relevance",
            tree=tree,
            store_id=store.id if store else None,
        )


class ProductFilterBackend(DjangoFilterBackend):
    """Refuse bad parameters in the shop's error shape, naming the first fault."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise _invalid(filterset.errors)
        return filterset.qs
