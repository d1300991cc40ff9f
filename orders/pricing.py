"""What things cost: a line, a subtotal, the delivery fee. One sum, everywhere.

The cart page, the header's cart total, the API and `order_place` all add
up prices here, so a shopper is never shown one total and charged another.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from shop.money import quantize


def line_total(*, price: Decimal, quantity: int) -> Decimal:
    """Return what `quantity` units at `price` cost, to the cent."""
    return quantize(price * quantity)


def subtotal_of(pairs: Iterable[tuple[Decimal, int]]) -> Decimal:
    """Return the sum of (price, quantity) pairs, to the cent."""
    return quantize(sum((price * quantity for price, quantity in pairs), Decimal(0)))


def delivery_fee_for(*, subtotal: Decimal) -> Decimal:
    """Return the delivery fee for a subtotal: waived at or above the threshold."""
    if subtotal <= 0 or subtotal >= settings.SHOP_FREE_DELIVERY_THRESHOLD:
        return quantize(0)
    return quantize(settings.SHOP_DELIVERY_FEE)
