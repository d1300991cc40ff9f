"""The in-memory channel layer of `make run`, safe to publish to from any thread.

Channels' InMemoryChannelLayer keeps asyncio queues that belong to the
server's event loop. A status change committed in a thread with no such loop
(the demo's timer) would put into them from another loop, which wakes no one
until the server's loop happens to run; this layer hands the send to the
loop that receives instead.
"""

import asyncio

from channels.layers import InMemoryChannelLayer


class ProcessChannelLayer(InMemoryChannelLayer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._receiving_loop: asyncio.AbstractEventLoop | None = None

    async def receive(self, channel):
        self._receiving_loop = asyncio.get_running_loop()
        return await super().receive(channel)

    async def send(self, channel, message):
        home = self._receiving_loop
        if home is None or home.is_closed() or home is asyncio.get_running_loop():
            return await super().send(channel, message)
        future = asyncio.run_coroutine_threadsafe(super().send(channel, message), home)
        return await asyncio.wrap_future(future)
