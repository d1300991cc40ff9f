from django.conf import settings


def shop(request):
    """What every page's header and footer need to know about the shop."""
    return {
        "shop_name": settings.SHOP_NAME,
        "shop_currency": settings.SHOP_CURRENCY,
        "offline_payments": settings.SHOP_OFFLINE_PAYMENTS,
        # Where the live script opens its WebSocket; empty: the page's origin.
        "live_url": settings.SHOP_LIVE_URL,
    }
