"""The WebSocket URLs, served under /ws/ by the ASGI application (shop/asgi.py)."""

from channels.routing import URLRouter
from channels.sessions import SessionMiddlewareStack
from django.urls import path, re_path

from orders.live.consumers import (
    NoSuchEndpointConsumer,
    OrderConsumer,
    OrdersConsumer,
    StaffOrdersConsumer,
)

websocket_application = SessionMiddlewareStack(
    URLRouter(
        [
            path("ws/v1/orders/", OrdersConsumer.as_asgi()),
            path("ws/v1/orders/<str:number>/", OrderConsumer.as_asgi()),
            path("ws/v1/staff/orders/", StaffOrdersConsumer.as_asgi()),
            re_path(r"", NoSuchEndpointConsumer.as_asgi()),
        ]
    )
)
