"""Product cards, each rendered once for what it shows and then reused.

A card's HTML depends only on the values `card_values` takes from the product
(and whether the shopper's store is known), so it is kept in the worker's
memory under those very values: a changed price, stock, picture or rating is
a new key, nothing ever needs invalidating, and a card that home, a category
page and a search all show is rendered once per worker, whatever the page
cache's generations do. The ADD / stepper control is the shopper's own
(`{% personal %}`) and is rendered into each card on every request.
"""

from django.template.loader import get_template
from django.utils.safestring import mark_safe

from shop.pagecache import personal_include

CARD_TEMPLATE = "catalog/_product_card.html"
CONTROL_TEMPLATE = "orders/_cart_control.html"
# Where the control goes; product text is escaped, so it cannot contain this.
_CONTROL = "<!--card-control-->"
# About 1.5 KB a card: a few megabytes per worker, whatever the catalogue's
# size. Emptied when full rather than kept in recency order: the hot cards
# are rendered again within a few requests.
CARDS_KEPT = 3000

_kept: dict[tuple, tuple[str, str]] = {}


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


def _halves(card: dict) -> tuple[str, str]:
    key = tuple(card.items())
    halves = _kept.get(key)
    if halves is None:
        html = get_template(CARD_TEMPLATE).render(
            {"card": card, "control": mark_safe(_CONTROL)}  # noqa: S308
        )
        before, _, after = html.partition(_CONTROL)
        halves = (before, after)
        if len(_kept) >= CARDS_KEPT:
            _kept.clear()
        _kept[key] = halves
    return halves


def cards_render(context, products, *, anchor_prefix: str = "product-") -> str:
    """Render the cards of `products` for the page being rendered."""
    request = context.get("request")
    shopper = getattr(request, "shopper", None)
    store_known = bool(getattr(shopper, "store_id", None))
    quantities = context.get("cart_quantities") or {}
    path = request.get_full_path() if request is not None else ""
    parts = []
    for product in products:
        card = card_values(
            product, anchor_prefix=anchor_prefix, store_known=store_known
        )
        before, after = _halves(card)
        parts.append(before)
        if card["in_stock"]:
            parts.append(
                personal_include(
                    context,
                    CONTROL_TEMPLATE,
                    {
                        "variant_id": card["variant_id"],
                        "quantity": quantities.get(card["variant_id"]),
                        "next": f"{path}#{card['anchor']}",
                        "name": card["name"],
                    },
                )
            )
        parts.append(after)
    # Each half is the card template's escaped output; the control is
    # personal_include's.
    return mark_safe("".join(parts))  # noqa: S308
