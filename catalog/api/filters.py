"""Query parameters of `GET products/`, validated and handed to `product_list`.

The filter set only checks and documents the parameters; the listing itself
is `catalog.selectors.product_list`, the same query the pages run.
"""

from decimal import Decimal

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from accounts.validators import PIN_CODE_HELP, PIN_CODE_PATTERN, postal_code_clean
from catalog.forms import BrandsField, StrictBooleanField
from catalog.hooks import CatalogueStore, store_resolve
from catalog.search import SEARCH_MAX_LENGTH
from catalog.selectors import ORDERINGS, category_tree_for, product_list
from shop.errors import DomainError, NotFound

POSTAL_CODE_MAX_LENGTH = 12
POSTAL_CODE_DESCRIPTION = (
    f"{PIN_CODE_HELP} Availability (`in_stock`, each variant's `in_stock` "
    "and `stock`, prices from, out of stock last) is then that of the store "
    "serving it, which the answer names as `store`. A code no store serves "
    "answers 404 `not_serviceable`, naming the codes served. Without "
    "`postal_code` or `store`, every store's stock counts."
)
# Empty, like leaving it out, asks about every store.
POSTAL_CODE_QUERY_SCHEMA = {
    "type": "string",
    "maxLength": POSTAL_CODE_MAX_LENGTH,
    "pattern": rf"^\s*$|{PIN_CODE_PATTERN}",
    "description": POSTAL_CODE_DESCRIPTION,
}
STORE_DESCRIPTION = (
    "A dark store's id, instead of `postal_code`; an unknown or closed store "
    "answers 404 `store_not_found`."
)
STORE_ID_MAX = 2**63 - 1
_REQUEST_STORE_ATTR = "_catalog_api_store"


class PostalCodeFormField(forms.CharField):
    """A PIN code, without its spaces; blank means none was given.

    The length limit counts the spaces, as the schema's maxLength does.
    """

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def clean(self, value) -> str:
        value = super().clean(value)
        return postal_code_clean(value) if value.strip() else ""


class SearchTextFormField(forms.CharField):
    """Search words as typed: like the search page, NUL and other control
    characters are read as spaces (`search_text_normalize`), not refused."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]


class StoreIdFormField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", STORE_ID_MAX)
        super().__init__(**kwargs)


class StoreQueryForm(forms.Form):
    """`postal_code` or `store`: where a product's availability is asked about."""

    postal_code = PostalCodeFormField(required=False, max_length=POSTAL_CODE_MAX_LENGTH)
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


@extend_schema_field(POSTAL_CODE_QUERY_SCHEMA)
class PostalCodeFilter(django_filters.Filter):
    field_class = PostalCodeFormField


@extend_schema_field(
    {
        "type": "integer",
        "minimum": 1,
        "maximum": STORE_ID_MAX,
        "description": STORE_DESCRIPTION,
    }
)
class StoreFilter(django_filters.Filter):
    field_class = StoreIdFormField


class SearchFilter(django_filters.CharFilter):
    field_class = SearchTextFormField


# The price column's range: 12 digits, 2 of them after the point.
PRICE_MAX = Decimal("9999999999.99")
PRICE_STEP = Decimal("0.01")
RATING_STEP = Decimal("0.1")


def _number_schema(*, maximum: Decimal, step: Decimal, description: str) -> dict:
    return {
        "type": "number",
        "minimum": 0,
        "maximum": float(maximum),
        "multipleOf": float(step),
        "description": description,
    }


def _decimal_filter(*, maximum: Decimal, step: Decimal, description: str):
    """A non-negative number filter whose bounds and decimals the schema states."""

    @extend_schema_field(
        _number_schema(maximum=maximum, step=step, description=description)
    )
    class DecimalFilter(django_filters.NumberFilter):
        pass

    digits = len(maximum.quantize(step).as_tuple().digits)
    places = -step.as_tuple().exponent
    return DecimalFilter(
        min_value=0, max_value=maximum, max_digits=digits, decimal_places=places
    )


class ProductFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(
        max_length=120,
        help_text="A category slug; its subcategories are included. "
        "An unknown slug answers 404.",
    )
    search = SearchFilter(
        help_text="Words to find in name, brand, description and category; "
        "typos are forgiven. An exact SKU finds its product. "
        f"Only the first {SEARCH_MAX_LENGTH} characters count.",
    )
    min_price = _decimal_filter(
        maximum=PRICE_MAX,
        step=PRICE_STEP,
        description="Lowest price (INR), inclusive; at most 2 decimals.",
    )
    max_price = _decimal_filter(
        maximum=PRICE_MAX,
        step=PRICE_STEP,
        description="Highest price (INR), inclusive; at most 2 decimals. "
        "Below min_price nothing matches.",
    )
    brand = BrandsFilter()
    in_stock = InStockFilter()
    rating_min = _decimal_filter(
        maximum=Decimal("5"),
        step=RATING_STEP,
        description="Lowest average rating, 0 to 5 in steps of 0.1.",
    )
    postal_code = PostalCodeFilter(max_length=POSTAL_CODE_MAX_LENGTH)
    store = StoreFilter()
    ordering = django_filters.ChoiceFilter(
        choices=list(ORDERINGS.items()),
        empty_label=None,
        help_text="relevance (the default; the best match when searching), "
        "price, -price, newest, rating. Out-of-stock products come last.",
    )

    class Meta:
        # Not the pages' ProductFilterForm: it refuses a max_price below
        # min_price to tell a person, but to an API client that is a valid
        # query (no schema relates two parameters) that matches nothing.
        form = forms.Form
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
