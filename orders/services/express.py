"""The express promise: whether a store delivers in minutes now, and how soon.

One function, `express_promise`, answers it for checkout, the
serviceability API and placement, so what the shopper is offered is what the
order is promised. Its minutes are the store's base time plus the minutes
each paid, unpacked order ahead adds; it is offered while the store is open
and fewer than `express_capacity` express orders hold a place in the last
`express_window_minutes`. Booking a place is `express_place_book` in
`orders.services.stock`, which asks this function again under the store's
lock. `express_promise_shown` is the same answer as pages print it for
browsing, a few seconds old at most. Nothing here writes but that cache.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from orders.errors import ExpressUnavailable
from orders.models import DarkStore
from orders.selectors import delivery_slots_bookable, store_load

# Slots an express refusal offers instead: the soonest few.
SLOTS_INSTEAD = 6
# How old the promise a page shows while browsing may be. Every visitor of a
# store reads the same one, so a page view costs no count of the store's
# orders; checkout and placement always count afresh.
SHOWN_FOR_SECONDS = 15


@dataclass(frozen=True)
class ExpressPromise:
    """What a store can promise an express order now."""

    store: DarkStore
    is_open: bool
    # Minutes to the door; None when express is not offered now.
    minutes: int | None
    # Why not, for machines (`store_closed`, `express_full`) and for people.
    code: str | None
    reason: str | None
    places_left: int

    @property
    def offered(self) -> bool:
        return self.minutes is not None

    def promised_at(self, placed_at: datetime) -> datetime:
        """Return when an order placed at `placed_at` is promised to arrive."""
        return placed_at + timedelta(minutes=self.minutes)


def store_is_open(*, store: DarkStore, now: datetime | None = None) -> bool:
    """Return whether the store takes orders now, by its hours in the shop's zone.

    Hours are whole seconds and the closing second is open, so 00:00 to
    23:59:59 is the whole day. A store that closes before it opens works
    through midnight (18:00 to 02:00), and one that opens and closes at the
    same time never closes. SHOP_STORES_ALWAYS_OPEN (`make run`) keeps every
    active store open.
    """
    if not store.is_active:
        return False
    if settings.SHOP_STORES_ALWAYS_OPEN:
        return True
    clock = timezone.localtime(now or timezone.now()).time().replace(microsecond=0)
    opens_at, closes_at = store.opens_at, store.closes_at
    if opens_at < closes_at:
        return opens_at <= clock <= closes_at
    if opens_at == closes_at:
        return True
    return clock >= opens_at or clock <= closes_at


def express_promise(*, store: DarkStore, now: datetime | None = None) -> ExpressPromise:
    """Return the store's express promise now: its minutes, or why there is none."""
    now = now or timezone.now()
    is_open = store_is_open(store=store, now=now)
    load = store_load(
        store_id=store.pk,
        since=now - timedelta(minutes=store.express_window_minutes),
    )
    places_left = max(0, store.express_capacity - load.express_taken)
    minutes = code = reason = None
    if not is_open:
        code = "store_closed"
        reason = (
            f"{store.name} is closed now; it opens at {store.opens_at:%H:%M}. "
            "Please choose a delivery slot."
        )
    elif not places_left:
        code = "express_full"
        reason = (
            f"Express delivery from {store.name} is fully booked for now; "
            "please choose a delivery slot."
        )
    else:
        minutes = (
            store.express_base_minutes + store.express_minutes_per_order * load.queue
        )
    return ExpressPromise(
        store=store,
        is_open=is_open,
        minutes=minutes,
        code=code,
        reason=reason,
        places_left=places_left,
    )


def express_promise_shown(*, store: DarkStore) -> ExpressPromise:
    """Return the store's promise as browsing pages show it (header, product
    and cart pages): `express_promise`, kept for SHOWN_FOR_SECONDS."""
    key = f"express-shown:{store.pk}"
    kept = cache.get(key)
    if kept is not None:
        return ExpressPromise(store=store, **kept)
    promise = express_promise(store=store)
    kept = {
        "is_open": promise.is_open,
        "minutes": promise.minutes,
        "code": promise.code,
        "reason": promise.reason,
        "places_left": promise.places_left,
    }
    cache.set(key, kept, SHOWN_FOR_SECONDS)
    return promise


def express_refusal(
    *, promise: ExpressPromise, code: str | None = None
) -> ExpressUnavailable:
    """Return the refusal of an express order the promise does not offer,
    with the store's soonest slots to choose instead."""
    slots = list(delivery_slots_bookable(store_id=promise.store.pk)[:SLOTS_INSTEAD])
    return ExpressUnavailable(promise.reason, code=code or promise.code, slots=slots)
