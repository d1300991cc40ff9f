"""OpenAPI pieces every app's API shares: the one error shape and its responses.

`shop.errors.api_exception_handler` answers every error as
`{"code", "detail", "fields"?}`; `ErrorSerializer` documents that shape, and
`error_responses(400, 401, ...)` gives the `responses` entries for
`@extend_schema`, so the schema matches what the handler really sends:

    @extend_schema(responses={200: ThingSerializer, **error_responses(400, 404)})
"""

import json

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERROR_DESCRIPTIONS = {
    400: "The request is not valid; `fields` names the fields at fault.",
    401: "No valid access token (missing, expired, tampered or revoked), "
    "or wrong credentials.",
    403: "Not allowed: the account may not do this, the link or password "
    "sent does not allow it, or the CSRF check failed.",
    404: "Not found, or not yours.",
    405: "The method is not allowed here.",
    406: "None of the media types in Accept can be answered (JSON, or a PDF "
    "for downloads).",
    409: "The request conflicts with the current state.",
    413: "The upload is too large.",
    415: "The content type is not supported; send JSON.",
    429: "Too many requests; wait for the seconds in the Retry-After header.",
}


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    code = serializers.CharField(help_text="Machine-readable, e.g. `invalid`.")
    detail = serializers.CharField(help_text="A message for people.")

    def get_fields(self):
        # A declared attribute named `fields` would hide Serializer.fields.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.JSONField(),
            required=False,
            help_text="On validation errors only: each field's messages.",
        )
        return fields


class MessageSerializer(serializers.Serializer):
    """A plain acknowledgement for people."""

    detail = serializers.CharField()


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Return `@extend_schema` responses documenting the error shape per status."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with public endpoints saying they need no token,
    and request bodies stating the field combinations their serializer's
    `validate` refuses (`schema_refuses`: JSON Schemas, none of which a valid
    body may match).

    An operation whose only security requirement is the empty one reads no
    token at all (its view has no authenticators for the method); saying
    `security: [{}]` makes generated clients demand an authenticated client
    for it, so it lists none instead.
    """

    def get_auth(self):
        auths = super().get_auth()
        return [] if auths == [{}] else auths

    def _get_serializer_field_meta(self, field, direction):
        # drf-spectacular writes `minLength: 1` for any non-blank text field
        # over the longer minimum a field's own schema states (a password
        # policy's): such a field says so and keeps its own.
        meta = super()._get_serializer_field_meta(field, direction)
        if getattr(field, "schema_min_length_own", False):
            meta.pop("minLength", None)
        return meta

    def _map_basic_serializer(self, serializer, direction):
        # A ModelSerializer answers every readable field (a model instance
        # has them all), though some are optional to send: in the answer they
        # are always there. A plain serializer leaves out a `required=False`
        # field whose key is missing, so it keeps its own list.
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and isinstance(
            serializer, serializers.ModelSerializer
        ):
            present = [
                name
                for name, field in serializer.fields.items()
                if not field.write_only and name in schema.get("properties", {})
            ]
            schema["required"] = sorted(set(schema.get("required", [])) | set(present))
        refused = getattr(serializer, "schema_refuses", None)
        if direction == "request" and refused:
            schema["not"] = {"anyOf": refused}
        return schema


def request_defaults_described(result, generator, request, public):
    """Move `default` out of request bodies' fields into their descriptions.

    A field with a default may be left out of a request, and the schema says
    so (it is not `required`), but openapi-typescript turns any field with a
    `default` into a required one; stating the default in words keeps every
    generator's request types right. Registered in POSTPROCESSING_HOOKS.
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for field in component.get("properties", {}).values():
            if "default" in field:
                default = json.dumps(field.pop("default"))
                described = field.get("description", "").rstrip()
                field["description"] = f"{described} Default: {default}.".strip()
    return result
