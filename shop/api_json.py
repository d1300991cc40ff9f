"""Request bodies take the JSON types the schema states, and only those.

DRF reads leniently, as an HTML form needs: a CharField takes 5 as "5", a
BooleanField takes 0, "yes" or "on", an IntegerField takes "5" and 5.0. The
API parses JSON only (ShopJSONParser), where a value's type is part of the
contract: a client that sends 0 for a boolean has a bug it should hear about,
and the schema, generated clients and Schemathesis all say it is refused.
Query strings are text by nature and keep DRF's reading.
"""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.fields import empty

# Most specific first: BooleanField is no CharField, but EmailField is one.
_JSON_TYPES = (
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.IntegerField, (int,), "a whole number"),
    (serializers.CharField, (str,), "a string"),
)


def _expected(field) -> tuple[tuple[type, ...], str] | None:
    for field_class, types, words in _JSON_TYPES:
        if isinstance(field, field_class):
            return types, words
    return None


def _is_a(value, types: tuple[type, ...]) -> bool:
    # bool is an int in Python, not in JSON.
    return isinstance(value, types) and not (
        isinstance(value, bool) and bool not in types
    )


class JSONTypes:
    """Serializer mixin: each writable field refuses a value of another JSON type.

    null keeps DRF's own answer (allowed or "may not be null").
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for field in self._writable_fields:
                value = data.get(field.field_name, empty)
                expected = _expected(field)
                if value is empty or value is None or expected is None:
                    continue
                types, words = expected
                if not _is_a(value, types):
                    errors[field.field_name] = [f"Must be {words}."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
