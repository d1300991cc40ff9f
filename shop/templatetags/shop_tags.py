from decimal import Decimal

from django import template
from django.conf import settings

from shop.money import money_format
from shop.pagecache import personal_include

register = template.Library()


@register.filter
def money(amount, currency=None):
    """Render an amount for a shopper: 1234.5 -> ₹1,234.50, 60 -> ₹60."""
    if amount is None or amount == "":
        return ""
    return money_format(amount, currency or settings.SHOP_CURRENCY)


@register.filter
def money_exact(amount, currency=None):
    """Render an amount with both decimal places, as invoices print it: ₹60.00."""
    if amount is None or amount == "":
        return ""
    return money_format(amount, currency or settings.SHOP_CURRENCY, exact=True)


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


@register.simple_tag(takes_context=True)
def personal(context, template_name, **args):
    """Include a part of the page that is the visitor's own (header, cart, steppers).

    `{% personal "orders/_cart_control.html" variant_id=v.id next=... %}`: the
    arguments must be plain values (numbers, text), since a page the store's
    shoppers share keeps them to render the part for each shopper
    (`shop.pagecache`); the template sees them and the context processors.
    """
    return personal_include(context, template_name, args)
