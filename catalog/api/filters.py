"""Query parameters of `GET products/`, validated and handed to `product_list`.

The filter set only checks and documents the parameters; the listing itself
is `catalog.selectors.product_list`, the same query the pages run.
"""

from decimal import Decimal

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from catalog.forms import BrandsField, StrictBooleanField
from catalog.search import SEARCH_MAX_LENGTH
from catalog.selectors import ORDERINGS, category_tree_for, product_list
from shop.errors import DomainError, NotFound


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
    search = django_filters.CharFilter(
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
        )


class ProductFilterBackend(DjangoFilterBackend):
    """Refuse bad parameters in the shop's error shape, naming the first fault."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            fields = {
                name: [str(message) for message in messages]
                for name, messages in filterset.errors.items()
            }
            name, messages = next(iter(fields.items()))
            raise DomainError(
                f"{name}: {messages[0]}", code="invalid", extra={"fields": fields}
            )
        return filterset.qs
