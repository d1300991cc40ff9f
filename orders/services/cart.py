"""Every write of a cart: adding, setting, removing, cleaning and merging lines.

The one cart rule is `line_cap`: a line never holds more than is in stock,
nor more than SHOP_MAX_LINE_QUANTITY. Every write and every read that shows
a cart goes through it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from catalog.models import ProductVariant
from orders.items import item_count, items_phrase
from orders.locks import cart_lock, carts_lock
from orders.models import Cart, CartLine
from orders.selectors import (
    CartSummary,
    cart_lines_for_display,
    cart_summary_build,
    variant_get_for_cart,
    variant_is_sellable,
)
from shop.errors import Conflict, DomainError, NotFound


@dataclass
class CartChange:
    """What a cart write did: the line (None once removed) and a message."""

    line: CartLine | None
    quantity: int
    message: str = ""


@dataclass
class CartRead:
    """A cart as a page shows it: cleaned lines, their totals, what changed."""

    summary: CartSummary
    notes: list[str]


def variant_name(variant: ProductVariant) -> str:
    """Return how messages name a variant: "Robusta Banana (1 kg)"."""
    return f"{variant.product.name} ({variant.label})"


def line_cap(variant: ProductVariant) -> int:
    """Return how many of a variant one cart line may hold now (0 when none)."""
    return max(0, min(variant.stock, settings.SHOP_MAX_LINE_QUANTITY))


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


def _sellable_variant(variant_id) -> ProductVariant:
    variant = variant_get_for_cart(variant_id=variant_id)
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
    if variant.stock >= maximum:
        return quantity, f"You can buy at most {maximum} of {name}."
    return quantity, f"Only {variant.stock} of {name} left; your cart has {quantity}."


def _line_store(*, cart, variant, line, quantity: int) -> CartLine:
    if line is None:
        return CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    if line.quantity != quantity:
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    return line


def _line_write(*, cart, variant, line, wanted: int) -> CartChange:
    """Store `wanted` of the variant in the cart, capped by `line_cap`."""
    if line_cap(variant) <= 0:
        raise Conflict(f"{variant_name(variant)} is out of stock.", code="out_of_stock")
    quantity, message = _capped(variant, wanted)
    line = _line_store(cart=cart, variant=variant, line=line, quantity=quantity)
    return CartChange(line=line, quantity=quantity, message=message)


@transaction.atomic
def cart_line_add(*, cart: Cart, variant_id: int, quantity: int) -> CartChange:
    """Add `quantity` of a variant to the cart, capped by stock, with a message."""
    quantity_check(quantity, allow_zero=False)
    cart_lock(cart_id=cart.pk)
    variant = _sellable_variant(variant_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    current = line.quantity if line else 0
    return _line_write(cart=cart, variant=variant, line=line, wanted=current + quantity)


@transaction.atomic
def cart_line_set(*, cart: Cart, variant_id: int, quantity: int) -> CartChange:
    """Set a variant's quantity in the cart; 0 removes the line."""
    quantity_check(quantity, allow_zero=True)
    cart_lock(cart_id=cart.pk)
    if quantity == 0:
        if variant_get_for_cart(variant_id=variant_id) is None:
            raise NotFound("That product does not exist.")
        CartLine.objects.filter(cart=cart, variant_id=variant_id).delete()
        return CartChange(line=None, quantity=0)
    variant = _sellable_variant(variant_id)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    return _line_write(cart=cart, variant=variant, line=line, wanted=quantity)


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int) -> None:
    """Remove a line from the cart; a line of another cart is not found."""
    deleted, _ = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise NotFound("That cart line was not found.")


def _line_problem(line: CartLine) -> str:
    """Return why a loaded line cannot stay in the cart, or an empty string."""
    name = variant_name(line.variant)
    if not variant_is_sellable(line.variant):
        return f"{name} is no longer available and was removed."
    if line.variant.stock <= 0:
        return f"{name} is out of stock and was removed."
    return ""


def cart_clean(*, lines: list[CartLine]) -> tuple[list[CartLine], list[str]]:
    """Drop unsellable lines and cap quantities by `line_cap`; return lines, messages.

    `lines` are one cart's lines with variants and products loaded.
    """
    kept, messages, gone, capped = [], [], [], []
    for line in lines:
        problem = _line_problem(line)
        if problem:
            gone.append(line.pk)
            messages.append(problem)
            continue
        limit = line_cap(line.variant)
        if line.quantity > limit:
            line.quantity = limit
            capped.append(line)
            messages.append(
                f"Only {limit} of {variant_name(line.variant)} can be bought now; "
                "we updated it."
            )
        kept.append(line)
    # Most carts need no change: no transaction, no query.
    if gone or capped:
        with transaction.atomic():
            CartLine.objects.filter(pk__in=gone).delete()
            CartLine.objects.bulk_update(capped, ["quantity"])
    return kept, messages


def cart_read(*, cart: Cart | None = None, cart_filter: dict | None = None) -> CartRead:
    """Load a cart's lines, clean them, and total them: what every cart page shows.

    The cart is `cart`, or the one `cart_filter` names (see
    `cart_lines_for_display`); cleaning writes only when a line changed.
    """
    lines = cart_lines_for_display(cart=cart, cart_filter=cart_filter)
    notes: list[str] = []
    if lines:
        lines, notes = cart_clean(lines=lines)
    return CartRead(summary=cart_summary_build(lines=lines), notes=notes)


def _merge_line(*, cart, vline: CartLine, line: CartLine | None) -> tuple[int, str]:
    """Fold one visitor line into the cart; return the units it added, and a note."""
    variant = vline.variant
    name = variant_name(variant)
    if not variant_is_sellable(variant):
        return 0, f"{name} is no longer available and was not added."
    limit = line_cap(variant)
    if limit <= 0:
        return 0, f"{name} is out of stock and was not added."
    had = line.quantity if line else 0
    wanted = vline.quantity + had
    quantity = min(wanted, limit)
    _line_store(cart=cart, variant=variant, line=line, quantity=quantity)
    added = max(0, quantity - had)
    if quantity < wanted:
        return added, f"Only {limit} of {name} can be bought; your cart has {quantity}."
    return added, ""


@transaction.atomic
def cart_merge(*, session_key: str | None, user) -> list[str]:
    """Merge the visitor cart of `session_key` into the user's; return what changed."""
    if not session_key:
        return []
    visitor = Cart.objects.filter(session_key=session_key, user=None).first()
    if visitor is None:
        return []
    cart = cart_get_or_create(user=user)
    carts_lock(cart_ids=[visitor.pk, cart.pk])
    existing = {line.variant_id: line for line in CartLine.objects.filter(cart=cart)}
    messages, added = [], []
    visitor_lines = CartLine.objects.filter(cart=visitor).select_related(
        "variant__product"
    )
    for vline in visitor_lines:
        units, message = _merge_line(
            cart=cart, vline=vline, line=existing.get(vline.variant_id)
        )
        added.append(units)
        if message:
            messages.append(message)
    visitor.delete()
    merged = item_count(added)
    if merged:
        verb = "is" if merged == 1 else "are"
        messages.insert(
            0, f"{items_phrase(merged)} from before you logged in {verb} in your cart."
        )
    return messages


def cart_merge_after_login(
    *, request, user, visitor_session_key: str | None
) -> list[str]:
    """Merge the visitor's cart on login (registered in `accounts.hooks`)."""
    return cart_merge(session_key=visitor_session_key, user=user)
