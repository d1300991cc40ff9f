"""Catalogue pages from the cache: a copy per store, the shopper's own parts filled in.

A page is stored under a key holding the generations it depends on: the
catalogue generation (`catalog.models.CatalogGeneration`, moved by
PostgreSQL triggers in the same transaction as any write to products,
variants' prices and sizes, images, categories or reviews), the shop-wide
shelf generation and the shopper's store's (`catalog.models.ShelfGeneration`,
moved only when a shelf changes what a page shows of it). The generations
are read before the page is rendered, so a page can only ever be stored
under generations older than its data, never stale data under the current
ones: a price or stock change shows on the very next request, and an order
that leaves every shelf showing what it showed empties nothing.

Two kinds of visitor are served from it:

- a visitor with nothing of their own (no session cookie, no flash message,
  no Authorization header) gets the page exactly as stored, and so does
  every caller of the catalogue API: its reads authenticate nobody (a token
  or a session there is ignored, `catalog.api.views`), so a JWT client gets
  the same answer as everyone else;
- a visitor with a session (a PIN code, a cart, signed in) gets the copy
  shared by everyone at their store, rendered once as an anonymous visitor
  of that store with an empty cart would see it, with the parts that are
  theirs (`{% personal %}` in templates: the header, card steppers, ...)
  rendered for them into it (`personal_fill`).

The CSRF token is punched out of the stored copy and each visitor gets their
own, so the forms keep working.

When generations move, every worker asking for a hot page misses at once;
one renders it while the others wait for its copy (`_render_turn`), so a
shelf change costs one render of each page, not one per worker.
"""

import functools
import hashlib
import json
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

# The catalogue API's reads answer every caller alike.
API_PATHS = ("/api/v1/products/", "/api/v1/categories/")
CACHED_PATHS = ("/c/", "/p/", "/search/", *API_PATHS)
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_PLACEHOLDER = b"@@csrfmiddlewaretoken@@"
_TOKEN_FIELD = b'name="csrfmiddlewaretoken" value="%s"'
# Set by Django's own middleware on the response later (outside this one), or
# not kept with a page.
_HEADERS_NOT_STORED = {"content-length", "set-cookie", "x-request-id", "x-page-cache"}
_MESSAGES_COOKIE = "messages"
_MESSAGES_SESSION_KEY = "_messages"
_SOURCE_SUFFIXES = {".py", ".html", ".txt", ".json"}
# Says whether the cache answered (`hit`) or the page was rendered (`miss`),
# for operators and the benchmark's hit rate; never stored with a page.
CACHE_STATUS_HEADER = "X-Page-Cache"
_SHARED_ATTR = "_page_shared"
_CONTENT_ATTR = "_page_content_version"
_PERSONAL_DEPTH_ATTR = "_page_personal_depth"
# A shopper's part in a shared copy: the template, its arguments (JSON with
# `<`, `>` and `&` escaped, so no value can close the comment) and the
# neutral rendering, kept when the shopper's own would be the same.
_PART = re.compile(rb"<!--personal (\S+) (\{.*?\})-->(.*?)<!--/personal-->", re.S)
# A page being rendered is locked for at most this long (a render that takes
# longer lets another start); others wait for its copy at most this long,
# asking again every poll, then render it themselves.
RENDER_LOCK_SECONDS = 10
RENDER_WAIT_SECONDS = 2.0
_RENDER_POLL_SECONDS = 0.01


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


def page_generation(store_id: int | None = None) -> str | None:
    """Return the committed generations a page at `store_id` depends on.

    None when the catalogue's counter row is missing (nothing can be cached).
    One query: the catalogue's, the shop-wide shelf's and the store's.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT n FROM catalog_cataloggeneration WHERE id = 1),"
            " (SELECT n FROM catalog_shelfgeneration WHERE store_id = 0),"
            " (SELECT n FROM catalog_shelfgeneration WHERE store_id = %s)",
            [store_id or 0],
        )
        content, shop, store = cursor.fetchone()
    if content is None:
        return None
    if store_id is None:
        return f"{content}.{shop or 0}"
    return f"{content}.{shop or 0}.{store_id}.{store or 0}"


def is_catalogue_read(request) -> bool:
    """Return whether the request reads the catalogue, signed in or not."""
    if request.method not in ("GET", "HEAD"):
        return False
    path = request.path
    if path != "/" and not path.startswith(CACHED_PATHS):
        return False
    if "HTTP_AUTHORIZATION" in request.META and not _reads_as_anyone(request):
        return False
    if _MESSAGES_COOKIE in request.COOKIES:
        return False
    # Inside a transaction (a test's, or ATOMIC_REQUESTS), this transaction's
    # own catalogue writes have not moved the generation yet: the deferred
    # triggers fire at commit.
    return not connection.in_atomic_block


def _reads_as_anyone(request) -> bool:
    return request.path.startswith(API_PATHS)


def is_anonymous_catalogue_read(request) -> bool:
    """Return whether the request reads the catalogue with nothing of its own."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES and not _reads_as_anyone(
        request
    ):
        return False
    return is_catalogue_read(request)


