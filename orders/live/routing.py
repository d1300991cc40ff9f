"""The WebSocket URLs, served under /ws/ by the ASGI application (shop/asgi.py)."""

from channels.routing import URLRouter
from channels.sessions import CookieMiddleware
from django.urls import path, re_path

from orders.live.consumers import (
    NoSuchEndpointConsumer,
    OrderConsumer,
    OrdersConsumer,
    StaffOrdersConsumer,
)

# Cookies only: orders.live.auth reads a page's session once, when it subscribes.
websocket_application = CookieMiddleware(
    URLRouter(
        [
            path("ws/v1/orders/", OrdersConsumer.as_asgi()),
            path("ws/v1/orders/<str:number>/", OrderConsumer.as_asgi()),
            path("ws/v1/staff/orders/", StaffOrdersConsumer.as_asgi()),
            re_path(r"", NoSuchEndpointConsumer.as_asgi()),
        ]
    )
)
