"""Anonymous catalogue pages served from the cache, fresh on the next request.

A page is stored under a key holding the catalogue generation
(`catalog.models.CatalogGeneration`), which PostgreSQL triggers move in the
same transaction as any write to products, variants, images, categories or
reviews. The generation is read before the page is rendered, so a page can
only ever be stored under a generation older than its data, never stale data
under the current one: a price or stock change shows on the very next request.

Only visitors with nothing of their own on the page are served from it: no
session cookie (no cart, no PIN code, not signed in), no flash message, no
Authorization header. The CSRF token is punched out of the stored copy and
each visitor gets their own, so the ADD buttons keep working.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

CACHED_PATHS = ("/c/", "/p/", "/search/", "/api/v1/products/", "/api/v1/categories/")
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_PLACEHOLDER = b"@@csrfmiddlewaretoken@@"
_TOKEN_FIELD = b'name="csrfmiddlewaretoken" value="%s"'
# Set by Django's own middleware on the response later (outside this one), or
# not kept with a page.
_HEADERS_NOT_STORED = {"content-length", "set-cookie", "x-request-id"}
_MESSAGES_COOKIE = "messages"
_SOURCE_SUFFIXES = {".py", ".html", ".txt", ".json"}


@functools.cache
def release_id() -> str:
    """Name the running code: SHOP_RELEASE, else a hash of its source files."""
    if settings.SHOP_RELEASE:
        return settings.SHOP_RELEASE
    # Sizes and times of the code and templates: a deploy or an edit that
    # changes what a page shows changes the key, and old copies go unread.
    base = settings.BASE_DIR
    digest = hashlib.sha256()
    for folder in ("templates", "shop", "catalog", "orders", "accounts"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in _SOURCE_SUFFIXES and path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def catalog_generation() -> int | None:
    """Return the committed catalogue generation, None when there is no row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM catalog_cataloggeneration WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def is_anonymous_catalogue_read(request) -> bool:
    """Return whether the request reads the catalogue with nothing of its own."""
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    if path != "/" and not path.startswith(CACHED_PATHS):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or _MESSAGES_COOKIE in cookies:
        return False
    # Inside a transaction (a test's, or ATOMIC_REQUESTS), this transaction's
    # own catalogue writes have not moved the generation yet: the deferred
    # triggers fire at commit.
    return not connection.in_atomic_block


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.modified or session.session_key):
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


class AnonymousPageCacheMiddleware:
    """Serve and store anonymous catalogue pages; placed after MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The generation moves only through PostgreSQL triggers; elsewhere
        # (SQLite under `make run`) nothing would ever invalidate a page.
        self.enabled = settings.SHOP_PAGE_CACHE and connection.vendor == "postgresql"
        self.release = release_id() if self.enabled else ""

    def __call__(self, request):
        if not self.enabled or not is_anonymous_catalogue_read(request):
            return self.get_response(request)
        generation = getattr(request, "catalog_generation", None)
        if generation is None:
            generation = catalog_generation()
        if generation is None:
            return self.get_response(request)
        key = self._key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            return self._from_stored(request, stored)
        response = self.get_response(request)
        if _storable(request, response):
            body = _TOKEN.sub(_TOKEN_FIELD % _PLACEHOLDER, response.content)
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _HEADERS_NOT_STORED
            ]
            cache.set(
                key,
                (response.status_code, headers, body),
                timeout=settings.SHOP_PAGE_CACHE_TIMEOUT,
            )
        if request.method == "HEAD" and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    def _key(self, request, generation: int) -> str:
        # The API answers absolute `next` links (scheme and host) and JSON by
        # Accept.
        accept = (
            request.headers.get("Accept", "")
            if request.path.startswith("/api/")
            else ""
        )
        raw = (
            f"{request.scheme}|{request.get_host()}|{request.get_full_path()}|{accept}"
        )
        digest = hashlib.sha256(raw.encode()).hexdigest()
        return f"page:{self.release}:{generation}:{digest}"

    def _from_stored(self, request, stored) -> HttpResponse:
        status, headers, body = stored
        if _PLACEHOLDER in body:
            # get_token() also tells CsrfViewMiddleware to set the cookie.
            body = body.replace(_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(
            b"" if request.method == "HEAD" else body, status=status
        )
        for name, value in headers:
            response[name] = value
        if request.method == "HEAD":
            response["Content-Length"] = str(len(body))
        patch_vary_headers(response, ("Cookie",))
        return response
