import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

# Seconds an outage answer asks a client to wait before trying again.
OUTAGE_RETRY_AFTER = 30
OUTAGE_MESSAGE = "The shop is briefly unavailable. Please try again in a minute."


def _api_error(request, code: str, detail: str, status: int):
    """Return the API's error shape under /api/, None for pages."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "detail": detail}, status=status)
    return None


def bad_request(request, exception=None):
    response = _api_error(request, "bad_request", "The request is not valid.", 400)
    return response or render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    # A URL that no API route matches (e.g. a negative id) still answers JSON.
    response = _api_error(request, "not_found", "Not found.", 404)
    return response or defaults.page_not_found(request, exception)


def server_error(request):
    """The 500 page; 503 when the database does not answer (an outage, not a bug).

    Rendered without a request context: the context processors read the
    database, which may be what failed.
    """
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    response = _api_error(request, "service_unavailable", OUTAGE_MESSAGE, 503)
    if response is None:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response
