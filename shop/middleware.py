"""One log line per request, tied together by a request id; the slash rule;
API refusals as JSON."""

import logging
import re
import time
import uuid

from django.http.response import HttpResponseRedirectBase
from django.middleware import common
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
