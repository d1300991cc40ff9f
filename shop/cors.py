"""CORS for SPAs on other origins: django-cors-headers with the allow-list from
the environment, and credentials (cookies) only where the cookie refresh mode
needs them.

A browser sends cookies cross-origin, and lets the page read the answer,
only with `Access-Control-Allow-Credentials: true`. Everything but the token
endpoints works with a bearer token, which needs no cookies, so only those
endpoints (SHOP_CORS_CREDENTIALS_URLS_REGEX) say it.
"""

import re

from corsheaders.middleware import (
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    CorsMiddleware,
)
from django.conf import settings


class ShopCorsMiddleware(CorsMiddleware):
    def add_response_headers(self, request, response):
        response = super().add_response_headers(request, response)
        if ACCESS_CONTROL_ALLOW_ORIGIN in response and re.match(
            settings.SHOP_CORS_CREDENTIALS_URLS_REGEX, request.path_info
        ):
            response[ACCESS_CONTROL_ALLOW_CREDENTIALS] = "true"
        return response
