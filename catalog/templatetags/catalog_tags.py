from django import template

from catalog.cards import cards_render

register = template.Library()


@register.simple_tag(takes_context=True)
def product_cards(context, products, anchor_prefix="product-"):
    """The cards of a grid or row: `{% product_cards deals anchor_prefix="deal-" %}`."""
    return cards_render(context, products, anchor_prefix=anchor_prefix)
