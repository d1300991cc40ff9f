"""The WebSocket endpoints (docs/api.md, "Live order events").

A client connects, then sends one `subscribe` message: the token if it gave
none in the subprotocol header (pages use their session cookie instead),
and `last`, the sequence number it saw last. The consumer joins its groups
*before* it reads what was missed, so an event committed meanwhile arrives
either in the replay or live, and the numbers already sent drop repeats.
"""

import asyncio
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from orders.live.auth import SUBPROTOCOL, socket_user, token_from_subprotocols
from orders.live.hub import live_hub
from orders.live.selectors import (
    LiveScope,
    live_events_missed,
    live_scope_of_order,
    live_scope_of_shopper,
    live_scope_of_staff,
)

BAD_MESSAGE = 4400
NOT_SIGNED_IN = 4401
NOT_YOURS = 4403
NO_SUCH_ENDPOINT = 4404
# WebSocket's "try again later": the client reads too slowly to keep up.
TOO_SLOW = 1013
# Events waiting for one socket before it is closed as too slow; it resumes
# from the database with its `last` numbers.
OUTBOX_SIZE = 500
# Orders one `last` may name: a page of the order list is far fewer.
MAX_ORDERS_RESUMED = 100


class BadMessage(ValueError):
    pass


class LiveConsumer(AsyncWebsocketConsumer):
    """Subscribe on the first message, replay what was missed, then push live."""

    # No channel of its own: the process's hub (orders.live.hub) takes the
    # events of every group and queues them for each socket that watches.
    channel_layer_alias = None

    async def connect(self):
        self.token = token_from_subprotocols(self.scope["subprotocols"])
        self.live_groups: list[str] = []
        self.sent: dict[str, int] = {}
        self.subscribed = False
        self.timers: list[asyncio.TimerHandle] = []
        self.outbox: asyncio.Queue = asyncio.Queue(OUTBOX_SIZE)
        self.writer: asyncio.Task | None = None
        self.too_slow = False
        offered = SUBPROTOCOL if SUBPROTOCOL in self.scope["subprotocols"] else None
        await self.accept(subprotocol=offered)
        self._close_later(
            settings.SHOP_LIVE_SUBSCRIBE_SECONDS, NOT_SIGNED_IN, "no subscribe message"
        )

    async def disconnect(self, code):
        self._timers_cancel()
        if self.writer is not None:
            self.writer.cancel()
        await live_hub().leave(self.live_groups, self)

    async def receive(self, text_data=None, bytes_data=None):
        if self.subscribed:
            await self._refuse(BAD_MESSAGE, "already subscribed")
            return
        self._timers_cancel()
        try:
            message = json.loads(text_data or "")
            if not isinstance(message, dict) or message.get("type") != "subscribe":
                raise BadMessage("the first message must be a subscribe")
            token = message.get("token", self.token)
            if token is not None and not isinstance(token, str):
                raise BadMessage("token must be a string")
            last = self.last_seen(message.get("last"))
        except (ValueError, TypeError) as error:
            await self._refuse(BAD_MESSAGE, str(error)[:100])
            return
        # Off the event loop, and not all in the one thread that Channels
        # gives thread-sensitive calls: a thousand clients reconnecting at
        # once are checked side by side.
        refusal, scope, expires = await database_sync_to_async(
            self._authorize, thread_sensitive=False
        )(token)
        if refusal is not None:
            await self._refuse(*refusal)
            return
        await self._subscribe(scope, last, expires)

    def _authorize(self, token: str | None):
        """Return (refusal, scope, expires): who is asking, and may they."""
        user, expires = socket_user(self.scope, token)
        if user is None:
            return (NOT_SIGNED_IN, "not signed in"), None, None
        scope = self.scope_of(user)
        if scope is None:
            return (NOT_YOURS, "not yours"), None, None
        return None, scope, expires

    def _timers_cancel(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers = []

    async def _subscribe(self, scope: LiveScope, last: dict, expires) -> None:
        # Events from now on wait in the outbox until the replay is sent.
        self.live_groups = scope.groups
        self.subscribed = True
        await live_hub().join(scope.groups, self)
        missed = await database_sync_to_async(
            live_events_missed, thread_sensitive=False
        )(scope=scope, last=last)
        self.sent.update(last)
        for event in missed:
            await self._deliver(event["order"], event["seq"], json.dumps(event))
        if expires is not None:
            self._close_later(expires - time.time(), NOT_SIGNED_IN, "token expired")
        await self.send(
            text_data=json.dumps({"type": "subscribed", "replayed": len(missed)})
        )
        self.writer = asyncio.create_task(self._write())

    def live_event(self, message: dict) -> None:
        """Queue an event from the hub for this socket's writer."""
        try:
            self.outbox.put_nowait((message["order"], message["seq"], message["text"]))
        except asyncio.QueueFull:
            if not self.too_slow:
                self.too_slow = True
                self._close_later(0, TOO_SLOW, "too slow: resume with last")

    async def _write(self) -> None:
        while True:
            number, seq, text = await self.outbox.get()
            await self._deliver(number, seq, text)

    async def _deliver(self, number: str, seq: int, text: str) -> None:
        if seq <= self.sent.get(number, 0):
            return
        self.sent[number] = seq
        await self.send(text_data=text)

    def _close_later(self, seconds: float, code: int, reason: str) -> None:
        loop = asyncio.get_running_loop()
        self.timers.append(
            loop.call_later(
                max(seconds, 0),
                lambda: asyncio.ensure_future(self._refuse(code, reason)),
            )
        )

    async def _refuse(self, code: int, reason: str) -> None:
        await self.close(code=code, reason=reason)

    def scope_of(self, user) -> LiveScope | None:
        raise NotImplementedError

    def last_seen(self, value) -> dict[str, int]:
        """Return the sequence number seen last per order, from `last`."""
        if value is None:
            return {}
        if not isinstance(value, dict) or len(value) > MAX_ORDERS_RESUMED:
            raise BadMessage(
                f"last must map at most {MAX_ORDERS_RESUMED} order numbers to numbers"
            )
        return {str(number): _seq(seq) for number, seq in value.items()}


def _seq(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadMessage("a sequence number is a whole number, 0 or more")
    return value


class OrderConsumer(LiveConsumer):
    """`/ws/v1/orders/<number>/`: one of the signed-in shopper's orders."""

    def scope_of(self, user) -> LiveScope | None:
        return live_scope_of_order(
            user=user, number=self.scope["url_route"]["kwargs"]["number"]
        )

    def last_seen(self, value) -> dict[str, int]:
        if value is None:
            return {}
        return {self.scope["url_route"]["kwargs"]["number"]: _seq(value)}


class OrdersConsumer(LiveConsumer):
    """`/ws/v1/orders/`: every order of the signed-in shopper."""

    def scope_of(self, user) -> LiveScope | None:
        return live_scope_of_shopper(user=user)


class StaffOrdersConsumer(LiveConsumer):
    """`/ws/v1/staff/orders/`: a store's queue, a seller's orders, or all of them."""

    def scope_of(self, user) -> LiveScope | None:
        return live_scope_of_staff(user=user)


class NoSuchEndpointConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.close(code=NO_SUCH_ENDPOINT, reason="no such endpoint")
