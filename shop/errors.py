"""One error shape for the API, and the pages for errors in the browser.

API errors answer `{"code": "...", "detail": "...", "fields": {...}}`: `code`
is machine-readable, `detail` is for people, `fields` appears on validation
errors only.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the shop refused the request; services raise subclasses."""

    code = "invalid"
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message: str, *, code: str | None = None, extra=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class NotFound(DomainError):
    code = "not_found"
    status_code = status.HTTP_404_NOT_FOUND


class Conflict(DomainError):
    code = "conflict"
    status_code = status.HTTP_409_CONFLICT


class RateLimited(Ratelimited):
    """Over a rate limit; carries how long to wait."""

    def __init__(self, retry_after: int):
        super().__init__("Too many requests.")
        self.retry_after = retry_after


RATE_LIMIT_MESSAGE = "Too many attempts. Please wait a little and try again."
API_PREFIX = "/api/"
# Refusals Django makes before or outside a DRF view (no route, a method a
# plain view does not take, a malformed request), with DRF's codes and words.
DJANGO_REFUSALS = {
    400: ("bad_request", "The request is not valid."),
    403: ("permission_denied", "You do not have permission to perform this action."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", 'Method "{method}" not allowed.'),
}


def _error(code: str, detail: str, http_status: int, **extra) -> Response:
    return Response({"code": code, "detail": detail, **extra}, status=http_status)


def api_exception_handler(exc, context):
    """Answer every API error in the one documented shape."""
    if isinstance(exc, Ratelimited):
        retry_after = getattr(exc, "retry_after", 60)
        response = _error("rate_limited", RATE_LIMIT_MESSAGE, 429)
        response["Retry-After"] = str(retry_after)
        return response
    if isinstance(exc, DomainError):
        return _error(exc.code, exc.message, exc.status_code, **exc.extra)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {}
        non_field = exc.detail if isinstance(exc.detail, list) else []
        non_field = non_field or fields.get("non_field_errors", [])
        detail = str(non_field[0]) if non_field else "Some fields are not valid."
        response.data = {"code": "invalid", "detail": detail, "fields": fields}
    else:
        codes = exc.get_codes()
        if isinstance(codes, dict):
            # simplejwt's InvalidToken carries its code inside a dict detail.
            codes = codes.get("code", "error")
        code = codes if isinstance(codes, str) else "error"
        detail = exc.detail
        if isinstance(detail, dict):
            detail = detail.get("detail", "The request was refused.")
        response.data = {"code": code, "detail": str(detail)}
    return response


def api_refusal(request, *, status: int) -> JsonResponse | None:
    """Return Django's refusal of an API request in the API's error shape.

    None for a page outside /api/ or a status the shape does not name.
    """
    if not request.path.startswith(API_PREFIX) or status not in DJANGO_REFUSALS:
        return None
    code, detail = DJANGO_REFUSALS[status]
    return JsonResponse(
        {"code": code, "detail": detail.format(method=request.method)}, status=status
    )


def ratelimited(request, exception=None):
    """The browser's answer to a rate limit: the 429 page with Retry-After."""
    retry_after = getattr(exception, "retry_after", 60)
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"code": "rate_limited", "detail": RATE_LIMIT_MESSAGE}, status=429
        )
    else:
        response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def csrf_failure(request, reason=""):
    """Explain a refused form in words a shopper understands."""
    return render(request, "403_csrf.html", status=403)


class NotFoundPageMiddleware:
    """Answer a page whose service or selector raised NotFound with the 404 page.

    Services speak the shop's errors, never `Http404`; the API's handler
    gives NotFound its JSON shape, and this gives pages theirs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return
