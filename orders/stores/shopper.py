"""Which dark store a request shops at: the one serving the shopper's PIN code.

The PIN code is the one kept in the session: set in the header, or, for a
signed-in shopper who set none, their default address's on login
(`delivery_area_remember_default`). Reading it costs no query; the area
and store are read lazily and once per request. Catalogue code, which may
not import this app, reads `request.shopper`.
"""

from functools import cached_property

from catalog.hooks import CatalogueStore
from orders.models import DarkStore, ServiceArea
from orders.selectors import (
    SESSION_POSTAL_CODE_KEY,
    service_area_get,
    service_areas_active,
    service_areas_named,
)
from orders.services.express import ExpressPromise, express_promise_shown
from shop.errors import NotFound


class Shopper:
    """The request's PIN code, its service area, its store and that store's
    express promise as pages show it (each may be None)."""

    def __init__(self, request):
        self._request = request

    @cached_property
    def postal_code(self) -> str | None:
        session = getattr(self._request, "session", None)
        return session.get(SESSION_POSTAL_CODE_KEY) if session is not None else None

    @cached_property
    def area(self) -> ServiceArea | None:
        if not self.postal_code:
            return None
        return service_area_get(postal_code=self.postal_code)

    @property
    def store_id(self) -> int | None:
        return self.area.store_id if self.area is not None else None

    @cached_property
    def promise(self) -> ExpressPromise | None:
        if self.area is None:
            return None
        return express_promise_shown(store=self.area.store)


def shopper_of(request) -> Shopper:
    """Return the request's `Shopper`, also for a request no middleware saw."""
    shopper = getattr(request, "shopper", None)
    if shopper is None:
        shopper = request.shopper = Shopper(request)
    return shopper


def shopper_area_remember(request, *, area: ServiceArea) -> None:
    """Make `area` the request's delivery area, now and for the session."""
    request.session[SESSION_POSTAL_CODE_KEY] = area.postal_code
    request.shopper = Shopper(request)


class ShopperMiddleware:
    """Give every request `request.shopper` (after sessions and auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.shopper = Shopper(request)
        return self.get_response(request)


def store_for_catalogue(
    *, postal_code: str = "", store_id: int | None = None
) -> CatalogueStore:
    """Return the store serving a PIN code, or the active store of an id, for
    the catalogue API (registered in `catalog.hooks`); raise NotFound, naming
    the areas served, for a code no store serves."""
    if postal_code:
        area = service_area_get(postal_code=postal_code)
        if area is None:
            named = service_areas_named(service_areas_active()) or "nowhere yet"
            raise NotFound(
                f"We do not deliver to {postal_code} yet. We deliver to {named}.",
                code="not_serviceable",
            )
        return CatalogueStore(
            id=area.store_id,
            name=area.store.name,
            postal_code=area.postal_code,
            area_name=area.name,
        )
    store = DarkStore.objects.filter(pk=store_id, is_active=True).first()
    if store is None:
        raise NotFound(f"There is no open store {store_id}.", code="store_not_found")
    return CatalogueStore(id=store.pk, name=store.name)
