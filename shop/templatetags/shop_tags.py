from decimal import Decimal

from django import template
from django.conf import settings

register = template.Library()

CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


@register.filter
def money(amount, currency=None):
    """Render an amount with its currency symbol: 1234.5 -> ₹1,234.50."""
    if amount is None or amount == "":
        return ""
    currency = (currency or settings.SHOP_CURRENCY).upper()
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return f"{symbol}{Decimal(amount):,.2f}"


@register.filter
def get_item(mapping, key):
    """Return mapping[key] or None: `{{ cart_quantities|get_item:variant.id }}`."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def discount_percent(price, mrp):
    """Return the whole-number discount of price against MRP, or 0."""
    if not mrp or not price or Decimal(mrp) <= Decimal(price):
        return 0
    return int((Decimal(mrp) - Decimal(price)) * 100 / Decimal(mrp))
