"""The cart count and total, and the delivery area, for every page's header.

Everything here is lazy: a page that never shows the cart runs no query, a
visitor without a cart or postal code runs none at all, and anyone else at
most two (the cart's lines, the service area), and a third for the store's
express promise at most every few seconds per store (`express_promise_shown`);
the home page's "Buy again" row adds its own for a signed-in shopper.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from catalog.selectors import category_tree_for, product_cards_by_ids
from orders.items import item_count
from orders.pricing import subtotal_of
from orders.selectors import (
    SESSION_CART_KEY,
    SESSION_POSTAL_CODE_KEY,
    cart_lines_quick,
    products_bought_before,
    service_area_get,
    service_area_of_default_address,
)
from orders.stores.shopper import shopper_area_remember, shopper_of
from shop.money import money_format
from shop.pagecache import personal_part, rendering_shared

_STATE_ATTR = "_orders_cart_state"


def cart_state_remember(request, *, lines) -> None:
    """Let a view that loaded the cart's lines spare the header its query."""
    setattr(
        request,
        _STATE_ATTR,
        _state_from_rows(
            [(ln.variant_id, ln.quantity, ln.variant.price) for ln in lines]
        ),
    )


def cart_state_forget(request) -> None:
    """Drop what the request remembered after the cart changed."""
    if hasattr(request, _STATE_ATTR):
        delattr(request, _STATE_ATTR)


def _state_from_rows(rows) -> dict:
    return {
        "count": item_count(quantity for _id, quantity, _price in rows),
        "subtotal": subtotal_of((price, qty) for _id, qty, price in rows),
        "quantities": {variant_id: quantity for variant_id, quantity, _p in rows},
    }


def cart_state(request) -> dict:
    """Return {count, subtotal, quantities} of the request's cart, once per request.

    Empty while the page is rendered as the copy a store's shoppers share.
    """
    if rendering_shared(request):
        return _state_from_rows([])
    state = getattr(request, _STATE_ATTR, None)
    if state is not None:
        return state
    user = getattr(request, "user", None)
    rows = []
    # What the bill counts: lines the shopper's store lacks are set apart.
    store_id = shopper_of(request).store_id
    if user is not None and user.is_authenticated:
        rows = cart_lines_quick(user_id=user.pk, store_id=store_id)
    else:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.session_key
            and session.get(SESSION_CART_KEY)
        ):
            rows = cart_lines_quick(session_key=session.session_key, store_id=store_id)
    state = _state_from_rows(rows)
    setattr(request, _STATE_ATTR, state)
    return state


def delivery_area_remember_default_after_login(
    *, request, user, visitor_session_key: str | None
) -> list[str]:
    """Remember the default address's area on login (registered in `accounts.hooks`)."""
    delivery_area_remember_default(request, user=user)
    return []


def delivery_area_remember_default(request, *, user) -> None:
    """Let the header promise delivery to the user's default address, if served.

    A PIN code the visitor chose before logging in stays.
    """
    if request.session.get(SESSION_POSTAL_CODE_KEY):
        return
    area = service_area_of_default_address(user=user)
    if area is not None:
        shopper_area_remember(request, area=area)


def delivery_area_remember_saved_default(*, request, address) -> None:
    """Let the shop's store follow a default address the shopper just saved,
    when they have set no PIN code (registered in `accounts.hooks`)."""
    if request.session.get(SESSION_POSTAL_CODE_KEY):
        return
    area = service_area_get(postal_code=address.postal_code)
    if area is not None:
        shopper_area_remember(request, area=area)


def _delivery_area(request):
    if rendering_shared(request):
        return None
    return shopper_of(request).area


def _delivery_promise(request):
    if rendering_shared(request):
        return None
    return shopper_of(request).promise


@personal_part("orders/_cart_control.html")
@personal_part("catalog/_in_cart.html")
def cart_quantity_prepare(request, args: dict) -> dict | None:
    """Give an ADD button or a size the shopper's quantity; None: not in the cart."""
    quantity = cart_state(request)["quantities"].get(args["variant_id"])
    return {**args, "quantity": quantity} if quantity else None


def _buy_again(request) -> list:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    ids = products_bought_before(user=user)
    if not ids:
        return []
    return product_cards_by_ids(
        ids=ids,
        tree=category_tree_for(request),
        store_id=shopper_of(request).store_id,
    )


def cart(request):
    """Give templates `cart_summary`, `cart_quantities`, `delivery_area`,
    `delivery_promise` (its store's express promise now) and `buy_again`.

    `buy_again` (the signed-in shopper's past products, as cards) is read
    only by the page that shows it: the home page.
    """

    def summary():
        state = cart_state(request)
        return {
            "count": state["count"],
            "subtotal": money_format(state["subtotal"], settings.SHOP_CURRENCY),
        }

    return {
        "cart_summary": SimpleLazyObject(summary),
        "cart_quantities": SimpleLazyObject(lambda: cart_state(request)["quantities"]),
        "delivery_area": SimpleLazyObject(lambda: _delivery_area(request)),
        "delivery_promise": SimpleLazyObject(lambda: _delivery_promise(request)),
        "buy_again": SimpleLazyObject(lambda: _buy_again(request)),
    }
