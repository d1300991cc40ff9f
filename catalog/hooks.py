"""Questions the orders app answers for the catalogue, wired from it.

Catalog sits below orders and never imports it; the orders app registers
its answers in `AppConfig.ready`: who may review a product ("an order of it
was delivered to them"; without an answer, nobody) and which dark store a
PIN code or a store id names (for the API's availability).
"""

from collections.abc import Callable
from dataclasses import dataclass

from shop.errors import NotFound

# check(user=..., product=...) -> bool
ReviewEligibility = Callable[..., bool]

_eligibility: list[ReviewEligibility] = []


def review_eligibility_register(check: ReviewEligibility) -> None:
    """Make `check(user=, product=)` the answer to who may review a product."""
    _eligibility[:] = [check]


def user_may_review(*, user, product) -> bool:
    """Return whether the user may review the product (False without an answer)."""
    if user is None or not user.is_authenticated or not _eligibility:
        return False
    return _eligibility[0](user=user, product=product)


# THE STORE AN API CLIENT NAMES
#
# The catalogue API answers availability at a dark store named by a PIN code
# or an id; stores and their areas are the orders app's, which registers the
# answer here.


@dataclass(frozen=True)
class CatalogueStore:
    """A dark store as the catalogue shows it, and the PIN code that chose it."""

    id: int
    name: str
    postal_code: str = ""
    area_name: str = ""


# resolve(postal_code=..., store_id=...) -> CatalogueStore, or raise NotFound
StoreResolver = Callable[..., CatalogueStore]

_store_resolver: list[StoreResolver] = []


def store_resolver_register(resolve: StoreResolver) -> None:
    """Make `resolve(postal_code=, store_id=)` the answer to "which store is that"."""
    _store_resolver[:] = [resolve]


def store_resolve(*, postal_code: str = "", store_id: int | None = None):
    """Return the CatalogueStore of a served PIN code or an active store's id.

    Raise NotFound (`not_serviceable`, `store_not_found`) for one there is
    not; without a registered answer no store is known.
    """
    if not _store_resolver:
        raise NotFound("No store is known here.", code="store_not_found")
    return _store_resolver[0](postal_code=postal_code, store_id=store_id)
