"""One log line per request, tied together by a request id; personal answers
are never cached."""

import logging
import re
import time
import uuid

from django.utils.cache import patch_cache_control

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


# Pages and API answers that hold one person's data (profile, addresses,
# cart, checkout, orders, tokens): no browser or proxy may keep a copy.
PERSONAL_PATHS = (
    "/account/",
    "/cart/",
    "/checkout/",
    "/orders/",
    "/api/v1/auth/",
    "/api/v1/me/",
    "/api/v1/cart/",
    "/api/v1/orders/",
)


class PersonalNoStoreMiddleware:
    """Mark the answers under PERSONAL_PATHS `Cache-Control: private, no-store`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PERSONAL_PATHS):
            patch_cache_control(response, private=True, no_store=True)
        return response
