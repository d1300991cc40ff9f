"""The ASGI entry point: pages (under `make run`) and the live WebSockets.

Django is set up before the WebSocket routes are imported, because their
consumers import models.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.production")

django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from orders.live.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter(
    {"http": django_application, "websocket": websocket_application}
)

# Django and the application, loaded once, live as long as the process: kept
# out of the collector, a full collection no longer walks them all while a
# thousand sockets wait for an event (make bench's live row).
gc.freeze()
