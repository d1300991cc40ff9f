"""Product cards, each rendered once for what it shows and then reused.

A card's HTML depends only on the values `card_values` takes from the product
(and whether the shopper's store is known), so it is kept in the worker's
memory under those very values: a changed price, stock, picture or rating is
a new key, nothing ever needs invalidating, and a card that home, a category
page and a search all show is rendered once per worker, whatever the page
cache's generations do. The ADD / stepper control is the shopper's own
(`{% personal %}`) and goes into each card on every request; an ADD button
(the product not in the cart) is itself kept per product, page and name,
with a stand-in for the CSRF token that each request fills with its own.
"""

from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from shop.pagecache import personal_include, personal_rendered

CARD_TEMPLATE = "catalog/_product_card.html"
CONTROL_TEMPLATE = "orders/_cart_control.html"
# Where the control goes; product text is escaped, so it cannot contain this.
_CONTROL = "<!--card-control-->"
# About 1.5 KB a card: a few megabytes per worker, whatever the catalogue's
# size. Emptied when full rather than kept in recency order: the hot cards
# are rendered again within a few requests.
CARDS_KEPT = 3000

_kept: dict[tuple, tuple[str, str]] = {}
# The field `{% csrf_token %}` writes, as the kept ADD buttons hold it; product
# text is escaped, so no name can contain it.
_TOKEN_FIELD = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
_TOKEN_KEPT = format_html(_TOKEN_FIELD, "kept")
_add_buttons: dict[tuple, str] = {}


# The product's own fields `card_values` reads (with the primary key); the
# rest are columns and variants `catalog.selectors.products_for_cards` adds.
# Listings read only these for their cards: no description, no timestamps.
CARD_FIELDS = ("name", "slug", "rating_avg", "rating_count")


def card_values(product, *, anchor_prefix: str, store_known: bool) -> dict:
    """Return everything a card shows of `product`: the card's whole input."""
    variant = product.card_variant
    return {
        "anchor": f"{anchor_prefix}{product.slug}",
        "url": product.get_absolute_url(),
        "name": product.name,
        "initials": product.initials,
        "thumbnail": product.card_thumbnail_url,
        "in_stock": product.in_stock,
        "store_known": store_known,
        "sizes": len(product.card_variants),
        "variant_id": variant.pk if variant else None,
        "label": variant.label if variant else "",
        "price": variant.price if variant else None,
        "mrp": variant.mrp if variant else None,
        "discount_percent": variant.discount_percent if variant else 0,
        "rating_avg": product.rating_avg,
        "rating_count": product.rating_count,
    }


def _kept_or_made(kept: dict, key: tuple, make):
    """Return `kept[key]`, made by `make()` and kept if missing."""
    value = kept.get(key)
    if value is None:
        value = make()
        if len(kept) >= CARDS_KEPT:
            kept.clear()
        kept[key] = value
    return value


def _halves(card: dict) -> tuple[str, str]:
    def make() -> tuple[str, str]:
        html = get_template(CARD_TEMPLATE).render(
            {"card": card, "control": mark_safe(_CONTROL)}  # noqa: S308
        )
        before, _, after = html.partition(_CONTROL)
        return before, after

    return _kept_or_made(_kept, tuple(card.items()), make)


def cards_render(context, products, *, anchor_prefix: str = "product-") -> str:
    """Render the cards of `products` for the page being rendered."""
    request = context.get("request")
    shopper = getattr(request, "shopper", None)
    store_known = bool(getattr(shopper, "store_id", None))
    quantities = context.get("cart_quantities") or {}
    path = request.get_full_path() if request is not None else ""
    token = context.get("csrf_token")
    # One token for the page's forms, as a cached page gets; without one
    # (no request) each control is rendered as the template would.
    token_field = (
        format_html(_TOKEN_FIELD, token) if token and token != "NOTPROVIDED" else None
    )
    parts = []
    for product in products:
        card = card_values(
            product, anchor_prefix=anchor_prefix, store_known=store_known
        )
        before, after = _halves(card)
        parts.append(before)
        if card["in_stock"]:
            args = {
                "variant_id": card["variant_id"],
                "quantity": quantities.get(card["variant_id"]),
                "next": f"{path}#{card['anchor']}",
                "name": card["name"],
            }
            if args["quantity"] or token_field is None:
                parts.append(personal_include(context, CONTROL_TEMPLATE, args))
            else:
                html = _add_button(args).replace(_TOKEN_KEPT, token_field)
                parts.append(personal_rendered(context, CONTROL_TEMPLATE, args, html))
        parts.append(after)
    # Each half is the card template's escaped output; each control is
    # personal_include's, or the control template's with this page's token.
    return mark_safe("".join(parts))  # noqa: S308


def _add_button(args: dict) -> str:
    """Return the ADD control of `args` (not in the cart), with the kept token."""
    return _kept_or_made(
        _add_buttons,
        (args["variant_id"], args["next"], args["name"]),
        lambda: get_template(CONTROL_TEMPLATE).render({**args, "csrf_token": "kept"}),
    )
