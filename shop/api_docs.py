"""The Swagger UI page for the API schema.

Apart from shop.api_schema, which DRF's settings import: drf-spectacular's
views import those settings in turn.
"""

from django.http import HttpResponse
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI for the schema; OPTIONS answers the methods, not metadata.

    The view renders an HTML template only; DRF's OPTIONS metadata has none.
    """

    def options(self, request, *args, **kwargs):
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
