"""Fields whose format the OpenAPI schema states as a pattern.

They validate like any CharField (the serializers' validate_* clean them);
the pattern lets a client, or a generated test, know what is accepted.
"""

from django.contrib.auth import password_validation
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.forms import PASSWORD_MAX_LENGTH, password_min_length
from accounts.validators import PHONE_PATTERN, PIN_CODE_PATTERN

PIN_CODE_SCHEMA = {"type": "string", "maxLength": 12, "pattern": PIN_CODE_PATTERN}


@extend_schema_field(PIN_CODE_SCHEMA)
class PinCodeField(serializers.CharField):
    """Spaces are allowed anywhere (the pattern) and count towards the length,
    as the schema says: "560001" and " 560 001 " are one code, 13 characters
    are too many."""

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)


@extend_schema_field({"type": "string", "maxLength": 20, "pattern": PHONE_PATTERN})
class PhoneField(serializers.CharField):
    pass


@extend_schema_field(
    {"type": "string", "maxLength": 20, "pattern": rf"^\s*$|{PHONE_PATTERN}"}
)
class PhoneOrBlankField(serializers.CharField):
    """A phone number, or blank to clear it."""


class PasswordField(serializers.CharField):
    """A password to check against the account's: any string, never answered."""

    def __init__(self, **kwargs):
        super().__init__(
            write_only=True,
            trim_whitespace=False,
            max_length=PASSWORD_MAX_LENGTH,
            style={"input_type": "password"},
            **kwargs,
        )


class NewPasswordField(PasswordField):
    """A password to set; the serializer runs the password validators on it,
    so a weak one hears every reason at once."""

    # The extension below states the policy's length (shop.api_schema).
    schema_min_length_own = True


class PasswordFieldExtension(OpenApiSerializerFieldExtension):
    target_class = PasswordField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "format": "password",
            "maxLength": PASSWORD_MAX_LENGTH,
        }


class NewPasswordFieldExtension(OpenApiSerializerFieldExtension):
    """State the password rules JSON Schema can say: the length, not all digits.

    Read from the configured validators when the schema is built, so the
    schema follows AUTH_PASSWORD_VALIDATORS. Likeness to the email or name and
    the common-password list stay in words.
    """

    target_class = NewPasswordField

    def map_serializer_field(self, auto_schema, direction):
        schema = {
            "type": "string",
            "format": "password",
            "minLength": password_min_length(),
            "maxLength": PASSWORD_MAX_LENGTH,
        }
        if any(
            isinstance(validator, password_validation.NumericPasswordValidator)
            for validator in password_validation.get_default_password_validators()
        ):
            schema["not"] = {"pattern": "^[0-9]*$"}
        return schema
