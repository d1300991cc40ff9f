"""One log line per request, tied together by a request id."""

import logging
import re
import time
import uuid

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
