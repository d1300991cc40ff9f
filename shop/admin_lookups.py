"""Admin change lists answer only the lookups their own filters declare.

Django's admin accepts any lookup on a model's own fields in the query
string (`?email__regex=^c`, `?total__gte=525.00`), so whoever sees a change
list can probe fields it does not show them, one yes-or-no at a time. A
seller sees orders whose email and totals are staff-only; every admin that
sellers reach mixes this in, so a lookup no filter declares is refused
(Django answers 400).
"""

from django.contrib.admin.filters import FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import get_fields_from_path

_DATE_HIERARCHY_PARTS = ("year", "month", "day")


class DeclaredLookupsOnlyMixin:
    """Allow the query-string lookups of the list filters and date hierarchy only."""

    def lookup_allowed(self, lookup, value, request):
        if lookup not in self.declared_lookups(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def declared_lookups(self, request) -> frozenset[str]:
        """Return the parameters the change list's filters read, once per request."""
        per_admin = request.__dict__.setdefault("_declared_lookups", {})
        if type(self) not in per_admin:
            declared = set()
            if self.date_hierarchy:
                declared.update(
                    f"{self.date_hierarchy}__{part}" for part in _DATE_HIERARCHY_PARTS
                )
            for list_filter in self.get_list_filter(request):
                declared.update(self._filter_parameters(request, list_filter))
            per_admin[type(self)] = frozenset(declared)
        return per_admin[type(self)]

    def _filter_parameters(self, request, list_filter) -> list[str]:
        if isinstance(list_filter, type) and issubclass(list_filter, SimpleListFilter):
            return [list_filter.parameter_name]
        if isinstance(list_filter, (list, tuple)):
            field_path, filter_class = list_filter
        else:
            field_path, filter_class = list_filter, FieldListFilter.create
        field = get_fields_from_path(self.model, field_path)[-1]
        spec = filter_class(field, request, {}, self.model, self, field_path=field_path)
        return list(spec.expected_parameters())
