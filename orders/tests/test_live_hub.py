"""The live process's hub: each group joined once, events handed to each socket."""

import asyncio

import pytest

from orders.live.consumers import OUTBOX_SIZE, TOO_SLOW, OrdersConsumer
from orders.live.hub import live_hub


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    }


class Socket:
    def __init__(self):
        self.events = []

    def live_event(self, message):
        self.events.append((message["order"], message["seq"]))


def _event(group, seq):
    return {"type": "live.event", "group": group, "order": "FC1", "seq": seq}


async def _quiet():
    for _ in range(5):
        await asyncio.sleep(0)


def test_a_group_is_joined_once_per_process_and_left_with_its_last_socket():
    async def scenario():
        hub = live_hub()
        one, two = Socket(), Socket()
        await hub.join(["live.user.1", "live.order.7"], one)
        await hub.join(["live.user.1"], two)
        layer = hub.layer
        joined = {group: set(layer.groups[group]) for group in layer.groups}
        assert joined == {"live.user.1": {hub.channel}, "live.order.7": {hub.channel}}

        await layer.group_send("live.user.1", _event("live.user.1", 1))
        await layer.group_send("live.order.7", _event("live.order.7", 2))
        await _quiet()
        assert (one.events, two.events) == ([("FC1", 1), ("FC1", 2)], [("FC1", 1)])

        await hub.leave(["live.user.1", "live.order.7"], one)
        assert set(layer.groups) == {"live.user.1"}
        await hub.leave(["live.user.1"], two)
        assert layer.groups == {}
        await layer.group_send("live.user.1", _event("live.user.1", 3))
        await _quiet()
        assert two.events == [("FC1", 1)]

    asyncio.run(scenario())


def test_a_socket_that_cannot_keep_up_is_closed_once_to_resume_from_its_last():
    async def scenario():
        sent = []

        async def asgi_send(message):
            sent.append(message)

        consumer = OrdersConsumer()
        consumer.scope = {"type": "websocket", "subprotocols": []}
        consumer.base_send = asgi_send
        await consumer.connect()
        # Its writer starts once subscribed; until then events wait.
        for seq in range(1, OUTBOX_SIZE + 10):
            consumer.live_event({"order": "FC1", "seq": seq, "text": "{}"})
        await _quiet()
        consumer._timers_cancel()
        return sent

    sent = asyncio.run(scenario())

    closes = [message for message in sent if message["type"] == "websocket.close"]
    assert closes == [
        {
            "type": "websocket.close",
            "code": TOO_SLOW,
            "reason": "too slow: resume with last",
        }
    ]
