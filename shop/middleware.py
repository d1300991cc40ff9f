"""One log line per request, tied together by a request id; the slash rule;
API refusals as JSON; bodies too large for their path are refused unread."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.http.response import HttpResponseRedirectBase
from django.middleware import common
from django.template import loader
from django.utils.http import escape_leading_slashes

from shop.errors import api_refusal
from shop.logs import request_enter, request_exit

logger = logging.getLogger("shop.request")
# An incoming id is kept only when it looks like one, so logs cannot be forged.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_enter(request)
        try:
            response = self.get_response(request)
            self._log(request, response, started)
        finally:
            request_exit(token)
        return response

    def _log(self, request, response, started: float) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.id
        logger.info(
            "%s %s %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                # The one place that looks the user up, if nothing did before.
                "user_id": getattr(getattr(request, "user", None), "pk", None),
            },
        )


class PermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    """308: like 301, but the client repeats the same method with the same body."""

    status_code = 308


class CommonMiddleware(common.CommonMiddleware):
    """Django's, except that APPEND_SLASH never turns a POST into a GET.

    Every path ends in a slash. A GET or HEAD without it is redirected with
    301 as Django does; any other method gets 308, which keeps its method and
    body, where a 301 would lose the body (and Django with DEBUG raises).
    """

    def process_response(self, request, response):
        if (
            response.status_code == 404
            and request.method not in ("GET", "HEAD")
            and self.should_redirect_with_slash(request)
        ):
            path = request.get_full_path(force_append_slash=True)
            return PermanentRedirectKeepingMethod(escape_leading_slashes(path))
        return super().process_response(request, response)


class ApiRefusalMiddleware:
    """Answer Django's own 4xx refusals under /api/ in the API's error shape.

    DRF views already do; this covers what never reaches one: an unknown path
    while DEBUG is on (Django's HTML debug page otherwise), a method a plain
    view refuses, a request Django rejects. Last in MIDDLEWARE, so the usual
    headers are added to the JSON and a missing slash still redirects.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        shaped = api_refusal(request, status=response.status_code)
        if shaped is None:
            return response
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped


class BodySizeLimitMiddleware:
    """Refuse a body larger than its path takes, from Content-Length, unread.

    Django would stream a large multipart body to temporary files before a
    view (or the CSRF check) could refuse it. SHOP_MAX_BODY_BYTES bounds every
    path; SHOP_MAX_BODY_BYTES_BY_PATH raises it for path prefixes that take
    uploads (the admin's pictures). Django reads no body without a
    Content-Length, so a chunked body is never read either.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limits = sorted(
            settings.SHOP_MAX_BODY_BYTES_BY_PATH.items(),
            key=lambda item: len(item[0]),
            reverse=True,
        )

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return settings.SHOP_MAX_BODY_BYTES

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.limit_for(request.path)
        if length > limit:
            return _too_large(request, limit)
        return self.get_response(request)


def _too_large(request, limit: int):
    detail = f"The request is too large: this address takes at most {limit} bytes."
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "too_large", "detail": detail}, status=413)
    page = loader.get_template("413.html").render({"limit_bytes": limit})
    return HttpResponse(page, status=413)
