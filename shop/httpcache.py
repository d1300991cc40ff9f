"""HTTP caching headers: validators for catalogue reads, no-store for the rest.

One rule for every response that did not set its own Cache-Control:

- An anonymous catalogue read (the page cache's own test,
  `shop.pagecache.is_anonymous_catalogue_read`) gets an ETag made of the
  running release, the catalogue and shop-wide shelf generations and the
  request, known before anything is rendered; an `If-None-Match` that
  matches answers 304 at the cost of one query. Any committed catalogue
  write, or a stock move that changes what pages show, moves a generation,
  so the ETag changes on the very next request.
  - API reads are shared alike by every client, with a token or without:
    `public`, fit for a CDN, reused without asking for SHOP_HTTP_MAX_AGE
    seconds (0: always revalidated), varying by `Accept` only.
  - Pages carry the visitor's CSRF token in their forms, so a shared cache
    must never hand one visitor's page to another: `private, no-cache`, and
    the ETag includes the visitor's CSRF cookie.
- Everything else (a signed-in visitor's pages, the cart, orders, the
  account, writes, errors) is personal or not worth keeping:
  `private, no-store`.
"""

import hashlib

from django.conf import settings
from django.db import connection
from django.http import HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from shop.pagecache import is_anonymous_catalogue_read, page_generation, release_id

PERSONAL = "private, no-store"
PAGE = "private, no-cache"


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _shared(request) -> str:
    max_age = settings.SHOP_HTTP_MAX_AGE
    return f"public, max-age={max_age}" if max_age else "public, no-cache"


def _etag(request, generation: str) -> str:
    personal = "" if _api(request) else request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    raw = "|".join(
        (
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.headers.get("Accept", "") if _api(request) else "",
            personal or "",
        )
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:20]
    return f'W/"{release_id()}.{generation}.{digest}"'


class HttpCacheHeadersMiddleware:
    """Placed just before AnonymousPageCacheMiddleware, which it may skip."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The generation moves only through PostgreSQL triggers (pagecache).
        self.validators = connection.vendor == "postgresql"

    def __call__(self, request):
        etag = None
        if self.validators and is_anonymous_catalogue_read(request):
            generation = page_generation()
            # The page cache reads the same generation, once per request.
            request.catalog_generation = generation
            if generation is not None:
                etag = _etag(request, generation)
                if etag in parse_etags(request.headers.get("If-None-Match", "")):
                    return self._headers(request, HttpResponseNotModified(), etag)
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response
        if etag is None or response.status_code != 200:
            response["Cache-Control"] = PERSONAL
            return response
        return self._headers(request, response, etag)

    def _headers(self, request, response, etag: str):
        response["ETag"] = etag
        if _api(request):
            response["Cache-Control"] = _shared(request)
            patch_vary_headers(response, ("Accept",))
        else:
            response["Cache-Control"] = PAGE
            patch_vary_headers(response, ("Cookie",))
        return response
