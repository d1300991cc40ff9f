from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults


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
