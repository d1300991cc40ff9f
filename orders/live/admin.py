"""The admin's order lists follow the staff queue live (static/js/live-admin.js)."""

from django import forms
from django.conf import settings


class OrderLiveAdminMixin:
    """Add the live script to an order admin's pages; it acts on the changelist."""

    @property
    def media(self):
        live = forms.Media(
            js=[
                forms.Script(
                    "js/live-admin.js",
                    **{"data-live-url": settings.SHOP_LIVE_URL, "defer": True},
                )
            ]
        )
        return super().media + live
