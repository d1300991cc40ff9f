"""Every write of a cart: adding, setting, removing, cleaning and merging lines.

The one cart rule is `line_cap`: a line never holds more than the shopper's
store has on its shelf, nor more than SHOP_MAX_LINE_QUANTITY. Every write and
every read that shows a cart goes through it. The store is the caller's to
name (`store_id`: the one serving the shopper's PIN code, or the saved
address's); without one, as for an API client with no served address yet,
any shelf's stock counts, and placing the order checks the real store.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from catalog.models import ProductVariant
from orders.locks import cart_lock, carts_lock
from orders.models import Cart, CartLine
from orders.selectors import (
    CartSummary,
    cart_lines_for_display,
    cart_summary_build,
    variant_get_for_cart,
    variant_is_sellable,
)
from orders.stores.shopper import shopper_of
from shop.errors import Conflict, DomainError, NotFound


@dataclass
class CartChange:
    """What a cart write did: the line (None once removed) and a message."""

    line: CartLine | None
    quantity: int
    message: str = ""


@dataclass
class CartRead:
    """A cart as a page shows it: cleaned lines, their totals, what changed,
    and the store whose shelf it was read against (None: any shelf)."""

    summary: CartSummary
    notes: list[str]
    store_id: int | None = None


def variant_name(variant: ProductVariant) -> str:
    """Return how messages name a variant: "Robusta Banana (1 kg)"."""
    return f"{variant.product.name} ({variant.label})"


def line_cap(variant: ProductVariant) -> int:
    """Return how many of a variant one cart line may hold now (0 when none).

    The variant's `shelf_stock` is the cart's store's shelf when it was read
    for that store (`variant_get_for_cart`, `cart_lines_for_display`).
    """
    return max(0, min(variant.shelf_stock, settings.SHOP_MAX_LINE_QUANTITY))


def quantity_check(quantity, *, allow_zero: bool) -> int:
    """Return the quantity as an int, or raise DomainError when it is not one."""
    low = 0 if allow_zero else 1
    high = settings.SHOP_MAX_LINE_QUANTITY
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise DomainError("The quantity must be a whole number.", code="invalid")
    if not low <= quantity <= high:
        raise DomainError(
            f"The quantity must be between {low} and {high}.", code="invalid"
        )
    return quantity


def cart_get_or_create(*, user=None, session_key: str | None = None) -> Cart:
    """Return the user's cart, or the session's visitor cart, creating it once."""
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    if not session_key:
        raise ValueError("A visitor's cart needs a session key.")
    cart, _created = Cart.objects.get_or_create(session_key=session_key, user=None)
    return cart


def _sellable_variant(variant_id, *, store_id: int | None) -> ProductVariant:
    variant = variant_get_for_cart(variant_id=variant_id, store_id=store_id)
    if variant is None:
        raise NotFound("That product does not exist.")
    if not variant_is_sellable(variant):
        raise Conflict(
            f"{variant_name(variant)} is no longer available.", code="unavailable"
        )
    return variant


def _capped(variant: ProductVariant, wanted: int) -> tuple[int, str]:
    """Return the quantity a line may hold of `wanted`, and why it is less."""
    maximum = settings.SHOP_MAX_LINE_QUANTITY
    quantity = min(wanted, line_cap(variant))
    if quantity >= wanted:
        return quantity, ""
    name = variant_name(variant)
    on_shelf = variant.shelf_stock
    if on_shelf >= maximum:
        return quantity, f"You can buy at most {maximum} of {name}."
    return quantity, f"Only {on_shelf} of {name} left; your cart has {quantity}."


def _out_of_stock(variant: ProductVariant, *, store_id: int | None) -> str:
    """Return "X is out of stock" (at your store, when a store was named)."""
    where = " at your store" if store_id is not None else ""
    return f"{variant_name(variant)} is out of stock{where}"


def _line_store(*, cart, variant, line, quantity: int) -> CartLine:
    if line is None:
        return CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    if line.quantity != quantity:
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    return line


def _line_write(*, cart, variant, line, wanted: int, store_id) -> CartChange:
    """Store `wanted` of the variant in the cart, capped by `line_cap`."""
    if line_cap(variant) <= 0:
        raise Conflict(
            f"{_out_of_stock(variant, store_id=store_id)}.", code="out_of_stock"
        )
    quantity, message = _capped(variant, wanted)
    line = _line_store(cart=cart, variant=variant, line=line, quantity=quantity)
    return CartChange(line=line, quantity=quantity, message=message)


@transaction.atomic
def cart_line_add(
    *, cart: Cart, variant_id: int, quantity: int, store_id: int | None = None
) -> CartChange:
    """Add `quantity` of a variant to the cart, capped by the store's shelf
    (any shelf without `store_id`), with a message."""
    quantity_check(quantity, allow_zero=False)
    cart_lock(cart_id=cart.pk)
    variant = _sellable_variant(variant_id, store_id=store_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    current = line.quantity if line else 0
    return _line_write(
        cart=cart,
        variant=variant,
        line=line,
        wanted=current + quantity,
        store_id=store_id,
    )


@transaction.atomic
def cart_line_set(
    *, cart: Cart, variant_id: int, quantity: int, store_id: int | None = None
) -> CartChange:
    """Set a variant's quantity in the cart, capped by the store's shelf (any
    shelf without `store_id`); 0 removes the line."""
    quantity_check(quantity, allow_zero=True)
    cart_lock(cart_id=cart.pk)
    if quantity == 0:
        if variant_get_for_cart(variant_id=variant_id) is None:
            raise NotFound("That product does not exist.")
        CartLine.objects.filter(cart=cart, variant_id=variant_id).delete()
        return CartChange(line=None, quantity=0)
    variant = _sellable_variant(variant_id, store_id=store_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    return _line_write(
        cart=cart, variant=variant, line=line, wanted=quantity, store_id=store_id
    )


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int) -> None:
    """Remove a line from the cart; a line of another cart is not found."""
    deleted, _ = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise NotFound("That cart line was not found.")


def cart_clean(
    *, lines: list[CartLine]
) -> tuple[list[CartLine], list[CartLine], list[str]]:
    """Drop unsellable lines, set aside those the store has none of, and cap
    the rest by `line_cap`; return (kept, unavailable, messages).

    `lines` are one cart's lines with variants and products loaded, read for
    the cart's store (`cart_lines_for_display`). Lines set aside stay in the
    cart untouched: the shelf may fill again, or the shopper change to a PIN
    code whose store has them.
    """
    kept, unavailable, messages, gone, capped = [], [], [], [], []
    for line in lines:
        name = variant_name(line.variant)
        if not variant_is_sellable(line.variant):
            gone.append(line.pk)
            messages.append(f"{name} is no longer available and was removed.")
            continue
        limit = line_cap(line.variant)
        if limit <= 0:
            unavailable.append(line)
            continue
        if line.quantity > limit:
            line.quantity = limit
            capped.append(line)
            messages.append(f"Only {limit} of {name} can be bought now; we updated it.")
        kept.append(line)
    # Most carts need no change: no transaction, no query.
    if gone or capped:
        with transaction.atomic():
            CartLine.objects.filter(pk__in=gone).delete()
            CartLine.objects.bulk_update(capped, ["quantity"])
    return kept, unavailable, messages


def cart_read(
    *,
    cart: Cart | None = None,
    cart_filter: dict | None = None,
    store_id: int | None,
) -> CartRead:
    """Load a cart's lines, clean them, and total them: what every cart page shows.

    The cart is `cart`, or the one `cart_filter` names (see
    `cart_lines_for_display`), read against the shelf of `store_id` (None:
    any shelf); cleaning writes only when a line changed.
    """
    lines = cart_lines_for_display(
        cart=cart, cart_filter=cart_filter, store_id=store_id
    )
    unavailable: list[CartLine] = []
    notes: list[str] = []
    if lines:
        lines, unavailable, notes = cart_clean(lines=lines)
    return CartRead(
        summary=cart_summary_build(lines=lines, unavailable=unavailable),
        notes=notes,
        store_id=store_id,
    )


def _merge_line(
    *, cart, vline: CartLine, line: CartLine | None, store_id: int | None
) -> tuple[bool, str]:
    """Fold one visitor line into the cart; return whether it went in, and a note."""
    variant = vline.variant
    name = variant_name(variant)
    if not variant_is_sellable(variant):
        return False, f"{name} is no longer available and was not added."
    limit = line_cap(variant)
    if limit <= 0:
        return False, f"{_out_of_stock(variant, store_id=store_id)} and was not added."
    wanted = vline.quantity + (line.quantity if line else 0)
    quantity = min(wanted, limit)
    _line_store(cart=cart, variant=variant, line=line, quantity=quantity)
    if quantity < wanted:
        return True, f"Only {limit} of {name} can be bought; your cart has {quantity}."
    return True, ""


@transaction.atomic
def cart_merge(
    *, session_key: str | None, user, store_id: int | None = None
) -> list[str]:
    """Merge the visitor cart of `session_key` into the user's, capped by the
    shelf of `store_id` (any shelf without); return what changed."""
    if not session_key:
        return []
    visitor = Cart.objects.filter(session_key=session_key, user=None).first()
    if visitor is None:
        return []
    cart = cart_get_or_create(user=user)
    carts_lock(cart_ids=[visitor.pk, cart.pk])
    existing = {line.variant_id: line for line in CartLine.objects.filter(cart=cart)}
    messages, merged = [], 0
    for vline in cart_lines_for_display(cart=visitor, store_id=store_id):
        kept, message = _merge_line(
            cart=cart,
            vline=vline,
            line=existing.get(vline.variant_id),
            store_id=store_id,
        )
        merged += kept
        if message:
            messages.append(message)
    visitor.delete()
    if merged:
        what = "1 item" if merged == 1 else f"{merged} items"
        verb = "is" if merged == 1 else "are"
        messages.insert(0, f"{what} from before you logged in {verb} in your cart.")
    return messages


def cart_merge_after_login(
    *, request, user, visitor_session_key: str | None
) -> list[str]:
    """Merge the visitor's cart on login (registered in `accounts.hooks`), at
    the store of the visitor's PIN code, else of the default address (which
    `delivery_area_remember_default_after_login` has just remembered)."""
    return cart_merge(
        session_key=visitor_session_key,
        user=user,
        store_id=shopper_of(request).store_id,
    )