def content_version(request) -> str | None:
    """Return the running code and catalogue generation a page being
    rendered for the cache is keyed by; None when it is not rendered for it.

    What depends on the catalogue alone (not on stock) may be kept under
    it, as fresh as the page: read before rendering, the generation moves
    with every committed catalogue write.
    """
    return getattr(request, _CONTENT_ATTR, None) if request is not None else None


def rendering_shared(request) -> bool:
    """Return whether the page is being rendered as the copy a store's shoppers share.

    Then nothing of the visitor's own may be rendered outside `{% personal %}`:
    the context processors answer as for an anonymous visitor with an empty cart.
    """
    return request is not None and getattr(request, _SHARED_ATTR, False)


# A template named in `{% personal %}` may have a preparer: given the request
# and the tag's arguments (as the shared copy's anonymous visitor had them),
# it returns the template's context for this shopper, or None when the
# neutral rendering is already theirs (an ADD button for a product not in
# their cart). Without one, the part is rendered again from its arguments
# and the context processors.
_PREPARERS: dict[str, Callable[..., dict | None]] = {}


def personal_part(template_name: str):
    """Register the preparer of a personal part's context (decorator)."""

    def register(function):
        _PREPARERS[template_name] = function
        return function

    return register


def personal_render(request, template_name: str, args: dict) -> str | None:
    """Render a personal part for the request's shopper; None: keep the neutral one."""
    preparer = _PREPARERS.get(template_name)
    context = preparer(request, args) if preparer is not None else args
    if context is None:
        return None
    depth = getattr(request, _PERSONAL_DEPTH_ATTR, 0)
    setattr(request, _PERSONAL_DEPTH_ATTR, depth + 1)
    try:
        return render_to_string(template_name, context, request=request)
    finally:
        setattr(request, _PERSONAL_DEPTH_ATTR, depth)


def personal_include(context, template_name: str, args: dict) -> str:
    """Render `{% personal %}` from the page's context; marked in a shared copy.

    In a shared copy the context is an anonymous visitor's with an empty
    cart; the part is marked with its arguments, so `personal_fill` can
    render it for each shopper. Parts inside it are not marked again.
    """
    request = context.get("request")
    template = context.template.engine.get_template(template_name)
    marks = _marks(request)
    if marks:
        setattr(request, _PERSONAL_DEPTH_ATTR, 1)
    try:
        with context.push(args):
            html = template.render(context)
    finally:
        if marks:
            setattr(request, _PERSONAL_DEPTH_ATTR, 0)
    # The template's own output, and arguments escaped by `personal_mark`.
    return mark_safe(personal_mark(template_name, args, html) if marks else html)  # noqa: S308


def personal_rendered(context, template_name: str, args: dict, html: str) -> str:
    """Return a part its caller rendered (`html`, the template's output from
    `args`) as `personal_include` would: marked in a shared copy."""
    marks = _marks(context.get("request"))
    # The template's output, and arguments escaped by `personal_mark`.
    return mark_safe(personal_mark(template_name, args, html) if marks else html)  # noqa: S308


def _marks(request) -> bool:
    return rendering_shared(request) and not getattr(request, _PERSONAL_DEPTH_ATTR, 0)


