"""One log line per request, tied together by a request id; API refusals as JSON."""

import logging
import re
import time
import uuid

from shop.errors import api_refusal

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
        response = self.get_response(request)
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
            },
        )
        return response


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
