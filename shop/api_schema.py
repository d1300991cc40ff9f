"""OpenAPI pieces every app's API shares: the one error shape and its responses.

`shop.errors.api_exception_handler` answers every error as
`{"code", "detail", "fields"?}`; `ErrorSerializer` documents that shape, and
`error_responses(400, 401, ...)` gives the `responses` entries for
`@extend_schema`, so the schema matches what the handler really sends:

    @extend_schema(responses={200: ThingSerializer, **error_responses(400, 404)})
"""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers

ERROR_DESCRIPTIONS = {
    400: "The request is not valid; `fields` names the fields at fault.",
    401: "No valid access token (missing, expired, tampered or revoked), "
    "or wrong credentials.",
    403: "Not allowed: the account may not do this, or the CSRF check failed.",
    404: "Not found, or not yours.",
    405: "The method is not allowed here.",
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


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI for the schema; OPTIONS answers the methods, not metadata.

    The view renders an HTML template only; DRF's OPTIONS metadata has none.
    """

    def options(self, request, *args, **kwargs):
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