def personal_mark(template_name: str, args: dict, neutral: str) -> str:
    """Return a part as a shared copy keeps it: its name, arguments and neutral HTML."""
    encoded = (
        json.dumps(args, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return f"<!--personal {template_name} {encoded}-->{neutral}<!--/personal-->"


def personal_fill(request, body: bytes) -> bytes:
    """Render the shopper's own parts into a shared copy."""

    def fill(match) -> bytes:
        html = personal_render(request, match[1].decode(), json.loads(match[2]))
        return match[3] if html is None else html.encode()

    return _PART.sub(fill, body)


def shared_page(view):
    """Mark a view whose page its store's shoppers may share (decorator).

    Only for a view whose template renders everything of the visitor's own
    through `{% personal %}`, and which reads nothing else of theirs but the
    store: the copy is rendered once, as an anonymous visitor of that store
    with an empty cart, and served to all of them.
    """
    view.page_shareable = True
    return view


def _shareable(request) -> bool:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "page_shareable", False)


def _storable(request, response, *, shared: bool) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    session = getattr(request, "session", None)
    # A shared copy may read the session (the store is in its key); an
    # anonymous page that made one is somebody's. The API never reads it.
    if (
        session is not None
        and not _reads_as_anyone(request)
        and (session.modified or (session.session_key and not shared))
    ):
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


def _content_remember(request, generation: str) -> None:
    content = generation.split(".", 1)[0]
    setattr(request, _CONTENT_ATTR, f"{release_id()}.{content}")


def _render_turn(key: str) -> tuple[tuple | None, str | None]:
    """Return the stored copy of `key`, else the lock to render it under.

    (copy, None): stored, perhaps by another process while this one waited.
    (None, lock): not stored, and this process renders it; release the lock
    with `_render_done` once the copy is stored (or found not storable).
    (None, None): render it without the lock: another process's render
    ended without a copy (a page that is not stored), did not finish within
    RENDER_WAIT_SECONDS, or the cache does not answer.
    """
    stored = cache.get(key)
    if stored is not None:
        return stored, None
    lock_key = f"{key}:rendering"
    if cache.add(lock_key, 1, timeout=RENDER_LOCK_SECONDS):
        # Another process may have stored it and let go between the two calls.
        stored = cache.get(key)
        if stored is not None:
            _render_done(lock_key)
            return stored, None
        return None, lock_key
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(_RENDER_POLL_SECONDS)
        found = cache.get_many([key, lock_key])
        if key in found:
            return found[key], None
        if lock_key not in found:
            break
    return None, None


def _render_done(lock_key: str | None) -> None:
    # After a render that outlived its lock this may release another
    # process's: at worst one more render of the same page.
    if lock_key is not None:
        cache.delete(lock_key)


class AnonymousPageCacheMiddleware:
    """Serve and store catalogue pages; placed after Message- and ShopperMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The generations move only through PostgreSQL triggers; elsewhere
        # (SQLite under `make run`) nothing would ever invalidate a page.
        self.enabled = settings.SHOP_PAGE_CACHE and connection.vendor == "postgresql"
        self.release = release_id() if self.enabled else ""

    def __call__(self, request):
        if not self.enabled or not is_catalogue_read(request):
            return self.get_response(request)
        if is_anonymous_catalogue_read(request):
            return self._anonymous(request)
        if _MESSAGES_SESSION_KEY in request.session or not _shareable(request):
            return self.get_response(request)
        return self._shared(request)

    def _anonymous(self, request):
        generation = getattr(request, "catalog_generation", None)
        if generation is None:
            generation = page_generation()
        if generation is None:
            return self.get_response(request)
        _content_remember(request, generation)
        key = self._key(request, generation, "anonymous")
        stored, lock = _render_turn(key)
        if stored is not None:
            response = self._from_stored(request, stored)
            response[CACHE_STATUS_HEADER] = "hit"
            return response
        try:
            response = self.get_response(request)
            if _storable(request, response, shared=False):
                self._store(key, response)
                response[CACHE_STATUS_HEADER] = "miss"
        finally:
            _render_done(lock)
        if request.method == "HEAD" and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    def _shared(self, request):
        shopper = getattr(request, "shopper", None)
        store_id = getattr(shopper, "store_id", None)
        generation = page_generation(store_id)
        if generation is None:
            return self.get_response(request)
        _content_remember(request, generation)
        key = self._key(request, generation, "shared")
        stored, lock = _render_turn(key)
        status = "hit"
        if stored is None:
            try:
                response = self._render_shared(request)
                storable = _storable(request, response, shared=True)
                if storable:
                    stored = self._store(key, response)
            finally:
                _render_done(lock)
            if not storable:
                # A redirect, an error or a page that wrote the session:
                # answered as the shopper's own.
                return self.get_response(request)
            status = "miss"
        response = self._from_stored(request, stored)
        response.content = personal_fill(request, response.content)
        response[CACHE_STATUS_HEADER] = status
        return response

    def _render_shared(self, request):
        """Render the page as an anonymous visitor of the store with an empty cart."""
        user = request.user
        request.user = AnonymousUser()
        setattr(request, _SHARED_ATTR, True)
        try:
            return self.get_response(request)
        finally:
            request.user = user
            setattr(request, _SHARED_ATTR, False)

    def _store(self, key: str, response) -> tuple:
        body = _TOKEN.sub(_TOKEN_FIELD % _PLACEHOLDER, response.content)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in _HEADERS_NOT_STORED
        ]
        stored = (response.status_code, headers, body)
        cache.set(key, stored, timeout=settings.SHOP_PAGE_CACHE_TIMEOUT)
        return stored

    def _key(self, request, generation: str, kind: str) -> str:
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
        return f"page:{self.release}:{kind}:{generation}:{digest}"

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
        if not _reads_as_anyone(request):
            patch_vary_headers(response, ("Cookie",))
        return response
