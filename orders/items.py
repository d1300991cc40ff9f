"""How many items a cart or an order holds: one rule for every count a shopper reads.

An item is a unit: two packs of the same milk are two items. The header's cart
button and bar, the cart page, the API's cart, the order list and the note
after login all count this way, through these functions.
"""

from collections.abc import Iterable

from django.db.models import Sum
from django.db.models.functions import Coalesce


def item_count(quantities: Iterable[int]) -> int:
    """Return how many items lines of these quantities hold: their units."""
    return sum(quantities)


def item_count_sql(lines: str = "lines") -> Coalesce:
    """Return `item_count` as an aggregate over the relation `lines`, for querysets."""
    return Coalesce(Sum(f"{lines}__quantity"), 0)


def items_phrase(count: int) -> str:
    """Return "1 item" or "N items"."""
    return "1 item" if count == 1 else f"{count} items"
