"""Fields whose format the OpenAPI schema states as a pattern.

They validate like any CharField (the serializers' validate_* clean them);
the pattern lets a client, or a generated test, know what is accepted.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.validators import PHONE_PATTERN, PIN_CODE_PATTERN


@extend_schema_field({"type": "string", "maxLength": 12, "pattern": PIN_CODE_PATTERN})
class PinCodeField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "maxLength": 20, "pattern": PHONE_PATTERN})
class PhoneField(serializers.CharField):
    pass
