import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults, static

from shop.errors import API_PREFIX, api_refusal

# Seconds an outage answer asks a client to wait before trying again.
OUTAGE_RETRY_AFTER = 30
OUTAGE_MESSAGE = "The shop is briefly unavailable. Please try again in a minute."


def bad_request(request, exception=None):
    return api_refusal(request, status=400) or render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    # A URL that no API route matches (e.g. a negative id) still answers JSON.
    response = api_refusal(request, status=404)
    return response or defaults.page_not_found(request, exception)


def server_error(request):
    """The 500 page; 503 when the database does not answer (an outage, not a bug).

    Rendered without a request context: the context processors read the
    database, which may be what failed.
    """
    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"code": "service_unavailable", "detail": OUTAGE_MESSAGE}, status=503
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response


# A year, as WhiteNoise keeps hashed static files.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def media_serve(request, path):
    """Serve a local media file (`make run`, tests; production media is on S3).

    A media name never comes to hold other bytes: uploads are named by uuid,
    the storage gives a taken name a suffix instead of overwriting it, and the
    demo pictures are written once. So a browser may keep a file for a year.
    """
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response
