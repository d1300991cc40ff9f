from django import template

from shop.money import money_format

register = template.Library()


@register.filter
def money(amount, currency=None):
    """Render an amount with its currency symbol: 1234.5 -> ₹1,234.50."""
    return money_format(amount, currency)


@register.filter
def get_item(mapping, key):
    """Return mapping[key] or None: `{{ cart_quantities|get_item:variant.id }}`."""
    if not mapping:
        return None
    return mapping.get(key)
